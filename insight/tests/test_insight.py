"""Knowing each other through real URLs, then the database."""

from __future__ import annotations

import html

from django.urls import reverse

from activity.models import Notice
from conftest import Cast, ring
from insight import reflection
from insight.models import ClosenessReflection, GuidePart

GUIDE = reverse("insight:guide")
PARTNER = reverse("insight:partner_guide")
CLOSENESS = reverse("insight:closeness")


def page(client: object, url: str) -> str:
    return html.unescape(client.get(url).content.decode())  # type: ignore[attr-defined]


def test_the_guide_is_private_until_a_part_is_shared(cast: Cast) -> None:
    got = cast.alice.client.post(
        GUIDE,
        {
            "unsettles": "raised voices late at night",
            "helps": "a hand on my back",
            "share-helps": "on",
        },
    )
    assert got.status_code == 302
    assert GuidePart.objects.filter(author=cast.alice.user).count() == 2
    assert not any(b"raised voices" in bytes(p.text) for p in GuidePart.objects.all())  # encrypted
    bobs = page(cast.bob.client, PARTNER)
    assert "When it's hard for Alice" in bobs
    assert "a hand on my back" in bobs
    assert "raised voices" not in bobs
    assert "raised voices" not in page(cast.carol.client, PARTNER)
    assert "a hand on my back" not in page(cast.carol.client, PARTNER)
    # Share the whole guide, then stop sharing one part.
    cast.alice.client.post(
        GUIDE,
        {
            "unsettles": "raised voices late at night",
            "share-unsettles": "on",
            "helps": "a hand on my back",
        },
    )
    bobs = page(cast.bob.client, PARTNER)
    assert "raised voices" in bobs and "a hand on my back" not in bobs


def test_a_changed_part_keeps_the_earlier_words_for_the_author_only(cast: Cast) -> None:
    cast.alice.client.post(GUIDE, {"helps": "quiet first", "share-helps": "on"})
    cast.alice.client.post(GUIDE, {"helps": "quiet first, then a walk", "share-helps": "on"})
    cast.alice.client.post(GUIDE, {"helps": "quiet first, then a walk", "share-helps": "on"})
    assert GuidePart.objects.filter(author=cast.alice.user).count() == 2  # same twice: no copy
    earlier = GuidePart.objects.get(replaced_at__isnull=False)
    assert earlier.visibility == "private"
    assert "quiet first" in page(cast.alice.client, reverse("insight:earlier"))
    bobs = page(cast.bob.client, PARTNER)
    assert "quiet first, then a walk" in bobs
    assert "quiet first<" not in bobs
    assert "quiet first" not in page(cast.bob.client, reverse("insight:earlier"))


def test_bad_guide_input_is_refused_kindly_and_nothing_is_lost(cast: Cast) -> None:
    empty = cast.alice.client.post(GUIDE, {"helps": "   "})
    assert empty.status_code == 422
    assert "Write at least one part first" in html.unescape(empty.content.decode())
    long = "w" * 1001
    got = cast.alice.client.post(GUIDE, {"helps": long, "myself": "<script>x</script>"})
    assert got.status_code == 422
    body = got.content.decode()
    assert long in body and "&lt;script&gt;x&lt;/script&gt;" in body
    assert "1,001" in body
    assert not GuidePart.objects.exists()


def test_closeness_reflection_private_then_side_by_side_where_both_share(cast: Cast) -> None:
    mine = {
        "kind-time": "lot",
        "kind-touch": "some",
        "kind-play": "little",
        "pace": "steady",
        "reassurance": ["plans", "asked"],
        "harder": "being rushed",
    }
    theirs = {
        "kind-time": "some",
        "kind-touch": "unsure",
        "kind-play": "lot",
        "pace": "steady",
        "reassurance": ["asked"],
    }
    assert cast.alice.client.post(CLOSENESS, mine).status_code == 302
    assert cast.bob.client.post(CLOSENESS, {**theirs, "shared": "on"}).status_code == 302
    alices = page(cast.alice.client, CLOSENESS)
    assert "not a validated test" in alices
    assert "Share yours too" in alices and "Where you meet" not in alices
    bobs = page(cast.bob.client, CLOSENESS)
    assert "being rushed" not in bobs
    cast.alice.client.post(reverse("insight:closeness_share"), {"share": "on"})
    alices = page(cast.alice.client, CLOSENESS)
    meet = alices.split("Where you meet")[1].split("Side by side")[0]
    assert reflection.KIND_NAMES["time"] in meet
    assert "Being asked what I need" in meet
    assert "slow and steady" in meet
    assert reflection.KIND_NAMES["touch"] not in meet and reflection.KIND_NAMES["play"] not in meet
    assert "being rushed" in page(cast.bob.client, CLOSENESS)
    assert "being rushed" not in page(cast.carol.client, CLOSENESS)


def test_retaking_keeps_earlier_answers_for_the_person_only(cast: Cast) -> None:
    cast.alice.client.post(CLOSENESS, {"pace": "slow", "harder": "first words", "shared": "on"})
    cast.alice.client.post(CLOSENESS, {"pace": "more", "shared": "on"})
    rows = ClosenessReflection.objects.filter(author=cast.alice.user)
    assert rows.count() == 2
    assert rows.get(replaced_at__isnull=False).visibility == "private"
    assert "first words" in page(cast.alice.client, CLOSENESS)
    assert "first words" not in page(cast.bob.client, CLOSENESS)


def test_the_same_answers_sent_twice_keep_one_version(cast: Cast) -> None:
    for _ in range(2):
        cast.alice.client.post(CLOSENESS, {"pace": "slow", "kind-play": "lot"})
    assert ClosenessReflection.objects.filter(author=cast.alice.user).count() == 1


def test_closeness_bad_input(cast: Cast) -> None:
    assert cast.alice.client.post(CLOSENESS, {}).status_code == 422
    assert cast.alice.client.post(CLOSENESS, {"pace": "fast"}).status_code == 422
    assert cast.alice.client.post(CLOSENESS, {"kind-time": "always"}).status_code == 422
    got = cast.alice.client.post(CLOSENESS, {"harder": "h" * 1001})
    assert got.status_code == 422 and "h" * 1001 in got.content.decode()
    assert not ClosenessReflection.objects.exists()


def test_grounding_is_one_tap_from_pages_and_tells_the_partner_only_when_asked(
    cast: Cast,
) -> None:
    for url in (reverse("checkins:today"), reverse("today"), reverse("safety:help")):
        assert reverse("insight:grounding") in cast.alice.client.get(url).content.decode()
    assert cast.anonymous.get(reverse("insight:grounding")).status_code == 200
    grounding = page(cast.alice.client, reverse("insight:grounding"))
    assert "Let Bob know" in grounding
    assert not Notice.objects.exists()  # opening the page tells no one
    cast.alice.client.post(reverse("insight:tell"))
    cast.alice.client.post(reverse("insight:tell"))  # a second tap tells no one twice
    (notice,) = Notice.objects.all()
    assert notice.recipient == cast.bob.user and notice.kind == "insight:moment"
    assert "Alice is taking a moment, and will come back" in page(cast.bob.client, reverse("today"))
    # Erin has no partner: nothing to tell, and no form offered.
    assert "know I'm taking a moment" not in page(cast.erin.client, reverse("insight:grounding"))
    cast.erin.client.post(reverse("insight:tell"))
    assert Notice.objects.count() == 1


def test_the_guide_is_one_tap_from_the_pauses_and_a_concern() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for template in (
        "conversations/templates/conversations/room.html",
        "closeness/templates/closeness/_paused.html",
        "agreements/templates/agreements/concern.html",
    ):
        assert "{% url 'insight:guide' %}" in (root / template).read_text(), template


def test_services_open_with_ring(cast: Cast) -> None:
    from insight import services

    services.save_guide(ring(cast.alice.user), {"signs": "I go quiet"}, {"signs"})
    shown = services.partner_guide(ring(cast.bob.user), cast.alice.user)
    assert [p.text for p in shown] == ["I go quiet"]


def test_the_readable_export_holds_guide_reflection_and_questionnaire_in_words(
    cast: Cast,
) -> None:
    import io
    import zipfile

    from conftest import PASSWORD
    from measures import services as measures

    cast.alice.client.post(GUIDE, {"helps": "a slow walk after dinner"})
    cast.alice.client.post(CLOSENESS, {"pace": "steady", "harder": "being rushed"})
    measures.take(ring(cast.alice.user), "csi4", [3, 3, 2, 4], shared=False)
    got = cast.alice.client.post("/account/export/", {"password": PASSWORD})
    with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
        markdown = archive.read("tending-export.md").decode()
    assert "a slow walk after dinner" in markdown
    assert "Slow and steady" in markdown and "being rushed" in markdown
    assert "Almost Completely" in markdown and "12 of 21" in markdown
