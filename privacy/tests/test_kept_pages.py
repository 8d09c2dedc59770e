"""A page kept for a minute (privacy/kept_pages.py) is shown again only when it is exactly
the page a fresh visit would make, and the partner's private doings never change whether it
is: otherwise its speed would tell the reader something they may not see."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from conftest import Cast, ring, signed_in
from privacy import kept_pages
from tests.sweep_registry import FACTORIES, Making, ObjectFactory, Visibility

KEPT = [
    reverse("today"),
    reverse("commitments:calendar"),
    reverse("commitments:follow_through"),
    reverse("checkins:trends"),
    reverse("checkins:trends") + "?span=year",
    reverse("bids:log"),
    reverse("agreements:index"),
    reverse("conversations:index"),
    reverse("checkins:today"),
    reverse("checkins:history"),
    reverse("checkins:journal"),
    reverse("accounts:settings"),
    reverse("closeness:index"),
]
# A form's CSRF token is masked afresh on every page (the same secret under it), and a
# one-time token is new on every page (kept_pages.one_time_token).
TOKEN = re.compile(r'(name="(?:csrfmiddlewaretoken|token)" value=|"X-CSRFToken": ?)"[^"]+"')


def _page(client: Client, path: str) -> tuple[str, bool]:
    """The page as served, and whether it was a kept one shown again."""
    before = kept_pages.shown_again
    response = client.get(path)
    assert response.status_code == 200, path
    return TOKEN.sub(r"\1", response.content.decode()), kept_pages.shown_again > before


def _settled(client: Client, path: str) -> str:
    """The page once its first visits have done their once-only writes (notices marked
    seen, the once-a-minute sign-in stamp), so the next visit may be a kept one."""
    _page(client, path)
    return _page(client, path)[0]


def _fresh(client: Client, path: str) -> str:
    with override_settings(TENDING_PAGE_KEEP_SECONDS=0):
        return _page(client, path)[0]


# Objects whose factory first makes something both see: the concern's agreement in effect.
# The private part of them is proved on its own below.
MADE_ON_SHARED = {"concern_id"}


def _every_factory() -> Iterator[tuple[str, ObjectFactory]]:
    for kwarg, factories in FACTORIES.items():
        for factory in factories:
            if factory.owner == "alice" and factory.urls is None:
                yield kwarg, factory


@pytest.fixture(autouse=True)
def _keeping() -> Iterator[None]:
    with override_settings(TENDING_PAGE_KEEP_SECONDS=60):
        kept_pages.shelf.clear()
        yield
        kept_pages.shelf.clear()


def test_a_page_is_shown_again_until_something_it_read_changes(cast: Cast) -> None:
    # Two kinds of news from alice, so bob's feed checks them in one UNION ALL (which
    # PostgreSQL writes with each part in parentheses).
    from tests.sweep_registry import _agreement

    _agreement(Making(cast=cast, owner=cast.alice, earlier={}), accepted=False)
    assert (
        cast.alice.client.post(
            reverse("notes:list"), {"body": "News from alice", "shared": "on"}
        ).status_code
        == 302
    )
    bob = cast.bob.client
    for path in KEPT:
        first = _settled(bob, path)
        second, again = _page(bob, path)
        assert again, f"{path} was made afresh with nothing changed"
        assert second == first
    assert (
        cast.alice.client.post(
            reverse("notes:list"), {"body": "Kept pages notice this", "shared": "on"}
        ).status_code
        == 302
    )
    today, again = _page(bob, reverse("today"))
    assert not again
    assert "Kept pages notice this" in today


def test_nothing_is_kept_for_another_session_or_person(cast: Cast) -> None:
    _settled(cast.bob.client, reverse("today"))
    assert _page(cast.bob.client, reverse("today"))[1]
    for client in (signed_in(cast.bob.user), cast.alice.client, cast.carol.client):
        assert not _page(client, reverse("today"))[1]
    before = kept_pages.shown_again
    cast.anonymous.get(reverse("today"))
    assert kept_pages.shown_again == before


def test_a_page_is_not_kept_past_its_minute(cast: Cast) -> None:
    import time_machine

    with time_machine.travel("2026-03-02 10:00:00+00:00", tick=False) as clock:
        bob = cast.bob.client
        _settled(bob, reverse("checkins:today"))
        assert _page(bob, reverse("checkins:today"))[1]
        clock.shift(59)
        assert _page(bob, reverse("checkins:today"))[1]
        clock.shift(2)
        assert not _page(bob, reverse("checkins:today"))[1]


def test_a_page_is_not_kept_past_midnight_where_its_reader_lives(cast: Cast) -> None:
    """Today says what day it is, and what is due on it: a page made at 23:59:40 in
    Amsterdam (bob's zone) is not shown again at 00:00:10, though its minute isn't up."""
    import time_machine

    with time_machine.travel("2026-03-02 22:59:40+00:00", tick=False) as clock:
        bob = cast.bob.client
        _settled(bob, reverse("today"))
        assert _page(bob, reverse("today"))[1]
        clock.shift(30)
        served, again = _page(bob, reverse("today"))
        assert not again
        assert "Tuesday 3 March" in served


def test_a_page_that_shows_a_message_is_not_kept(cast: Cast) -> None:
    alice = cast.alice.client
    response = alice.post(reverse("notes:list"), {"body": "a message follows", "shared": "on"})
    assert response.status_code == 302
    path = reverse("today")
    assert list(alice.get(path).context["messages"])  # the message is shown here, once
    assert not _page(alice, path)[1]  # so that visit was not kept
    assert _page(alice, path)[1]


@pytest.mark.parametrize(
    ("kwarg", "factory"),
    list(_every_factory()),
    ids=[f"{kwarg}-{factory.label}" for kwarg, factory in _every_factory()],
)
def test_what_alice_makes_reaches_bobs_kept_pages_only_if_he_may_see_it(
    cast: Cast, kwarg: str, factory: ObjectFactory
) -> None:
    """For every kind of object the sweep knows: after alice makes one, each of bob's pages
    shown again is exactly what a fresh visit shows him, and when the object is alice's
    alone (private, a device, a sign-in), every one of his kept pages is shown again."""
    bob = cast.bob.client
    for path in KEPT:
        _settled(bob, path)
    factory.make(Making(cast=cast, owner=cast.alice, earlier={}))
    for path in KEPT:
        served, again = _page(bob, path)
        if again:
            assert served == _fresh(bob, path), f"{path} showed a stale page after {kwarg}"
        elif factory.visibility is Visibility.PRIVATE and kwarg not in MADE_ON_SHARED:
            raise AssertionError(f"{path} was made afresh for bob after alice's private {kwarg}")


def test_a_draft_concern_leaves_the_partners_kept_pages_kept(cast: Cast) -> None:
    from agreements import services as agreements
    from tests.sweep_registry import _agreement

    agreement = _agreement(Making(cast=cast, owner=cast.alice, earlier={}), accepted=True)
    bob = cast.bob.client
    for path in KEPT:
        _settled(bob, path)
    agreements.write_concern(
        ring(cast.alice.user),
        agreement,
        what_happened="only mine",
        how_it_felt="",
        what_i_need="",
        send=False,
    )
    for path in KEPT:
        assert _page(bob, path)[1], f"{path} was made afresh after alice's draft concern"


def test_the_partners_sign_in_and_own_settings_leave_kept_pages_kept(cast: Cast) -> None:
    """The pair query reads both account rows; what each keeps to themselves is left out
    of it, so a sign-in or a new idle lock of alice's doesn't show in bob's timing."""
    from accounts.models import User

    bob = cast.bob.client
    for path in KEPT:
        _settled(bob, path)
    signed_in(cast.alice.user)  # a sign-in on another device: last_login moves
    User.objects.filter(pk=cast.alice.user.pk).update(idle_lock_minutes=15, tell_new_sign_ins=True)
    for path in KEPT:
        assert _page(bob, path)[1], f"{path} was made afresh after alice's own sign-in"


def test_the_partners_private_answers_leave_kept_pages_kept(cast: Cast) -> None:
    """Closeness answers that make no shared yes, and a safety check ("never visible to or
    inferable by the partner"): nothing of bob's timing moves, the closeness page's
    included (it reads the couple's kept match, never alice's yes list)."""
    from closeness import services as closeness
    from closeness.services import LATER, NOT_YET, YES
    from safety import services as safety
    from safety.check import KEYS, SOMETIMES

    alice = ring(cast.alice.user)
    closeness.save_answers(ring(cast.bob.user), {"b-walk": YES, "b-hands": YES}, ())
    bob = cast.bob.client
    for path in KEPT:
        _settled(bob, path)
    # A yes of hers that his list doesn't meet is, for him, the same as no answer.
    closeness.save_answers(alice, {"b-walk": LATER, "b-hands": NOT_YET, "b-hug": YES}, ())
    safety.answer_safety_check(alice, dict.fromkeys(KEYS, SOMETIMES))
    for path in KEPT:
        assert _page(bob, path)[1], f"{path} was made afresh after alice's private answers"


def test_a_yes_both_gave_reaches_the_partners_kept_closeness_page(cast: Cast) -> None:
    from closeness import services as closeness
    from closeness.services import YES
    from closeness.steps import BUILT_IN_BY_KEY

    closeness.save_answers(ring(cast.bob.user), {"b-walk": YES, "b-hug": YES}, ())
    bob, path = cast.bob.client, reverse("closeness:index")
    words = BUILT_IN_BY_KEY["b-hug"].words
    assert words not in _settled(bob, path)
    assert _page(bob, path)[1]
    closeness.save_answers(ring(cast.alice.user), {"b-hug": YES}, ())
    served, again = _page(bob, path)
    assert not again
    assert words in served
    assert served == _page(bob, path)[0] == _fresh(bob, path)
    closeness.save_answers(ring(cast.alice.user), {}, ["b-hug"])  # hidden: the match goes
    served, again = _page(bob, path)
    assert not again
    assert words not in served


def test_a_page_shown_again_never_repeats_a_one_time_token(cast: Cast) -> None:
    """The start form's token tells a double send apart; a kept page gets new ones."""
    token = re.compile(r'name="token" value="([0-9a-f-]{36})"')
    bob = cast.bob.client
    _settled(bob, reverse("conversations:index"))
    seen = set()
    for _ in range(3):
        before = kept_pages.shown_again
        page = bob.get(reverse("conversations:index")).content.decode()
        assert kept_pages.shown_again == before + 1
        seen.update(token.findall(page))
    assert len(seen) == 3


def test_a_shared_check_in_changed_in_place_reaches_the_partners_trends(cast: Cast) -> None:
    """The same day's check-in written again: the partner's kept trends are made afresh."""
    from datetime import timedelta

    from checkins import services as checkins

    alice = ring(cast.alice.user)
    yesterday = checkins.local_today(cast.alice.user) - timedelta(days=1)

    def check_in(safety: int, words: str) -> None:
        checkins.check_in(
            alice, yesterday, safety=safety, closeness=5, heaviness=3, words=words, shared=True
        )

    check_in(4, "First words")
    bob = cast.bob.client
    trends = reverse("checkins:trends")  # side by side: alice's shared weeks with bob's
    _settled(bob, trends)
    check_in(9, "Other words")
    served, again = _page(bob, trends)
    assert not again, "trends were shown again after alice changed her shared check-in"
    assert served == _fresh(bob, trends)


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('SELECT "a" FROM "t"', False),
        ('(SELECT "a" FROM "t") UNION ALL (SELECT "a" FROM "u")', False),
        ("  select 1", False),
        ('UPDATE "t" SET "a" = 1', True),
        ('INSERT INTO "t" VALUES (1)', True),
        ('SAVEPOINT "s1"', True),
        ('WITH "x" AS (DELETE FROM "t" RETURNING *) SELECT * FROM "x"', True),
    ],
)
def test_what_counts_as_a_write(sql: str, writes: bool) -> None:
    heard = kept_pages.Heard()
    heard(lambda *args: None, sql, (), False, {})
    assert heard.wrote is writes
    assert heard(lambda *args: "ran", sql, (), True, {}) == "ran"
    assert heard.wrote


def test_a_kept_page_whose_queries_fail_is_made_afresh(cast: Cast) -> None:
    """A query that can't run again (a table gone after an upgrade, say) is no error: the
    page is simply made afresh."""
    import dataclasses

    bob = cast.bob.client
    first = _settled(bob, reverse("today"))
    for key, page in list(kept_pages.shelf._pages.items()):
        broken = (("SELECT * FROM no_such_table", ()), *page.queries)
        kept_pages.shelf._pages[key] = dataclasses.replace(page, queries=broken)
    served, again = _page(bob, reverse("today"))
    assert not again
    assert served == first


def test_the_queries_that_check_a_kept_page_are_not_kept_with_the_next(cast: Cast) -> None:
    """After a kept page turned out stale, the page made afresh is kept with its own queries
    only, not also those that checked the old one."""
    from tests.sweep_registry import make_commitment

    bob = cast.bob.client
    calendar = reverse("commitments:calendar")
    _settled(bob, calendar)
    (old,) = kept_pages.shelf._pages.values()
    make_commitment(shared=True, joint=False, words="A walk together")(
        Making(cast=cast, owner=cast.alice, earlier={})
    )
    served, again = _page(bob, calendar)
    assert not again and "A walk together" in served
    (new,) = kept_pages.shelf._pages.values()
    assert new is not old
    kept_pages.shelf.clear()
    assert not _page(bob, calendar)[1]  # made afresh with no kept page to check first
    (alone,) = kept_pages.shelf._pages.values()
    assert [sql for sql, _ in new.queries] == [sql for sql, _ in alone.queries]
