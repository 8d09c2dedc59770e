"""Questionnaires through real URLs, then the database."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from checkins import services as checkins
from conftest import Cast, ring
from measures import scoring, services
from measures.models import Response
from outbox.models import OutboxEmail
from privacy import entries

# Wednesday 11 March 2026, 13:00 in Amsterdam, where every persona lives.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
CSI4 = reverse("measures:csi4")
CSI16 = reverse("measures:csi16")
INDEX = reverse("measures:index")


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def answers(*options: int) -> dict[str, str]:
    return {f"item-{n}": str(o) for n, o in enumerate(options, start=1)}


def opened(response: Response, cast: Cast) -> list[int]:
    (r,) = entries.reveal([Response.objects.get(pk=response.pk)], ring(response.author))
    return r.plain["answers"]  # type: ignore[no-any-return]


def test_csi4_keeps_the_options_chosen_and_shows_the_derived_total(cast: Cast) -> None:
    # Happy (3 points), Mostly TRUE (3), Somewhat (2), Almost Completely (4): 12 of 21.
    got = cast.alice.client.post(CSI4, answers(3, 3, 2, 4))
    assert got.status_code == 302
    (kept,) = Response.objects.filter(author=cast.alice.user)
    assert kept.form == "csi4" and not kept.is_shared
    assert kept.month.isoformat() == "2026-03-01"
    assert opened(kept, cast) == [3, 3, 2, 4]  # the options, not points
    assert b"[3, 3, 2, 4]" not in bytes(kept.answers)  # encrypted
    page = html.unescape(cast.alice.client.get(INDEX).content.decode())
    assert "12 of 21" in page
    assert "distressed" not in page.lower()
    detail = html.unescape(
        cast.alice.client.get(reverse("measures:detail", args=[kept.pk])).content.decode()
    )
    assert "Happy" in detail and "Almost Completely" in detail


def test_csi16_word_pairs_keep_the_box_and_score_it_as_printed(cast: Cast) -> None:
    # First box of every item: items 2, 11, 13, 14 and 16 print their 5 points first.
    cast.alice.client.post(CSI16, answers(*[0] * 16))
    (kept,) = Response.objects.filter(author=cast.alice.user)
    assert opened(kept, cast) == [0] * 16
    assert "25 of 81" in html.unescape(cast.alice.client.get(INDEX).content.decode())


def test_missing_items_are_asked_for_and_what_was_chosen_is_kept(cast: Cast) -> None:
    got = cast.alice.client.post(CSI4, {"item-1": "3", "item-3": "2"})
    assert got.status_code == 422
    page = html.unescape(got.content.decode())
    assert "still need an answer" in page
    assert page.count("This one still needs an answer.") == 2
    assert 'name="item-1" value="3" checked' in page
    assert not Response.objects.exists()


@pytest.mark.parametrize("bad", ["7", "-1", "two", "3.5", "99999999999999999999"])
def test_an_option_the_item_does_not_have_is_refused(cast: Cast, bad: str) -> None:
    got = cast.alice.client.post(CSI4, {**answers(3, 3, 2, 4), "item-1": bad})
    assert got.status_code == 422
    assert "isn't one of the answers" in html.unescape(got.content.decode())
    assert not Response.objects.exists()


def test_item_2_of_the_csi4_has_no_seventh_option(cast: Cast) -> None:
    got = cast.alice.client.post(CSI4, answers(6, 6, 0, 0))
    assert got.status_code == 422
    assert not Response.objects.exists()


def test_the_monthly_questions_once_a_month(cast: Cast) -> None:
    cast.alice.client.post(CSI4, answers(3, 3, 2, 4))
    again = cast.alice.client.post(CSI4, answers(6, 5, 5, 5), follow=True)
    assert "already kept" in html.unescape(again.content.decode())
    assert Response.objects.filter(author=cast.alice.user).count() == 1
    assert "already kept" in html.unescape(cast.alice.client.get(CSI4).content.decode())
    with pytest.raises(services.AlreadyThisMonth):
        services.take(ring(cast.alice.user), "csi4", [0, 0, 0, 0], shared=False)
    # The sixteen questions may be taken any time.
    cast.alice.client.post(CSI16, answers(*[1] * 16))
    cast.alice.client.post(CSI16, answers(*[2] * 16))
    assert Response.objects.filter(author=cast.alice.user, form="csi16").count() == 2
    # Next month the four questions open again.
    with time_machine.travel(NOW + timedelta(days=25), tick=False):
        services.take(ring(cast.alice.user), "csi4", [4, 4, 4, 4], shared=False)
    assert Response.objects.filter(author=cast.alice.user, form="csi4").count() == 2


def test_private_answers_reach_nobody_and_shared_ones_only_the_partner(cast: Cast) -> None:
    cast.alice.client.post(CSI4, answers(3, 3, 2, 4))
    private = Response.objects.get(author=cast.alice.user)
    detail = reverse("measures:detail", args=[private.pk])
    assert cast.bob.client.get(detail).status_code == 404
    assert cast.carol.client.get(detail).status_code == 404
    assert "12 of 21" not in html.unescape(cast.bob.client.get(INDEX).content.decode())
    # Bob can't share, unshare or delete what's Alice's.
    for action in ("share", "unshare", "delete"):
        url = reverse(f"measures:{action}", args=[private.pk])
        assert cast.bob.client.post(url).status_code == 404
    assert Response.objects.get(pk=private.pk).visibility == "private"

    cast.alice.client.post(reverse("measures:share", args=[private.pk]))
    bobs = html.unescape(cast.bob.client.get(INDEX).content.decode())
    assert "What Alice shared" in bobs and "12 of 21" in bobs
    assert cast.bob.client.get(detail).status_code == 200
    assert cast.carol.client.get(detail).status_code == 404

    cast.alice.client.post(reverse("measures:unshare", args=[private.pk]))
    assert "12 of 21" not in html.unescape(cast.bob.client.get(INDEX).content.decode())


def test_only_the_author_deletes_their_answers(cast: Cast) -> None:
    cast.alice.client.post(CSI4, answers(3, 3, 2, 4))
    kept = Response.objects.get(author=cast.alice.user)
    entries.share(kept, ring(cast.alice.user))
    # The service asks again: the partner who may see the answers may not delete them.
    with pytest.raises(PermissionError):
        services.delete_response(ring(cast.bob.user), kept)
    assert Response.objects.filter(pk=kept.pk).exists()
    got = cast.alice.client.post(reverse("measures:delete", args=[kept.pk]))
    assert got.status_code == 302
    assert not Response.objects.filter(pk=kept.pk).exists()


def test_with_no_citable_reference_there_is_a_line_and_no_verdict(cast: Cast) -> None:
    with time_machine.travel(NOW - timedelta(days=40), tick=False):
        services.take(ring(cast.alice.user), "csi4", [1, 1, 1, 1], shared=False)
    services.take(ring(cast.alice.user), "csi4", [6, 5, 5, 5], shared=False)
    page = html.unescape(cast.alice.client.get(INDEX).content.decode())
    assert "we don't have one yet" in page
    assert "<svg" in page and "4 of 21" in page and "21 of 21" in page
    for verdict in ("improved", "reliable", "better", "worse", "distress"):
        assert verdict not in page.lower()


def test_a_verdict_appears_only_with_reference_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    from measures.charts import Point

    line = [Point(NOW.date(), 5, None), Point(NOW.date(), 18, None)]
    monkeypatch.setitem(scoring.REFERENCE_SD, "csi4", 4.0)
    monkeypatch.setitem(scoring.RELIABILITY, "csi4", 0.9)
    change = services.change_between("csi4", line)
    assert change is not None and change.verdict and "higher" in change.words
    small = services.change_between("csi4", [line[0], Point(NOW.date(), 6, None)])
    assert small is not None and "within" in small.words


def test_the_monthly_reminder_is_gentle_once_and_can_be_turned_off(cast: Cast) -> None:
    alice = cast.alice.user
    assert services.plan_monthly_reminders() == 0  # off unless chosen
    cast.alice.client.post(reverse("measures:reminder"), {"monthly": "on"})
    assert services.reminder_on(alice)
    assert services.plan_monthly_reminders() == 1
    assert services.plan_monthly_reminders() == 0  # at most once a month
    (email,) = OutboxEmail.objects.filter(user=alice)
    assert "no need to answer" in email.body and "switch them off" in email.body
    # Done this month: next month's reminder comes, not another this month.
    services.take(ring(alice), "csi4", [3, 3, 3, 3], shared=False)
    with time_machine.travel(NOW + timedelta(days=25), tick=False):
        assert services.plan_monthly_reminders() == 1
    cast.alice.client.post(reverse("measures:reminder"), {})
    assert not services.reminder_on(alice)
    with time_machine.travel(NOW + timedelta(days=60), tick=False):
        assert services.plan_monthly_reminders() == 0


def test_the_evidence_view_puts_the_partners_shared_csi_beside_each_week(cast: Cast) -> None:
    # Alice is rebuilding trust; Bob shares how safe he felt and the monthly questions.
    bob = ring(cast.bob.user)
    checkins.check_in(bob, NOW.date(), safety=6, closeness=5, heaviness=3, shared=True)
    services.take(bob, "csi4", [4, 4, 3, 3], shared=True)
    page = html.unescape(cast.alice.client.get(reverse("checkins:trends")).content.decode())
    assert "Bob's shared questionnaire" in page
    assert "14 of 21" in page
    assert "Bob's shared answers to the monthly four questions (0 to 21): 14 on" in page
    # Unshared, it is gone from the evidence.
    response = Response.objects.get(author=cast.bob.user)
    entries.unshare(response, bob)
    assert "14 of 21" not in html.unescape(
        cast.alice.client.get(reverse("checkins:trends")).content.decode()
    )


def test_about_page_cites_and_states_the_terms(cast: Cast) -> None:
    page = html.unescape(cast.alice.client.get(reverse("measures:about")).content.decode())
    assert "Funk, J. L., & Rogge, R. D. (2007)" in page
    assert "doi:10.1037/0893-3200.21.4.572" in page
    assert "free to use for clinical and research purposes" in page


def test_the_same_form_sent_twice_keeps_one_set_of_answers(cast: Cast) -> None:
    form = cast.alice.client.get(CSI16).content.decode()
    token = form.split('name="token" value="')[1].split('"')[0]
    for _ in range(2):
        got = cast.alice.client.post(CSI16, {**answers(*[2] * 16), "token": token})
        assert got.status_code == 302
    assert Response.objects.filter(author=cast.alice.user).count() == 1
    # A fresh form is a fresh questionnaire; a forged token is simply ignored.
    cast.alice.client.post(CSI16, {**answers(*[2] * 16), "token": "not-a-token"})
    assert Response.objects.filter(author=cast.alice.user).count() == 2
