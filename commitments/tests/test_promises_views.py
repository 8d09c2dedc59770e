"""The commitment pages, through real URLs: making, reading, changing, marking, noticing,
and the practice rhythms. Each bad input gets a clear message and changes nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import User
from commitments import services
from commitments.forms import describe_rule
from commitments.models import Cadence, Commitment, Kind, Noticed, Outcome, Result, Schedule, Status
from commitments.occurrences import Rule
from commitments.tests.helpers import how_it_went
from conftest import Cast, make_user, pair, ring, signed_in
from couples import services as couples
from privacy import entries
from tests.support import count_queries
from tests.support import markup as page

# Wednesday 11 March 2026, 13:00 in Amsterdam, where every persona lives.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 11)
YESTERDAY = TODAY - timedelta(days=1)
DAILY = Rule(Cadence.DAILY)
NASTY = "<script>alert('x')</script> & <b>bold</b>"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def make(
    user: User,
    title: str = "Text when I'm running late",
    *,
    rule: Rule = DAILY,
    starts_on: date = TODAY - timedelta(days=20),
    shared: bool = True,
    joint: bool = False,
    details: str = "",
) -> Commitment:
    return services.create_commitment(
        ring(user),
        title=title,
        rule=rule,
        starts_on=starts_on,
        shared=shared,
        joint=joint,
        kind=Kind.CONVERSATION if joint else Kind.PROMISE,
        details=details,
    )


def title_of(commitment: Commitment, reader: User | None = None) -> str:
    fresh = Commitment.objects.get(pk=commitment.pk)
    (opened,) = entries.reveal([fresh], ring(reader or fresh.author))
    return str(opened.plain["title"])


def db_state() -> tuple[object, ...]:
    """Everything these pages could change, to prove a refused request changed nothing."""
    return (
        sorted(Commitment.objects.values_list("id", "title", "status", "revision", "ends_on")),
        sorted(Schedule.objects.values_list("commitment_id", "effective_from", "cadence")),
        sorted(
            Outcome.objects.values_list("commitment_id", "on_date", "how_it_went", "in_the_way")
        ),
        sorted(Noticed.objects.values_list("commitment_id", "on_date", "author_id", "note")),
    )


def detail_url(c: Commitment) -> str:
    return reverse("commitments:detail", args=[c.pk])


def occasion_url(c: Commitment, day: date) -> str:
    return reverse("commitments:occasion", args=[c.pk, day])


def noticed_url(c: Commitment, day: date) -> str:
    return reverse("commitments:noticed", args=[c.pk, day])


NEW = reverse("commitments:new")
LIST = reverse("commitments:list")
RHYTHMS = reverse("commitments:rhythms")


# -- the list -------------------------------------------------------------------------------------


def test_the_list_groups_mine_my_partners_and_ours(cast: Cast) -> None:
    make(cast.alice.user, "alice keeps this to herself", shared=False)
    make(cast.alice.user, "alice shares this")
    make(cast.bob.user, "bob shares this")
    make(cast.bob.user, "bob keeps this to himself", shared=False)
    make(cast.alice.user, "our weekly talk", joint=True, rule=Rule(Cadence.WEEKLY, weekdays=(6,)))

    html = page(cast.alice.client.get(LIST))
    mine, theirs, ours = (
        html.split('id="mine-heading"')[1].split('id="theirs-heading"')[0],
        html.split('id="theirs-heading"')[1].split('id="ours-heading"')[0],
        html.split('id="ours-heading"')[1],
    )
    assert "alice keeps this to herself" in mine and "alice shares this" in mine
    assert "Bob's, shared with you" in html
    assert "bob shares this" in theirs
    assert "bob keeps this to himself" not in html
    assert "our weekly talk" in ours and "Weekly on Sunday" in ours
    for name in ("commitments:new", "commitments:rhythms", "commitments:calendar"):
        assert f'href="{reverse(name)}"' in html
    assert f'href="{reverse("commitments:follow_through")}"' in html

    bobs = page(cast.bob.client.get(LIST))
    assert "alice shares this" in bobs and "our weekly talk" in bobs
    assert "alice keeps this to herself" not in bobs
    carols = page(cast.carol.client.get(LIST))
    assert "alice" not in carols and "bob" not in carols.lower()


def test_an_unpaired_person_sees_only_their_own_list(cast: Cast) -> None:
    make(cast.erin.user, "erin's own promise", shared=False)
    html = page(cast.erin.client.get(LIST))
    assert "erin&#x27;s own promise" in html
    assert "shared with you" not in html and 'id="ours-heading"' not in html


# -- making a commitment ------------------------------------------------------------------------


def new_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Text when I'm running late",
        "details": "Before I set off, not after.",
        "cadence": "daily",
        "starts_on": TODAY.isoformat(),
        "ends_on": "",
        "sharing": "shared",
    }
    data.update(overrides)
    return data


def test_the_new_form_starts_today_in_the_persons_zone_and_private_by_default(cast: Cast) -> None:
    html = page(cast.alice.client.get(NEW))
    assert f'value="{TODAY.isoformat()}"' in html
    # Rule 1: nothing is shared unless its author chooses it.
    assert re.search(r'<input type="radio" name="sharing" value="private"[^>]*checked', html)
    assert not re.search(r'<input type="radio" name="sharing" value="shared"[^>]*checked', html)
    assert "Keep it to myself" in html and "Shared with Bob" in html
    assert "In shorter months, the last day of the month is used." in html
    # Every input has a label or sits in a fieldset with a legend.
    for field in ("title", "details", "month_day", "month_week", "month_weekday", "starts_on"):
        assert f'<label for="id_{field}">' in html
    for group in ("cadence", "weekdays", "monthly_by", "sharing"):
        assert re.search(rf'<fieldset id="id_{group}"[^>]*>\s*<legend>', html)

    # Auckland is already on the 12th when Amsterdam is on the 11th.
    cast.erin.user.time_zone = "Pacific/Auckland"
    cast.erin.user.save(update_fields=["time_zone"])
    with time_machine.travel(datetime(2026, 3, 11, 20, 0, tzinfo=UTC), tick=False):
        assert 'value="2026-03-12"' in page(cast.erin.client.get(NEW))


def test_making_a_daily_commitment(cast: Cast) -> None:
    response = cast.alice.client.post(NEW, new_data())
    made = Commitment.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(made)
    assert made.author == cast.alice.user and made.is_shared and made.kind == Kind.PROMISE
    assert title_of(made) == "Text when I'm running late"
    assert b"running late" not in bytes(made.title)
    assert [(s.cadence, s.effective_from) for s in made.schedules.all()] == [("daily", TODAY)]
    html = page(cast.alice.client.get(detail_url(made)))
    assert "Every day" in html and "Before I set off, not after." in html


def test_keep_it_to_myself_makes_a_private_commitment(cast: Cast) -> None:
    cast.alice.client.post(NEW, new_data(sharing="private"))
    made = Commitment.objects.get()
    assert not made.is_shared
    assert cast.bob.client.get(detail_url(made)).status_code == 404


def test_an_unpaired_person_makes_private_commitments_without_a_sharing_choice(
    cast: Cast,
) -> None:
    html = page(cast.erin.client.get(NEW))
    assert 'name="sharing"' not in html
    response = cast.erin.client.post(NEW, new_data(sharing="shared"))
    assert response.status_code == 302
    assert not Commitment.objects.get().is_shared


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"cadence": "weekly", "weekdays": ["0", "3"]}, "Weekly on Monday and Thursday"),
        (
            {"cadence": "monthly", "monthly_by": "day", "month_day": "31"},
            "Monthly on the 31st (the last day in shorter months)",
        ),
        (
            {
                "cadence": "monthly",
                "monthly_by": "weekday",
                "month_week": "2",
                "month_weekday": "6",
            },
            "Monthly on the second Sunday",
        ),
        (
            {
                "cadence": "monthly",
                "monthly_by": "weekday",
                "month_week": "-1",
                "month_weekday": "4",
            },
            "Monthly on the last Friday",
        ),
        ({"cadence": "once", "starts_on": "2026-03-20"}, "Once, on Friday 20 March 2026"),
    ],
)
def test_each_cadence_is_kept_and_described_in_words(
    cast: Cast, data: dict[str, Any], words: str
) -> None:
    response = cast.alice.client.post(NEW, new_data(**data))
    assert response.status_code == 302, page(response)
    made = Commitment.objects.get()
    assert words in page(cast.alice.client.get(detail_url(made)))
    assert words in page(cast.alice.client.get(LIST))


def test_a_monthly_choice_ignores_the_fields_of_the_other_option(cast: Cast) -> None:
    data = new_data(
        cadence="monthly", monthly_by="day", month_day="15", month_week="2", month_weekday="6"
    )
    assert cast.alice.client.post(NEW, data).status_code == 302
    schedule = Schedule.objects.get()
    assert (schedule.month_day, schedule.month_week, schedule.month_weekday) == (15, None, None)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "   "}, "Please give the commitment a few words."),
        ({"title": "x" * 121}, "A title can be up to 120 characters; this has 121."),
        ({"details": "x" * 1001}, "Details can be up to 1,000 characters; this has 1001."),
        ({"cadence": "weekly"}, "Choose at least one day of the week."),
        ({"cadence": "weekly", "weekdays": ["7"]}, "Days of the week go from Monday to Sunday."),
        (
            {"cadence": "monthly"},
            "Choose either a day of the month, or a weekday such as the second Sunday.",
        ),
        (
            {"cadence": "monthly", "month_day": "31", "month_week": "2", "month_weekday": "6"},
            "Choose either a day of the month, or a weekday such as the second Sunday.",
        ),
        ({"cadence": "monthly", "monthly_by": "day"}, "Which day of the month?"),
        (
            {"cadence": "monthly", "monthly_by": "day", "month_day": "32"},
            "A day of the month is a number from 1 to 31.",
        ),
        ({"cadence": "monthly", "monthly_by": "weekday"}, "Choose which one and which weekday."),
        ({"cadence": "fortnightly"}, "Choose how often."),
        ({"ends_on": "2026-03-01"}, "The end date is before the start date."),
        ({"starts_on": "2026-02-30"}, "That doesn&#x27;t look like a date."),
        ({"starts_on": ""}, "Choose the day it starts."),
        ({"sharing": ""}, "Choose who sees it."),
        ({"sharing": "everyone"}, "Choose who sees it."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_made(
    cast: Cast, overrides: dict[str, Any], message: str
) -> None:
    data = new_data(title="Walk together after dinner", **{"details": "my typed words"})
    data.update(overrides)
    response = cast.alice.client.post(NEW, data)
    html = page(response)
    assert response.status_code == 422
    assert message in html
    assert 'role="alert"' in html
    assert Commitment.objects.count() == 0 and Schedule.objects.count() == 0
    # What was typed is still there.
    if "title" not in overrides:
        assert 'value="Walk together after dinner"' in html
    if "details" not in overrides:
        assert "my typed words</textarea>" in html


def test_a_field_error_is_tied_to_its_field(cast: Cast) -> None:
    html = page(cast.alice.client.post(NEW, new_data(title="")))
    assert 'aria-invalid="true"' in html
    assert re.search(
        r'<input[^>]*aria-describedby="id_title_helptext id_title_error id_title_limit"', html
    )
    assert 'id="id_title_error"' in html and 'href="#id_title"' in html
    weekly = page(cast.alice.client.post(NEW, new_data(cadence="weekly")))
    assert '<fieldset id="id_weekdays" aria-describedby="id_weekdays_error">' in weekly
    assert 'href="#id_weekdays"' in weekly


def test_a_shared_commitment_waits_for_the_couple_key_and_nothing_is_saved(db: None) -> None:
    frank, gina = make_user("Frank"), make_user("Gina")
    pair(frank, gina)  # Frank hasn't been back since Gina joined, so she has no couple key yet
    client = signed_in(gina)
    response = client.post(NEW, new_data(title="Call my sister less often at dinner"))
    assert response.status_code == 422
    assert "Sharing opens once your partner next visits Tending" in page(response)
    assert 'value="Call my sister less often at dinner"' in page(response)
    assert Commitment.objects.count() == 0 and Schedule.objects.count() == 0


# -- one commitment ---------------------------------------------------------------------------


def test_the_detail_page_shows_the_last_weeks_with_outcomes_and_noticed_marks(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    c = make(alice, "Phone in the kitchen after ten", starts_on=TODAY - timedelta(days=60))
    services.record_outcome(ring(alice), c, YESTERDAY, Result.KEPT)
    services.record_outcome(
        ring(alice), c, TODAY - timedelta(days=2), Result.MISSED, in_the_way="a late call"
    )
    services.notice(ring(bob), c, YESTERDAY, "I saw it charging there")
    old = services.record_outcome(ring(alice), c, TODAY - timedelta(days=40), Result.KEPT)

    html = page(cast.alice.client.get(detail_url(c)))
    assert "Phone in the kitchen after ten" in html and "Every day" in html
    assert "Tuesday 10 March" in html and "Monday 9 March" in html
    assert "Kept" in html and "Missed" in html and "Not marked yet" in html
    assert "What got in the way:</span> a late call" in html
    assert "Bob noticed this: <q>I saw it charging there</q>" in html
    assert old.on_date.strftime("%-d %B") not in html  # older than five weeks
    assert "Thursday 12 March" in html  # the next day it falls on
    # Newest first.
    assert html.index("Wednesday 11 March") < html.index("Tuesday 10 March")
    # The author may change it.
    assert reverse("commitments:edit", args=[c.pk]) in html
    assert reverse("commitments:status", args=[c.pk]) in html

    bobs = page(cast.bob.client.get(detail_url(c)))
    assert "a late call" in bobs and "Alice's, shared with you" in bobs
    assert reverse("commitments:edit", args=[c.pk]) not in bobs
    assert reverse("commitments:cadence", args=[c.pk]) not in bobs
    assert "You noticed this" in bobs


def test_nobody_outside_the_couple_sees_a_commitment(cast: Cast) -> None:
    shared = make(cast.alice.user, "alice shares this")
    private = make(cast.alice.user, "alice keeps this", shared=False)
    for persona in (cast.carol, cast.dan, cast.erin):
        for c in (shared, private):
            assert persona.client.get(detail_url(c)).status_code == 404
            assert persona.client.get(occasion_url(c, YESTERDAY)).status_code == 404
    assert cast.bob.client.get(detail_url(private)).status_code == 404
    assert cast.bob.client.get(occasion_url(private, YESTERDAY)).status_code == 404


def test_html_in_titles_and_notes_is_escaped_everywhere(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    c = make(alice, NASTY, details=NASTY)
    services.record_outcome(ring(alice), c, TODAY, Result.MISSED, in_the_way=NASTY)
    services.notice(ring(bob), c, TODAY, NASTY)
    urls = [LIST, detail_url(c), occasion_url(c, TODAY), reverse("today")]
    for client in (cast.alice.client, cast.bob.client):
        for url in urls:
            html = page(client.get(url))
            if url == reverse("today") and client is cast.bob.client:
                continue  # bob doesn't mark alice's commitment, so his home page doesn't list it
            assert "<script>alert" not in html and "<b>bold" not in html, url
            assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;" in html, url


# -- editing ----------------------------------------------------------------------------------


def edit_data(c: Commitment, **overrides: Any) -> dict[str, Any]:
    data = {"title": "Text before I leave", "details": "", "ends_on": "", "revision": c.revision}
    data.update(overrides)
    return data


def test_the_author_edits_the_words_and_the_end_date(cast: Cast) -> None:
    c = make(cast.alice.user)
    url = reverse("commitments:edit", args=[c.pk])
    response = cast.alice.client.post(url, edit_data(c, ends_on="2026-06-30"))
    assert response.status_code == 302 and response["Location"] == detail_url(c)
    fresh = Commitment.objects.get(pk=c.pk)
    assert title_of(fresh) == "Text before I leave"
    assert fresh.ends_on == date(2026, 6, 30) and fresh.revision == 2
    html = page(cast.alice.client.get(response["Location"]))
    assert "Saved." in html and "30 June 2026" in html


def test_edit_is_post_only(cast: Cast) -> None:
    c = make(cast.alice.user)
    for name in ("edit", "cadence", "status"):
        url = reverse(f"commitments:{name}", args=[c.pk])
        assert cast.alice.client.get(url).status_code == 405
    assert cast.alice.client.get(noticed_url(c, TODAY)).status_code == 405


def test_a_partner_may_not_change_a_personal_commitment(cast: Cast) -> None:
    c = make(cast.alice.user)
    before = db_state()
    client = cast.bob.client
    assert client.post(reverse("commitments:edit", args=[c.pk]), edit_data(c)).status_code == 404
    cadence = {"cadence": "weekly", "weekdays": ["0"], "revision": c.revision}
    assert client.post(reverse("commitments:cadence", args=[c.pk]), cadence).status_code == 404
    status = {"status": "retired", "revision": c.revision}
    assert client.post(reverse("commitments:status", args=[c.pk]), status).status_code == 404
    assert db_state() == before


def test_either_partner_changes_a_joint_commitment(cast: Cast) -> None:
    c = make(cast.alice.user, "Our weekly talk", joint=True)
    html = page(cast.bob.client.get(detail_url(c)))
    assert reverse("commitments:edit", args=[c.pk]) in html
    response = cast.bob.client.post(
        reverse("commitments:edit", args=[c.pk]), edit_data(c, title="Our Sunday talk")
    )
    assert response.status_code == 302
    assert title_of(c, cast.alice.user) == "Our Sunday talk"
    # Carol, outside the couple, still can't.
    assert cast.carol.client.post(reverse("commitments:edit", args=[c.pk]), {}).status_code == 404


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Please give the commitment a few words."),
        ({"title": "y" * 121}, "A title can be up to 120 characters"),
        ({"ends_on": "2026-01-01"}, "The end date is before the start date."),
        ({"ends_on": "soon"}, "That doesn&#x27;t look like a date."),
    ],
)
def test_a_bad_edit_is_explained_and_changes_nothing(
    cast: Cast, overrides: dict[str, Any], message: str
) -> None:
    c = make(cast.alice.user)
    before = db_state()
    response = cast.alice.client.post(
        reverse("commitments:edit", args=[c.pk]), edit_data(c, details="keep me", **overrides)
    )
    assert response.status_code == 422
    assert message in page(response) and "keep me</textarea>" in page(response)
    assert db_state() == before


def test_a_stale_edit_shows_how_it_reads_now_and_keeps_what_was_typed(cast: Cast) -> None:
    c = make(cast.alice.user, "Our weekly talk", joint=True)
    opened_at = c.revision
    # Bob changes it first, while alice's form is still open.
    cast.bob.client.post(
        reverse("commitments:edit", args=[c.pk]),
        edit_data(c, title="Bob's new words", revision=opened_at),
    )
    before = db_state()
    response = cast.alice.client.post(
        reverse("commitments:edit", args=[c.pk]),
        edit_data(c, title="Alice's typed words", details="alice's details", revision=opened_at),
    )
    html = page(response)
    assert response.status_code == 409
    assert "This commitment was changed while you were editing it." in html
    now = html.split('id="now-heading"')[1].split("</section>")[0]
    assert "Bob&#x27;s new words" in now
    assert 'value="Alice&#x27;s typed words"' in html and "alice&#x27;s details</textarea>" in html
    assert db_state() == before
    # The kept form carries the current revision, so sending it again applies it.
    revision = re.search(r'name="revision" value="(\d+)" id="edit_revision"', html)
    assert revision and int(revision.group(1)) == opened_at + 1
    again = cast.alice.client.post(
        reverse("commitments:edit", args=[c.pk]),
        edit_data(c, title="Alice's typed words", revision=revision.group(1)),
    )
    assert again.status_code == 302
    assert title_of(c, cast.alice.user) == "Alice's typed words"


# -- changing the cadence, pausing, retiring --------------------------------------------------


def test_a_cadence_change_applies_from_today_and_keeps_the_past(cast: Cast) -> None:
    alice = cast.alice.user
    c = make(alice)
    services.record_outcome(ring(alice), c, TODAY - timedelta(days=3), Result.KEPT)  # a Sunday
    url = reverse("commitments:cadence", args=[c.pk])
    response = cast.alice.client.post(
        url, {"cadence": "weekly", "weekdays": ["0", "4"], "revision": c.revision}
    )
    assert response.status_code == 302
    schedules = list(Schedule.objects.filter(commitment=c).order_by("effective_from"))
    assert [(s.cadence, s.effective_from) for s in schedules] == [
        ("daily", c.starts_on),
        ("weekly", TODAY),
    ]
    html = page(cast.alice.client.get(detail_url(c)))
    assert "Weekly on Monday and Friday" in html
    assert "The new rhythm applies from today on. Past days keep how they went." in html
    assert "Sunday 8 March" in html and "Tuesday 10 March" in html  # the daily past stays
    assert Outcome.objects.get().on_date == TODAY - timedelta(days=3)


def test_a_bad_or_stale_cadence_change_changes_nothing(cast: Cast) -> None:
    c = make(cast.alice.user)
    url = reverse("commitments:cadence", args=[c.pk])
    before = db_state()
    bad = cast.alice.client.post(url, {"cadence": "weekly", "revision": c.revision})
    assert bad.status_code == 422 and "Choose at least one day of the week." in page(bad)
    assert db_state() == before
    # Someone else's change in between: the form comes back with the choice kept.
    services.edit_commitment(
        ring(cast.alice.user),
        c,
        expected_revision=c.revision,
        title="new words",
        details="",
        ends_on=None,
    )
    before = db_state()
    stale = cast.alice.client.post(url, {"cadence": "weekly", "weekdays": ["2"], "revision": 1})
    html = page(stale)
    assert stale.status_code == 409 and "was changed while you were editing" in html
    assert re.search(r'name="weekdays" value="2"[^>]*checked', html)
    assert re.search(r'name="cadence" value="weekly"[^>]*checked', html)
    assert db_state() == before


def test_pause_resume_and_retire_keep_the_history(cast: Cast) -> None:
    alice = cast.alice.user
    c = make(alice)
    services.record_outcome(ring(alice), c, YESTERDAY, Result.KEPT)
    url = reverse("commitments:status", args=[c.pk])

    def set_to(status: str) -> str:
        revision = Commitment.objects.get(pk=c.pk).revision
        response = cast.alice.client.post(url, {"status": status, "revision": revision})
        assert response.status_code == 302
        return page(cast.alice.client.get(response["Location"]))

    assert "Paused." in set_to("paused")
    assert Commitment.objects.get(pk=c.pk).status == Status.PAUSED
    assert "It&#x27;s active again." in set_to("active")
    html = set_to("retired")
    assert "Retired. Its history stays" in html and "Bring it back" in html
    assert Commitment.objects.get(pk=c.pk).status == Status.RETIRED
    assert Outcome.objects.filter(commitment=c).count() == 1
    assert "Text when I&#x27;m running late" not in page(cast.alice.client.get(LIST))


def test_a_bad_or_stale_status_change_changes_nothing(cast: Cast) -> None:
    c = make(cast.alice.user)
    url = reverse("commitments:status", args=[c.pk])
    before = db_state()
    bad = cast.alice.client.post(url, {"status": "deleted", "revision": c.revision})
    assert bad.status_code == 422 and 'role="alert"' in page(bad)
    stale = cast.alice.client.post(url, {"status": "retired", "revision": c.revision + 5})
    assert stale.status_code == 409 and "was changed while you were editing" in page(stale)
    assert db_state() == before


# -- marking an occasion ----------------------------------------------------------------------


def test_the_occasion_page_shows_the_day_in_words_and_the_form(cast: Cast) -> None:
    c = make(cast.alice.user)
    html = page(cast.alice.client.get(occasion_url(c, YESTERDAY)))
    assert "Tuesday 10 March 2026" in html and "Not marked yet" in html
    assert "What got in the way?" in html and "What will you change?" in html
    assert '<label for="id_in_the_way">' in html
    assert re.search(r'<fieldset id="id_result"[^>]*>\s*<legend>How did it go\?</legend>', html)
    # No shaming words anywhere.
    assert "fail" not in html.lower() and "streak" not in html.lower()


def test_marking_kept_then_again_updates_the_one_outcome(cast: Cast) -> None:
    c = make(cast.alice.user)
    url = occasion_url(c, YESTERDAY)
    first = cast.alice.client.post(url, {"result": "kept"})
    # Back to the commitment, at the day just marked (its place kept).
    assert first.status_code == 302
    assert first["Location"] == detail_url(c) + f"#day-{YESTERDAY:%Y%m%d}"
    landed = page(cast.alice.client.get(first["Location"]))
    assert "Marked as kept." in landed and f'id="day-{YESTERDAY:%Y%m%d}"' in landed
    cast.alice.client.post(url, {"result": "kept"})
    assert Outcome.objects.count() == 1
    data = {"result": "missed", "in_the_way": "a long day", "will_change": "set an alarm"}
    response = cast.alice.client.post(url, data, follow=True)
    outcome = Outcome.objects.get()
    assert how_it_went(outcome) == Result.MISSED
    assert "Thank you for being honest about it." in page(response)
    (opened,) = entries.reveal([outcome], ring(cast.alice.user))
    assert opened.plain == {
        "how_it_went": "missed",
        "in_the_way": "a long day",
        "will_change": "set an alarm",
    }
    assert b"a long day" not in bytes(outcome.in_the_way)
    html = page(cast.alice.client.get(url))
    assert "Change how it went" in html and "a long day</textarea>" in html
    assert re.search(r'name="result" value="missed"[^>]*checked', html)


@pytest.mark.parametrize(
    ("day", "data", "message"),
    [
        (TODAY + timedelta(days=1), {"result": "kept"}, "That day hasn&#x27;t come yet"),
        (TODAY, {"result": "failed"}, "Choose kept, partly kept, or missed."),
        (TODAY, {}, "Choose kept, partly kept, or missed."),
        (
            TODAY,
            {"result": "missed", "in_the_way": "z" * 501},
            "This can be up to 500 characters; this has 501.",
        ),
        (TODAY - timedelta(days=30), {"result": "kept"}, "doesn&#x27;t fall on that day"),
    ],
)
def test_bad_marks_are_explained_and_change_nothing(
    cast: Cast, day: date, data: dict[str, str], message: str
) -> None:
    c = make(cast.alice.user)  # daily from 20 days ago
    before = db_state()
    response = cast.alice.client.post(occasion_url(c, day), data)
    assert response.status_code == 422
    assert message in page(response)
    assert db_state() == before


def test_a_day_off_the_cadence_is_refused(cast: Cast) -> None:
    c = make(cast.alice.user, rule=Rule(Cadence.WEEKLY, weekdays=(0,)))  # Mondays
    before = db_state()
    response = cast.alice.client.post(occasion_url(c, YESTERDAY), {"result": "kept"})  # Tuesday
    assert response.status_code == 422
    assert "This commitment doesn&#x27;t fall on that day." in page(response)
    assert db_state() == before
    assert cast.alice.client.get(occasion_url(c, YESTERDAY)).status_code == 404
    monday = cast.alice.client.post(occasion_url(c, TODAY - timedelta(days=2)), {"result": "kept"})
    assert monday.status_code == 302


def test_the_partner_cannot_mark_a_personal_commitment(cast: Cast) -> None:
    c = make(cast.alice.user)
    before = db_state()
    html = page(cast.bob.client.get(occasion_url(c, YESTERDAY)))
    assert 'name="result"' not in html
    response = cast.bob.client.post(occasion_url(c, YESTERDAY), {"result": "missed"})
    assert response.status_code == 422
    assert "Only the person who made this commitment marks how it went." in page(response)
    assert db_state() == before


def test_either_partner_marks_a_joint_occasion(cast: Cast) -> None:
    c = make(cast.alice.user, "Our weekly talk", joint=True)
    assert cast.bob.client.post(occasion_url(c, YESTERDAY), {"result": "kept"}).status_code == 302
    assert (
        cast.alice.client.post(occasion_url(c, YESTERDAY), {"result": "partly"}).status_code == 302
    )
    outcome = Outcome.objects.get()
    assert how_it_went(outcome) == Result.PARTLY and outcome.author == cast.alice.user


def test_a_future_occasion_is_shown_but_not_offered_for_marking(cast: Cast) -> None:
    c = make(cast.alice.user)
    html = page(cast.alice.client.get(occasion_url(c, TODAY + timedelta(days=2))))
    assert "Still to come" in html and "can be marked once it" in html
    assert 'name="result"' not in html


# -- "I noticed this" ---------------------------------------------------------------------------


def test_the_partner_notices_a_shared_occasion(cast: Cast) -> None:
    c = make(cast.alice.user)
    url = occasion_url(c, YESTERDAY)
    html = page(cast.bob.client.get(url))
    assert "I noticed this</button>" in html
    response = cast.bob.client.post(noticed_url(c, YESTERDAY), {"note": "you texted at 6"})
    assert response.status_code == 302 and response["Location"] == url
    assert "Thank you for noticing. Alice will see it." in page(cast.bob.client.get(url))
    cast.bob.client.post(noticed_url(c, YESTERDAY), {"note": "you texted at six"})
    noticed = Noticed.objects.get()
    assert noticed.author == cast.bob.user and noticed.on_date == YESTERDAY
    assert b"six" not in bytes(noticed.note)
    assert "Bob noticed this: <q>you texted at six</q>" in page(cast.alice.client.get(url))
    assert "Update what I noticed" in page(cast.bob.client.get(url))


@pytest.mark.parametrize(
    ("who", "kind", "data", "status", "message"),
    [
        ("alice", "shared", {}, 422, "is for your partner&#x27;s commitments, not your own"),
        ("bob", "joint", {}, 422, "is for your partner&#x27;s commitments, not your own"),
        ("bob", "private", {}, 404, ""),
        ("carol", "shared", {}, 404, ""),
        ("bob", "shared", {"note": "n" * 301}, 422, "A note can be up to 300 characters"),
    ],
)
def test_bad_noticing_is_refused_and_changes_nothing(
    cast: Cast, who: str, kind: str, data: dict[str, str], status: int, message: str
) -> None:
    c = make(cast.alice.user, shared=kind != "private", joint=kind == "joint")
    before = db_state()
    client: Client = getattr(cast, who).client
    response = client.post(noticed_url(c, YESTERDAY), data)
    assert response.status_code == status
    assert message in page(response)
    assert db_state() == before


def test_noticing_a_future_day_is_refused(cast: Cast) -> None:
    c = make(cast.alice.user)
    response = cast.bob.client.post(noticed_url(c, TODAY + timedelta(days=1)), {})
    assert response.status_code == 422 and "hasn&#x27;t come yet" in page(response)
    assert Noticed.objects.count() == 0


# -- the practice rhythms ---------------------------------------------------------------------


def test_switching_the_rhythms_on_and_off(cast: Cast) -> None:
    html = page(cast.alice.client.get(RHYTHMS))
    assert '<label for="id_conversation_weekday">' in html
    response = cast.alice.client.post(
        RHYTHMS, {"checkin": "on", "conversation_weekday": "6", "review_day": "31"}
    )
    assert response.status_code == 302 and response["Location"] == LIST
    made = {c.kind: c for c in Commitment.objects.all()}
    assert set(made) == {Kind.CHECKIN, Kind.CONVERSATION, Kind.REVIEW}
    assert made[Kind.CONVERSATION].joint and made[Kind.REVIEW].joint
    assert not made[Kind.CHECKIN].joint
    assert made[Kind.CONVERSATION].status == Status.SUGGESTED  # until Bob says yes
    listing = page(cast.bob.client.get(LIST))
    assert "Alice suggested: Weekly conversation, weekly on sunday." in listing
    assert "monthly on the 31st (the last day in shorter months)" in listing
    # The form shows what is chosen now.
    html = page(cast.alice.client.get(RHYTHMS))
    assert re.search(r'<option value="6" selected>', html)
    assert re.search(r'<option value="31" selected>', html)
    assert re.search(r'<input type="checkbox" name="checkin"[^>]*checked', html)
    # Bob says yes to both by choosing the same; then moves the conversation to Saturday.
    cast.bob.client.post(RHYTHMS, {"conversation_weekday": "6", "review_day": "31"})
    assert Commitment.objects.get(kind=Kind.CONVERSATION).status == Status.ACTIVE
    cast.bob.client.post(RHYTHMS, {"conversation_weekday": "5", "review_day": "31"})
    conversation = Commitment.objects.get(kind=Kind.CONVERSATION)
    assert conversation.schedules.last().weekday_list == [5]  # type: ignore[union-attr]
    cast.alice.client.post(RHYTHMS, {"conversation_weekday": "5", "review_day": ""})
    assert Commitment.objects.get(kind=Kind.CHECKIN).status == Status.PAUSED
    assert Commitment.objects.get(kind=Kind.REVIEW).status == Status.PAUSED


def test_a_suggested_rhythm_waits_calmly_for_the_partners_answer(cast: Cast) -> None:
    """Rule 6, through the pages: a suggestion on Today and the list; yes or not now."""
    done = cast.alice.client.post(RHYTHMS, {"conversation_weekday": "6", "review_day": "20"})
    assert "starts once Bob says yes too" in page(cast.alice.client.get(done["Location"]))
    today = page(cast.bob.client.get(reverse("today")))
    waiting = today.split('id="waiting-heading"')[1].split("</section>")[0]
    assert "Alice suggested a rhythm for the two of you: Weekly conversation" in waiting
    # It waits for bob's answer, not for hers.
    assert "suggested a rhythm" not in page(cast.alice.client.get(reverse("today")))
    # Nothing is on yet: no occasion on anyone's Today or calendar.
    assert Outcome.objects.count() == 0

    def commitments_card(html: str) -> str:
        return html.split('id="commitments-heading"')[1].split("</section>")[0]

    assert "Weekly conversation" not in commitments_card(today)
    assert "Weekly conversation" not in commitments_card(
        page(cast.alice.client.get(reverse("today")))
    )
    talk = Commitment.objects.get(kind=Kind.CONVERSATION)
    review = Commitment.objects.get(kind=Kind.REVIEW)
    url = reverse("commitments:suggestion", args=[talk.pk])
    # Not hers to answer, and another couple's is a 404.
    cast.alice.client.post(url, {"answer": "yes"})
    assert Commitment.objects.get(pk=talk.pk).status == Status.SUGGESTED
    assert cast.carol.client.post(url, {"answer": "yes"}).status_code == 404
    odd = cast.bob.client.post(url, {"answer": "maybe"})
    assert odd.status_code == 302 and Commitment.objects.get(pk=talk.pk).status == Status.SUGGESTED
    yes = cast.bob.client.post(url, {"answer": "yes", "back": "today"})
    assert yes["Location"] == reverse("today")
    assert Commitment.objects.get(pk=talk.pk).status == Status.ACTIVE
    cast.bob.client.post(reverse("commitments:suggestion", args=[review.pk]), {"answer": "no"})
    assert Commitment.objects.get(pk=review.pk).status == Status.RETIRED
    assert "Waiting for you" not in page(cast.bob.client.get(reverse("today")))


def test_after_the_partner_left_lists_no_longer_speak_of_sharing(cast: Cast) -> None:
    """Bug 11: stale "shared with your partner" and "either of you can mark it"."""
    alice = cast.alice.user
    shared = make(alice, "Text when late", shared=True)
    ours = make(alice, "Our talk", joint=True)
    before = page(cast.alice.client.get(LIST))
    assert "shared with Bob" in before and "either of you can mark it" in before
    couples.leave(cast.bob.user)
    listing = page(cast.alice.client.get(LIST))
    assert "shared with" not in listing and "either of you can mark it" not in listing
    assert "your partner" not in listing
    detail = page(cast.alice.client.get(detail_url(shared)))
    assert "shared with your partner" not in detail and "Yours, kept to yourself" in detail
    joint = page(cast.alice.client.get(detail_url(ours)))
    assert "either of you can mark it" not in joint


def test_rhythms_say_plainly_that_joint_ones_need_a_partner(cast: Cast) -> None:
    html = page(cast.erin.client.get(RHYTHMS))
    assert "they need your partner" in html
    assert 'name="conversation_weekday"' not in html
    response = cast.erin.client.post(RHYTHMS, {"checkin": "on", "conversation_weekday": "2"})
    assert response.status_code == 302
    assert [c.kind for c in Commitment.objects.all()] == [Kind.CHECKIN]


def test_bad_rhythm_input_changes_nothing(cast: Cast) -> None:
    before = db_state()
    response = cast.alice.client.post(RHYTHMS, {"conversation_weekday": "9", "review_day": "40"})
    assert response.status_code == 422
    html = page(response)
    assert "Choose a day of the week, or off." in html
    assert "Choose a day from the 1st to the 31st, or off." in html
    assert db_state() == before


# -- the home page ----------------------------------------------------------------------------


def test_today_lists_own_and_joint_occasions_with_quick_marks(cast: Cast) -> None:
    alice = cast.alice.user
    mine = make(alice, "My promise")
    ours = make(cast.bob.user, "Our talk", joint=True)
    bobs = make(cast.bob.user, "Bob's own promise")
    make(alice, "Only on Mondays", rule=Rule(Cadence.WEEKLY, weekdays=(0,)))
    html = page(cast.alice.client.get(reverse("today")))
    section = html.split('id="commitments-heading"')[1].split("</section>")[0]
    assert "My promise" in section and "Our talk" in section
    assert "Bob&#x27;s own promise" not in section and "Only on Mondays" not in section
    assert section.count('value="kept"') == 2
    assert f'href="{LIST}"' in section

    kept = cast.alice.client.post(occasion_url(mine, TODAY), {"result": "kept", "back": "today"})
    # Bug 3: without JavaScript, back to the card's own anchor, not the top of the page.
    anchor = f"occ-{mine.pk}-{TODAY:%Y%m%d}"
    assert kept.status_code == 302 and kept["Location"] == reverse("today") + "#" + anchor
    assert f'id="{anchor}"' in page(cast.alice.client.get(reverse("today")))
    missed = cast.alice.client.post(
        occasion_url(ours, TODAY), {"result": "missed", "back": "today"}
    )
    # A miss goes on to its optional questions, and answering them comes back to Today.
    assert missed["Location"] == occasion_url(ours, TODAY) + "?back=today"
    follow = page(cast.alice.client.get(missed["Location"]))
    assert "Thank you for being honest about it." in follow and "What got in the way?" in follow
    assert '<input type="hidden" name="back" value="today">' in follow
    answered = cast.alice.client.post(
        occasion_url(ours, TODAY),
        {"result": "missed", "in_the_way": "a late train", "will_change": "", "back": "today"},
    )
    assert answered["Location"] == reverse("today") + f"#occ-{ours.pk}-{TODAY:%Y%m%d}"
    section = page(cast.alice.client.get(reverse("today"))).split('id="commitments-heading"')[1]
    section = section.split("</section>")[0]
    assert "Kept" in section and "Missed" in section and 'value="kept"' not in section
    assert bobs.pk not in {o.commitment_id for o in Outcome.objects.all()}


def test_marking_on_today_with_htmx_swaps_only_that_card(cast: Cast) -> None:
    """Bug 3: the page no longer reloads to the top; the one card comes back, marked."""
    first = make(cast.alice.user, "First promise")
    second = make(cast.alice.user, "Second promise")
    # The form on Today asks htmx to swap only its own card.
    html = page(cast.alice.client.get(reverse("today")))
    assert f'hx-target="#occ-{second.pk}-{TODAY:%Y%m%d}"' in html
    hx: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
    kept = cast.alice.client.post(
        occasion_url(second, TODAY), {"result": "kept", "back": "today"}, **hx
    )
    assert kept.status_code == 200 and "HX-Request" in kept["Vary"]
    card = kept.content.decode()
    assert card.lstrip().startswith("<li")
    assert f'id="occ-{second.pk}-{TODAY:%Y%m%d}"' in card
    assert "Second promise" in card and "First promise" not in card
    assert "Marked as kept." in card and 'value="kept"' not in card
    assert "<html" not in card
    partly = cast.alice.client.post(
        occasion_url(first, TODAY), {"result": "partly", "back": "today"}, **hx
    ).content.decode()
    assert "Partly kept" in partly and "Say what got in the way, if you like" in partly
    assert f"{occasion_url(first, TODAY)}?back=today" in partly
    assert [how_it_went(o) for o in Outcome.objects.filter(commitment=first)] == [Result.PARTLY]


def test_today_says_calmly_when_nothing_is_asked(cast: Cast) -> None:
    html = page(cast.erin.client.get(reverse("today")))
    assert "Nothing is asked of you today." in html


# -- query budgets ----------------------------------------------------------------------------


def test_list_and_detail_queries_do_not_grow_with_history(cast: Cast) -> None:
    alice, bob = cast.alice.user, cast.bob.user
    a_ring, b_ring = ring(alice), ring(bob)
    first = make(alice, "first", starts_on=TODAY - timedelta(days=70))
    ours = make(bob, "ours", joint=True, starts_on=TODAY - timedelta(days=70))
    services.record_outcome(a_ring, first, YESTERDAY, Result.KEPT)
    services.notice(b_ring, first, YESTERDAY, "seen")
    services.record_outcome(a_ring, ours, YESTERDAY, Result.KEPT)
    pages = [LIST, detail_url(first), detail_url(ours), occasion_url(first, YESTERDAY)]
    before = {url: count_queries(cast.alice.client, url) for url in pages}
    today_before = count_queries(cast.alice.client, reverse("today"))

    for n in range(8):
        make(alice, f"more {n}", starts_on=TODAY - timedelta(days=70))
        make(bob, f"bob's {n}", starts_on=TODAY - timedelta(days=70))
    for offset in range(2, 32):
        day = TODAY - timedelta(days=offset)
        result = (Result.KEPT, Result.PARTLY, Result.MISSED)[offset % 3]
        services.record_outcome(a_ring, first, day, result, in_the_way="x")
        services.record_outcome(b_ring, ours, day, Result.KEPT)
        services.notice(b_ring, first, day, f"seen {offset}")
    assert Outcome.objects.count() >= 60

    after = {url: count_queries(cast.alice.client, url) for url in pages}
    assert after == before
    assert count_queries(cast.alice.client, reverse("today")) == today_before
    assert max(after.values()) <= 20, after


# -- the schedule in words ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (Rule(Cadence.DAILY), "Every day"),
        (Rule(Cadence.WEEKLY, weekdays=(3,)), "Weekly on Thursday"),
        (Rule(Cadence.WEEKLY, weekdays=(4, 0, 2)), "Weekly on Monday, Wednesday and Friday"),
        (Rule(Cadence.WEEKLY, weekdays=tuple(range(7))), "Every day of the week"),
        (Rule(Cadence.MONTHLY, month_day=1), "Monthly on the 1st"),
        (Rule(Cadence.MONTHLY, month_day=22), "Monthly on the 22nd"),
        (Rule(Cadence.MONTHLY, month_day=13), "Monthly on the 13th"),
        (Rule(Cadence.MONTHLY, month_day=28), "Monthly on the 28th"),
        (
            Rule(Cadence.MONTHLY, month_day=29),
            "Monthly on the 29th (the last day in shorter months)",
        ),
        (Rule(Cadence.MONTHLY, month_week=3, month_weekday=0), "Monthly on the third Monday"),
        (Rule(Cadence.MONTHLY, month_week=-1, month_weekday=6), "Monthly on the last Sunday"),
    ],
)
def test_schedules_in_words(rule: Rule, words: str) -> None:
    assert describe_rule(rule) == words
