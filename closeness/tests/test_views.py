"""The closeness pages through real URLs: the overview, one's own answers and steps,
pausing, slowing down, planning a moment, answering it, the consent check-in, calling it
off, aftercare and the email choice.

What the partner may see of the other's answers is only the shared yes: each page is the
same, byte for byte, whatever the other's non-yes answers are. Bad input gets a clear
message and changes nothing; everything a person typed is escaped.
"""

from __future__ import annotations

import html
import random
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from closeness import services
from closeness.models import (
    OWN_STEP_MAX,
    Aftercare,
    ClosenessSetting,
    ConsentCheck,
    Moment,
    MomentState,
    OwnStep,
    Pause,
    SlowDown,
    SlowDownState,
)
from closeness.services import LATER, NOT_YET, YES
from closeness.steps import BUILT_IN, BUILT_IN_BY_KEY
from conftest import Cast, ring
from tests.support import markup as text

# Wednesday 11 March 2026, 12:00 UTC: 13:00 in Amsterdam, where everyone in the cast lives.
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
SOON = NOW + timedelta(days=2)  # Friday 13 March, 13:00 in Amsterdam
NASTY = "<script>alert('x')</script> & <b>bold</b>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;"

INDEX = reverse("closeness:index")
MINE = reverse("closeness:mine")
PLAN = reverse("closeness:plan")
PAUSE = reverse("closeness:pause")
SLOW = reverse("closeness:slow_down")
EMAIL = reverse("closeness:email_setting")
ADD_STEP = reverse("closeness:add_step")


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def answer(user: User, answers: dict[str, str], hidden: tuple[str, ...] = ()) -> None:
    services.save_answers(ring(user), answers, hidden)


def words(key: str) -> str:
    return BUILT_IN_BY_KEY[key].words


def moment_url(name: str, moment: Moment) -> str:
    return reverse(f"closeness:{name}", kwargs={"moment_id": moment.pk})


def proposed(cast: Cast, keys: tuple[str, ...] = ("b-hug",), at: datetime = SOON) -> Moment:
    """Both said yes to `keys`; alice suggests a moment with them."""
    answer(cast.alice.user, dict.fromkeys(keys, YES))
    answer(cast.bob.user, dict.fromkeys(keys, YES))
    return services.plan_moment(ring(cast.alice.user), at, list(keys))


def accepted(cast: Cast, at: datetime = SOON) -> Moment:
    moment = proposed(cast, at=at)
    services.answer_moment(cast.bob.user, moment, yes=True)
    moment.refresh_from_db()
    return moment


def snapshot() -> list[Any]:
    """Every clear fact about the path, to show that a refused action changed nothing."""
    return [
        list(Pause.objects.order_by("pk").values_list("paused_by_id", "ended_at")),
        list(SlowDown.objects.order_by("pk").values_list("pk", "state", "ends_on", "agreed_at")),
        list(Moment.objects.order_by("pk").values_list("pk", "state", "at", "answered_at")),
        list(OwnStep.objects.order_by("pk").values_list("pk", "removed_at")),
        ConsentCheck.objects.count(),
        Aftercare.objects.count(),
    ]


def form_answers(answers: dict[str, str], hidden: tuple[str, ...] = ()) -> dict[str, str]:
    data = {f"answer-{s.key}": answers.get(s.key, "") for s in BUILT_IN}
    data.update({f"hide-{key}": "on" for key in hidden})
    return data


TOKENS = re.compile(r'(name="(?:csrfmiddlewaretoken|token)" value=")[^"]*(")')


def normalised(response: Any) -> str:
    assert response.status_code == 200
    return TOKENS.sub(r"\1\2", text(response))


# -- the overview ------------------------------------------------------------------------------


def test_the_overview_is_calm_and_starts_empty(cast: Cast) -> None:
    response = cast.alice.client.get(INDEX)
    assert response.status_code == 200
    body = text(response)
    assert "<h1>Closeness</h1>" in body
    assert "The slower of you sets the pace" in body
    assert "Our shared yes" in body
    assert "Steps show here once you have both said yes to them." in body
    assert f'href="{MINE}"' in body
    assert f'href="{PLAN}"' not in body  # nothing to plan from yet
    assert 'name="action" value="pause"' in body
    assert "Suggest a slow-down" in body
    # The email choice is off unless chosen.
    assert re.search(r'<input[^>]*value="off"[^>]*checked', body)
    assert not re.search(r'<input[^>]*value="on"[^>]*checked', body)
    assert "Also a short email that only says something is waiting" in body


def test_each_sees_only_the_steps_both_said_yes_to(cast: Cast) -> None:
    alice_says = {"b-sit-close": YES, "b-hands": YES, "b-kiss": YES, "b-walk": LATER}
    bob_says = {"b-sit-close": YES, "b-kiss": YES, "b-walk": YES, "b-hands": NOT_YET}
    assert cast.alice.client.post(MINE, form_answers(alice_says)).status_code == 302
    assert cast.bob.client.post(MINE, form_answers(bob_says)).status_code == 302
    for persona in (cast.alice, cast.bob):
        body = text(persona.client.get(INDEX))
        assert words("b-sit-close") in body and words("b-kiss") in body
        assert words("b-walk") not in body and words("b-hands") not in body
        assert "<h3>Being near</h3>" in body and "<h3>Sensual</h3>" in body
        assert "<h3>Affection</h3>" not in body
        assert f'href="{PLAN}"' in body
    # Another couple sees nothing of it.
    assert words("b-kiss") not in text(cast.carol.client.get(INDEX))


def test_an_unpaired_person_is_told_it_opens_with_a_partner(cast: Cast) -> None:
    body = text(cast.erin.client.get(INDEX))
    assert "opens once your partner has joined" in body
    assert "Our shared yes" not in body
    response = cast.erin.client.post(PAUSE, {"action": "pause"}, follow=True)
    assert "invite your partner first" in text(response)
    assert not Pause.objects.exists()


# -- one's own answers -------------------------------------------------------------------------


def test_my_answers_are_prefilled_and_saved(cast: Cast) -> None:
    answer(cast.alice.user, {"b-hug": YES, "b-kiss": LATER, "b-sex": NOT_YET})
    body = text(cast.alice.client.get(MINE))
    assert "Your answers are only yours." in body
    assert "change any answer, at any time" in body
    assert re.search(r'<input[^>]*name="answer-b-hug"[^>]*value="yes"[^>]*checked', body)
    assert re.search(r'<input[^>]*name="answer-b-kiss"[^>]*value="later"[^>]*checked', body)
    assert re.search(r'<input[^>]*name="answer-b-sex"[^>]*value="not_yet"[^>]*checked', body)
    assert re.search(r'<input[^>]*name="answer-b-walk"[^>]*value=""[^>]*checked', body)
    assert f"<legend>{words('b-hug')}</legend>" in body
    assert body.count("Hide from my list") == len(BUILT_IN)

    response = cast.alice.client.post(MINE, form_answers({"b-walk": YES, "b-hug": NOT_YET}))
    assert response.status_code == 302 and response["Location"] == MINE
    mine = services.my_answers(ring(cast.alice.user))
    assert mine.answers == {"b-walk": YES, "b-hug": NOT_YET}
    shown = text(cast.alice.client.get(MINE))
    assert "Saved. Your answers are yours alone" in shown
    assert words("b-walk") not in shown.split('class="messages"')[1].split("</div>")[0]


def test_hiding_a_step_and_showing_it_again(cast: Cast) -> None:
    client = cast.alice.client
    client.post(MINE, form_answers({"b-oral": NOT_YET}, hidden=("b-oral",)))
    mine = services.my_answers(ring(cast.alice.user))
    assert mine.hidden == {"b-oral"} and mine.answers == {"b-oral": NOT_YET}
    body = text(client.get(MINE))
    hidden_part = body.split('<details class="cl-hidden">')[1].split("</details>")[0]
    assert words("b-oral") in hidden_part
    assert re.search(r'<input[^>]*name="hide-b-oral"[^>]*checked', hidden_part)
    assert words("b-oral") not in body.split('<details class="cl-hidden">')[0]
    # Unticking "hide" shows it again; the answer was kept.
    client.post(MINE, form_answers({"b-oral": NOT_YET}))
    mine = services.my_answers(ring(cast.alice.user))
    assert mine.hidden == set() and mine.answers == {"b-oral": NOT_YET}
    assert "cl-hidden" not in text(client.get(MINE))


def test_an_unknown_answer_is_refused_and_changes_nothing(cast: Cast) -> None:
    answer(cast.alice.user, {"b-hug": YES})
    data = form_answers({"b-hug": "definitely", "b-kiss": YES})
    response = cast.alice.client.post(MINE, data)
    assert response.status_code == 400
    body = text(response)
    assert "isn&#x27;t one of the choices here" in body
    assert re.search(r'<input[^>]*name="answer-b-kiss"[^>]*value="yes"[^>]*checked', body)
    assert services.my_answers(ring(cast.alice.user)).answers == {"b-hug": YES}


# -- own steps ---------------------------------------------------------------------------------


def test_an_own_step_is_added_for_both_escaped_and_removed_by_its_author(cast: Cast) -> None:
    token = str(uuid.uuid4())
    data = {"words": NASTY, "tier": "affection", "token": token}
    response = cast.alice.client.post(ADD_STEP, data)
    assert response.status_code == 302
    assert cast.alice.client.post(ADD_STEP, data).status_code == 302  # a double submit
    (step,) = OwnStep.objects.all()
    for persona in (cast.alice, cast.bob):
        body = text(persona.client.get(MINE))
        assert ESCAPED in body and NASTY not in body
        assert f"answer-own-{step.pk}" in body
    alice_page = text(cast.alice.client.get(MINE))
    bob_page = text(cast.bob.client.get(MINE))
    remove = reverse("closeness:remove_step", kwargs={"step_id": step.pk})
    assert f'action="{remove}"' in alice_page and "Remove it from both lists" in alice_page
    assert f'action="{remove}"' not in bob_page

    # Both can answer it; a yes from both puts it in the shared yes, escaped.
    answer(cast.alice.user, {f"own-{step.pk}": YES})
    answer(cast.bob.user, {f"own-{step.pk}": YES})
    shared = text(cast.bob.client.get(INDEX))
    assert ESCAPED in shared and NASTY not in shared

    before = snapshot()
    response = cast.bob.client.post(remove, follow=True)
    assert "Only the one who added this step can remove it" in text(response)
    assert snapshot() == before
    assert cast.carol.client.post(remove).status_code == 404
    assert cast.erin.client.post(remove).status_code == 404
    assert snapshot() == before

    response = cast.alice.client.post(remove, follow=True)
    assert "Removed from both your lists." in text(response)
    assert ESCAPED not in text(cast.bob.client.get(MINE))
    assert ESCAPED not in text(cast.bob.client.get(INDEX))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"words": "x" * (OWN_STEP_MAX + 1), "tier": "presence"}, "can be up to 140"),
        ({"words": "   ", "tier": "presence"}, "describe the step in a few words"),
        ({"words": "Tea together", "tier": "tea"}, "isn&#x27;t one of the choices"),
        ({"words": "Tea together", "tier": ""}, "Choose which kind of closeness"),
        ({"words": "Tea together", "tier": "presence", "token": "nope"}, "out of date"),
    ],
)
def test_a_bad_own_step_is_refused_with_the_words_kept(
    cast: Cast, data: dict[str, str], problem: str
) -> None:
    response = cast.alice.client.post(ADD_STEP, {"token": str(uuid.uuid4()), **data})
    assert response.status_code == 400
    body = text(response)
    assert problem in body
    if data["words"].strip():
        assert f'value="{data["words"]}"' in body
    assert not OwnStep.objects.exists()


def test_an_unpaired_person_cant_add_a_step(cast: Cast) -> None:
    assert "Add a step of your own" not in text(cast.erin.client.get(MINE))
    data = {"words": "Tea", "tier": "presence", "token": str(uuid.uuid4())}
    response = cast.erin.client.post(ADD_STEP, data)
    assert response.status_code == 400
    assert "invite your partner first" in text(response)
    assert not OwnStep.objects.exists()


# -- pausing -----------------------------------------------------------------------------------


def test_pausing_shows_the_partner_only_paused_for_now(cast: Cast) -> None:
    answer(cast.alice.user, {"b-hug": YES})
    answer(cast.bob.user, {"b-hug": YES})
    response = cast.bob.client.post(PAUSE, {"action": "pause"}, follow=True)
    bob_page = text(response)
    assert "You've paused the path" in bob_page
    assert 'name="action" value="resume"' in bob_page

    alice_page = text(cast.alice.client.get(INDEX))
    assert "Paused for now" in alice_page
    for hidden in (words("b-hug"), "Our shared yes", PLAN, "Bob", "resume", "Slowing down"):
        assert hidden not in alice_page
    plan_page = text(cast.alice.client.get(PLAN))
    assert "Paused for now" in plan_page and words("b-hug") not in plan_page
    assert "Paused for now" in text(cast.alice.client.get(INDEX))

    # alice can't resume bob's pause.
    before = snapshot()
    response = cast.alice.client.post(PAUSE, {"action": "resume"}, follow=True)
    assert "Only the one who paused can resume" in text(response)
    assert snapshot() == before
    assert services.path_state(cast.alice.user) == services.PAUSED

    # bob resumes; the shared yes is back for both.
    response = cast.bob.client.post(PAUSE, {"action": "resume"}, follow=True)
    assert "open again" in text(response)
    assert words("b-hug") in text(cast.alice.client.get(INDEX))


def test_pausing_says_planned_moments_are_called_off_and_they_stay_off(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    """Issue 13, bug 5: a pause called moments off while the words said "put away"."""
    moment = accepted(cast)
    index = html.unescape(text(cast.alice.client.get(INDEX)))
    assert "any moments you've planned are called off" in index
    response = cast.alice.client.post(PAUSE, {"action": "pause"}, follow=True)
    body = html.unescape(text(response))
    assert "Any moments you'd planned are called off" in body  # the message
    assert "moments are put away" not in body
    assert "any moments you'd planned are called off" in body
    assert "A moment called off stays off" in body
    moment.refresh_from_db()
    assert moment.state == MomentState.OFF
    assert "called off" in text(cast.bob.client.get(INDEX))
    # Resuming doesn't bring it back: it reads "Called off", and can't be said yes to again.
    cast.alice.client.post(PAUSE, {"action": "resume"})
    moments = text(cast.bob.client.get(INDEX)).split('id="moments-heading"')[1]
    assert "Called off" in moments.split("</section>")[0]
    before = snapshot()
    cast.bob.client.post(moment_url("moment_answer", moment), {"answer": "yes"})
    assert snapshot() == before


def test_a_planned_moment_whose_time_has_passed_reads_as_past(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    """Issue 13, bug 11: a past moment still read "Planned"."""
    moment = accepted(cast)
    assert '<p class="cl-state">Planned</p>' in text(
        cast.alice.client.get(moment_url("moment", moment))
    )
    clock.move_to(moment.at + timedelta(hours=2))
    for persona in (cast.alice, cast.bob):
        page = text(persona.client.get(moment_url("moment", moment)))
        assert '<p class="cl-state">Now past</p>' in page
        index = text(persona.client.get(INDEX)).split('id="moments-heading"')[1]
        assert "Now past" in index.split("</section>")[0]
        assert "Planned" not in index.split("</section>")[0]


def test_the_overview_leads_with_my_answers_and_pausing_stays_in_reach(cast: Cast) -> None:
    """Issue 13: the first button was "Pause the path"; "My answers" a small link."""
    body = text(cast.alice.client.get(INDEX))
    first_button = re.search(r'<(a class="button"|button)[^>]*>([^<]*)<', body)
    assert first_button is not None and first_button.group(2) == "My answers"
    assert body.index(f'href="{MINE}"') < body.index('id="pause"') < body.index("Pause the path")
    assert 'href="#pause"' in body  # one tap from the top


def test_my_answers_are_grouped_by_tier_in_sections_that_open_and_close(cast: Cast) -> None:
    body = text(cast.alice.client.get(MINE))
    tiers = re.findall(r'<details class="cl-tier" id="tier-(\w+)"( open)?>', body)
    assert tiers == [("presence", " open"), ("affection", ""), ("sensual", ""), ("sexual", "")]
    assert "<summary><h2>Being near</h2></summary>" in body
    # A problem in a closed section opens it, so it can be seen.
    data = form_answers({"b-kiss": "perhaps"})
    response = cast.alice.client.post(MINE, data)
    assert response.status_code == 400
    opened = dict(re.findall(r'<details class="cl-tier" id="tier-(\w+)"( open)?>', text(response)))
    assert opened["sensual"] == " open" and opened["affection"] == ""


def test_a_paused_page_is_the_same_whoever_paused_and_whatever_was_said(cast: Cast) -> None:
    cast.bob.client.post(PAUSE, {"action": "pause"})
    first = normalised(cast.alice.client.get(INDEX))
    answer(cast.bob.user, {"b-hug": YES, "b-kiss": NOT_YET})
    answer(cast.alice.user, {"b-hug": YES})
    assert normalised(cast.alice.client.get(INDEX)) == first
    assert "paused" in first and "Bob" not in first


def test_an_unknown_pause_action_changes_nothing(cast: Cast) -> None:
    response = cast.alice.client.post(PAUSE, {"action": "forever"}, follow=True)
    assert "isn&#x27;t one of the choices here" in text(response)
    assert not Pause.objects.exists()


# -- the partner learns nothing but the shared yes -----------------------------------------------


NON_YES = (LATER, NOT_YET, "", "hidden")


def set_answers(user: User, chosen: dict[str, str]) -> None:
    answers = {k: v for k, v in chosen.items() if v != "hidden"}
    hidden = tuple(k for k, v in chosen.items() if v == "hidden")
    answer(user, answers, hidden)


def test_bobs_pages_are_the_same_whatever_alices_non_yes_answers(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    """Alice keeps the same yes set and varies every other answer at random: every page bob
    can load stays the same, byte for byte (tokens aside)."""
    yes = {"b-hug", "b-walk", "b-kiss"}
    answer(cast.bob.user, dict.fromkeys([*yes, "b-sex", "b-hands", "b-bath"], YES))
    answer(cast.alice.user, dict.fromkeys(yes, YES))
    moment = services.plan_moment(ring(cast.alice.user), SOON, ["b-hug", "b-kiss"])
    services.answer_moment(cast.bob.user, moment, yes=True)
    clock.move_to(SOON - timedelta(hours=1))  # the consent check-in is showing too
    pages = [
        INDEX,
        MINE,
        PLAN,
        moment_url("moment", moment),
        moment_url("aftercare", moment),
    ]
    rng = random.Random(9)
    others = [s.key for s in BUILT_IN if s.key not in yes]
    seen: dict[str, str] = {}
    for _ in range(6):
        set_answers(
            cast.alice.user,
            {**{k: rng.choice(NON_YES) for k in others}, **dict.fromkeys(yes, YES)},
        )
        for page in pages:
            body = normalised(cast.bob.client.get(page))
            assert seen.setdefault(page, body) == body, page
    assert words("b-hug") in seen[INDEX] and words("b-sex") not in seen[INDEX]
    assert "Still feel good about" in seen[INDEX]


# -- slowing down ------------------------------------------------------------------------------


def test_a_slow_down_is_suggested_agreed_and_extended(cast: Cast) -> None:
    answer(cast.alice.user, {"b-walk": YES, "b-hug": YES})
    answer(cast.bob.user, {"b-walk": YES, "b-hug": YES})
    response = cast.alice.client.post(
        SLOW, {"action": "propose", "up_to_tier": "presence", "weeks": "4"}, follow=True
    )
    body = text(response)
    assert "It starts once your partner agrees too." in body
    assert "Waiting for Bob to agree" in body
    assert "you both stay with being near" in body
    assert 'value="withdraw"' in body
    (slow,) = SlowDown.objects.all()
    assert slow.ends_on == date(2026, 4, 8)

    bob_page = text(cast.bob.client.get(INDEX))
    assert "Alice suggested that, until Wednesday 8 April" in bob_page
    assert 'value="agree"' in bob_page and "Not now" in bob_page
    assert words("b-hug") in bob_page  # nothing changes until both agree

    # alice can't agree to her own suggestion.
    before = snapshot()
    response = cast.alice.client.post(
        SLOW, {"action": "agree", "slow_down": str(slow.pk)}, follow=True
    )
    assert "it starts when your partner agrees too" in text(response)
    assert snapshot() == before

    cast.bob.client.post(SLOW, {"action": "agree", "slow_down": str(slow.pk)})
    slow.refresh_from_db()
    assert slow.state == SlowDownState.ACTIVE
    for persona in (cast.alice, cast.bob):
        body = text(persona.client.get(INDEX))
        assert "Until Wednesday 8 April we stay with being near." in body
        # Issue 13, bug 11: "only being near show here".
        assert "only the steps for being near show here" in body
        assert words("b-walk") in body and words("b-hug") not in body

    # Either extends it alone.
    response = cast.bob.client.post(
        SLOW, {"action": "extend", "slow_down": str(slow.pk), "weeks": "2"}, follow=True
    )
    assert "The slow-down is longer now." in text(response)
    slow.refresh_from_db()
    assert slow.ends_on == date(2026, 4, 22)


def test_a_suggested_slow_down_can_be_withdrawn_or_declined(cast: Cast) -> None:
    data = {"action": "propose", "up_to_tier": "affection", "weeks": "2"}
    cast.alice.client.post(SLOW, data)
    slow = SlowDown.objects.get()
    cast.alice.client.post(SLOW, {"action": "withdraw", "slow_down": str(slow.pk)})
    slow.refresh_from_db()
    assert slow.state == SlowDownState.SET_ASIDE
    cast.alice.client.post(SLOW, data)
    second = SlowDown.objects.exclude(pk=slow.pk).get()
    response = cast.bob.client.post(
        SLOW, {"action": "decline", "slow_down": str(second.pk)}, follow=True
    )
    assert "Set aside for now." in text(response)
    second.refresh_from_db()
    assert second.state == SlowDownState.SET_ASIDE
    assert "Suggest a slow-down" in text(cast.bob.client.get(INDEX))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"action": "propose", "up_to_tier": "sexual", "weeks": "4"}, "isn&#x27;t one of the"),
        ({"action": "propose", "up_to_tier": "presence", "weeks": "13"}, "one to twelve weeks"),
        ({"action": "propose", "up_to_tier": "presence", "weeks": "soon"}, "one to twelve"),
        ({"action": "propose", "up_to_tier": "", "weeks": "4"}, "Choose which kinds"),
    ],
)
def test_a_bad_slow_down_suggestion_is_refused_with_its_values_kept(
    cast: Cast, data: dict[str, str], problem: str
) -> None:
    response = cast.alice.client.post(SLOW, data)
    assert response.status_code == 400
    body = text(response)
    assert problem in body
    assert not SlowDown.objects.exists()


def test_a_bad_slow_down_button_changes_nothing(cast: Cast) -> None:
    cast.alice.client.post(SLOW, {"action": "propose", "up_to_tier": "presence", "weeks": "4"})
    slow = SlowDown.objects.get()
    before = snapshot()
    for data in (
        {"action": "agree", "slow_down": "nope"},
        {"action": "agree", "slow_down": str(uuid.uuid4())},
        {"action": "hurry", "slow_down": str(slow.pk)},
        {"action": "extend", "slow_down": str(slow.pk), "weeks": "2"},  # not agreed yet
    ):
        response = cast.bob.client.post(SLOW, data, follow=True)
        assert response.status_code in (200, 400)
        assert "form-errors" in text(response) or "message-error" in text(response)
    # Another couple can't touch it.
    cast.carol.client.post(SLOW, {"action": "agree", "slow_down": str(slow.pk)})
    assert snapshot() == before


def test_extending_by_a_bad_number_keeps_the_choice(cast: Cast) -> None:
    cast.alice.client.post(SLOW, {"action": "propose", "up_to_tier": "presence", "weeks": "4"})
    slow = SlowDown.objects.get()
    cast.bob.client.post(SLOW, {"action": "agree", "slow_down": str(slow.pk)})
    before = snapshot()
    response = cast.alice.client.post(
        SLOW, {"action": "extend", "slow_down": str(slow.pk), "weeks": "40"}
    )
    assert response.status_code == 400
    assert "one to twelve weeks" in text(response)
    assert snapshot() == before


# -- the email choice --------------------------------------------------------------------------


def test_the_email_choice_is_off_until_chosen(cast: Cast) -> None:
    assert not services.setting_for(cast.alice.user).email_checkins
    response = cast.alice.client.post(EMAIL, {"email": "on"}, follow=True)
    assert "A short email will say when something is waiting" in text(response)
    assert services.setting_for(cast.alice.user).email_checkins
    assert re.search(r'<input[^>]*value="on"[^>]*checked', text(response))
    assert not services.setting_for(cast.bob.user).email_checkins
    before = list(ClosenessSetting.objects.values_list("user_id", "email_checkins"))
    response = cast.alice.client.post(EMAIL, {"email": "always"})
    assert response.status_code == 400
    assert "isn&#x27;t one of the choices here" in text(response)
    assert list(ClosenessSetting.objects.values_list("user_id", "email_checkins")) == before
    cast.alice.client.post(EMAIL, {"email": "off"})
    assert not services.setting_for(cast.alice.user).email_checkins


# -- planning a moment -------------------------------------------------------------------------


def test_a_moment_is_planned_accepted_checked_and_called_off(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    answer(cast.alice.user, {"b-hug": YES, "b-walk": YES, "b-kiss": LATER})
    answer(cast.bob.user, {"b-hug": YES, "b-walk": YES, "b-kiss": YES})
    page = text(cast.alice.client.get(PLAN))
    assert 'type="datetime-local"' in page and "Europe/Amsterdam" in page
    assert words("b-hug") in page and words("b-walk") in page
    assert words("b-kiss") not in page

    data = {"at": "2026-03-12T19:30", "steps": ["b-hug"], "token": str(uuid.uuid4())}
    response = cast.alice.client.post(PLAN, data)
    assert response.status_code == 302
    (moment,) = Moment.objects.all()
    assert moment.at == datetime(2026, 3, 12, 18, 30, tzinfo=UTC)  # 19:30 in Amsterdam
    assert response["Location"] == moment_url("moment", moment)
    assert cast.alice.client.post(PLAN, data).status_code == 302  # a double submit
    assert Moment.objects.count() == 1

    shown = text(cast.alice.client.get(response["Location"]))
    assert "Thursday 12 March, 19:30" in shown
    assert "You suggested this" in shown and words("b-hug") in shown
    messages = shown.split('class="messages"')[1].split("</div>")[0]
    assert "Suggested." in messages and "19:30" not in messages and "hug" not in messages

    bob_index = text(cast.bob.client.get(INDEX))
    assert "Alice suggested this" in bob_index
    assert 'name="answer" value="yes"' in bob_index and "Not this time" in bob_index
    response = cast.bob.client.post(
        moment_url("moment_answer", moment), {"answer": "yes", "back": "index"}
    )
    assert response["Location"] == INDEX
    moment.refresh_from_db()
    assert moment.state == MomentState.ACCEPTED
    assert "Planned" in text(cast.alice.client.get(INDEX))

    # Shortly before, the consent check-in shows on both overviews.
    clock.move_to(moment.at - timedelta(hours=1))
    for persona in (cast.alice, cast.bob):
        body = text(persona.client.get(INDEX))
        assert "Still feel good about" in body and "Thursday 12 March, 19:30" in body
        assert "Yes, still good" in body and "Let's leave it for now" in body

    # alice calls it off; bob sees only that it's off for now.
    response = cast.alice.client.post(moment_url("moment_off", moment), {"back": "index"})
    assert response["Location"] == INDEX
    moment.refresh_from_db()
    assert moment.state == MomentState.OFF
    index = text(cast.bob.client.get(INDEX))
    moments = index.split('id="moments-heading"')[1].split("</section>")[0]
    for body in (moments, text(cast.bob.client.get(moment_url("moment", moment)))):
        assert "Called off" in body
        assert "Still feel good about" not in body
        for telling in ("Alice", "called it", "off by", "cancel", "by you", "by your partner"):
            assert telling not in body, telling
    alice_body = text(cast.alice.client.get(moment_url("moment", moment)))
    assert "Called off" in alice_body and "You called" not in alice_body


def test_still_good_hides_the_check_in_only_for_the_one_who_said_it(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    moment = accepted(cast)
    clock.move_to(moment.at - timedelta(minutes=30))
    page = text(cast.bob.client.get(moment_url("moment", moment)))
    assert "Still feel good about" in page
    response = cast.bob.client.post(moment_url("still_good", moment), follow=True)
    assert "Thank you." in text(response)
    assert "Still feel good about" not in text(cast.bob.client.get(INDEX))
    assert "Still feel good about" in text(cast.alice.client.get(INDEX))
    moment.refresh_from_db()
    assert moment.state == MomentState.ACCEPTED


def test_still_good_outside_the_window_changes_nothing(cast: Cast) -> None:
    moment = accepted(cast)
    before = snapshot()
    response = cast.bob.client.post(moment_url("still_good", moment), follow=True)
    assert "This check-in isn&#x27;t open now." in text(response)
    assert snapshot() == before


def test_not_this_time(cast: Cast) -> None:
    moment = proposed(cast)
    response = cast.bob.client.post(moment_url("moment_answer", moment), {"answer": "no"})
    assert response["Location"] == moment_url("moment", moment)
    moment.refresh_from_db()
    assert moment.state == MomentState.NOT_THIS_TIME
    for persona in (cast.alice, cast.bob):
        assert "Not this time" in text(persona.client.get(moment_url("moment", moment)))


def test_bad_answers_to_a_moment_change_nothing(cast: Cast) -> None:
    moment = proposed(cast)
    url = moment_url("moment_answer", moment)
    before = snapshot()
    response = cast.alice.client.post(url, {"answer": "yes"}, follow=True)
    assert "You suggested this moment; your partner answers it." in text(response)
    response = cast.bob.client.post(url, {"answer": "perhaps"}, follow=True)
    assert "isn&#x27;t one of the choices here" in text(response)
    for outsider in (cast.carol, cast.dan, cast.erin):
        assert outsider.client.post(url, {"answer": "yes"}).status_code == 404
        assert outsider.client.post(moment_url("moment_off", moment)).status_code == 404
        assert outsider.client.post(moment_url("still_good", moment)).status_code == 404
        assert outsider.client.get(moment_url("moment", moment)).status_code == 404
        assert outsider.client.get(moment_url("aftercare", moment)).status_code == 404
    assert snapshot() == before
    assert (
        cast.alice.client.get(reverse("closeness:moment", args=[uuid.uuid4()])).status_code == 404
    )


def plan_data(**more: Any) -> dict[str, Any]:
    return {"at": "2026-03-12T19:30", "steps": ["b-hug"], "token": str(uuid.uuid4()), **more}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (plan_data(at="2026-03-10T19:30"), "That time has passed"),
        (plan_data(at="2026-12-24T19:30"), "within the next three months"),
        (plan_data(at="next friday"), "Please give a day and a time"),
        (plan_data(at=""), "Please choose a day and a time."),
        (plan_data(steps=["b-kiss"]), "only be planned from your shared yes"),
        (plan_data(steps=["b-nothing"]), "only be planned from your shared yes"),
        (plan_data(steps=[]), "Choose at least one step"),
        (plan_data(token="twice"), "out of date"),
    ],
)
def test_a_bad_plan_is_refused_with_the_values_kept(
    cast: Cast, data: dict[str, Any], problem: str
) -> None:
    answer(cast.alice.user, {"b-hug": YES, "b-walk": YES, "b-kiss": YES})
    answer(cast.bob.user, {"b-hug": YES, "b-walk": YES, "b-kiss": NOT_YET})
    response = cast.alice.client.post(PLAN, data)
    assert response.status_code == 400
    body = text(response)
    assert problem in body
    if data["at"]:
        assert f'value="{data["at"]}"' in body
    if data["steps"] == ["b-hug"]:
        assert re.search(r'<input[^>]*value="b-hug"[^>]*checked', body)
    assert words("b-kiss") not in body
    assert not Moment.objects.exists()


def test_no_planning_while_paused(cast: Cast) -> None:
    answer(cast.alice.user, {"b-hug": YES})
    answer(cast.bob.user, {"b-hug": YES})
    cast.bob.client.post(PAUSE, {"action": "pause"})
    response = cast.alice.client.post(PLAN, plan_data())
    assert response.status_code == 400
    body = text(response)
    assert "The path is paused for now, so nothing can be planned." in body
    assert words("b-hug") not in body
    assert not Moment.objects.exists()


def test_a_moment_shows_only_paused_while_paused(cast: Cast) -> None:
    moment = accepted(cast)
    cast.alice.client.post(PAUSE, {"action": "pause"})
    for persona, words_shown in ((cast.bob, "Paused for now"), (cast.alice, "paused the path")):
        body = text(persona.client.get(moment_url("moment", moment)))
        assert words_shown in body
        assert words("b-hug") not in body and "Planned" not in body and "13 March" not in body


def test_the_plan_page_without_a_shared_yes(cast: Cast) -> None:
    body = text(cast.alice.client.get(PLAN))
    assert "Steps show here once you have both said yes to them." in body
    assert 'type="datetime-local"' not in body
    response = cast.erin.client.get(PLAN)
    assert response.status_code == 200
    assert "opens once your partner has joined" in text(response)


# -- afterwards --------------------------------------------------------------------------------


def test_aftercare_is_private_and_offers_a_look_at_ones_answers(
    cast: Cast, clock: time_machine.Traveller
) -> None:
    moment = accepted(cast)
    url = moment_url("aftercare", moment)
    assert "This can be noted" not in text(cast.alice.client.get(url))
    assert 'name="feeling"' not in text(cast.alice.client.get(url))  # not yet
    clock.move_to(moment.at + timedelta(hours=2))
    index = text(cast.alice.client.get(INDEX))
    assert f'href="{url}"' in index
    page = text(cast.alice.client.get(url))
    for label in (
        "It felt good",
        "Mixed",
        "It didn&#x27;t feel good",
        "I&#x27;d like to slow down",
    ):
        assert label in page

    response = cast.alice.client.post(url, {"feeling": "slow_down", "note": NASTY})
    assert response.status_code == 302 and response["Location"] == url
    body = text(cast.alice.client.get(url))
    assert ESCAPED in body and NASTY not in body
    assert "Look at my answers again" in body and f'href="{MINE}"' in body
    assert "Slowing down is always all right." in body
    assert f'href="{url}"' not in text(cast.alice.client.get(INDEX))  # noted: no longer due

    bob_page = text(cast.bob.client.get(url))
    assert ESCAPED not in bob_page and "What you noted" not in bob_page
    assert f'href="{url}"' in text(cast.bob.client.get(INDEX))


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"feeling": "ecstatic"}, "isn&#x27;t one of the choices here"),
        ({"feeling": ""}, "Choose the words closest"),
        ({"feeling": "good", "note": "x" * 1001}, "A note can be up to 1,000"),
    ],
)
def test_bad_aftercare_changes_nothing(
    cast: Cast, clock: time_machine.Traveller, data: dict[str, str], problem: str
) -> None:
    moment = accepted(cast)
    clock.move_to(moment.at + timedelta(hours=2))
    response = cast.alice.client.post(moment_url("aftercare", moment), data)
    assert response.status_code == 400
    assert problem in text(response)
    assert not Aftercare.objects.exists()


def test_aftercare_before_the_time_changes_nothing(cast: Cast) -> None:
    moment = accepted(cast)
    response = cast.alice.client.post(moment_url("aftercare", moment), {"feeling": "good"})
    assert response.status_code == 400
    assert "once the moment&#x27;s time has come" in text(response)
    assert not Aftercare.objects.exists()


# -- the pages are for signed-in people --------------------------------------------------------


def test_every_page_asks_a_stranger_to_sign_in(cast: Cast) -> None:
    sign_in = reverse("accounts:sign_in")
    for url in (INDEX, MINE, PLAN):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(sign_in)


@pytest.mark.usefixtures("pages_made_afresh")
def test_the_overview_costs_the_same_with_more_moments(cast: Cast) -> None:
    """No query per moment: the overview's cost doesn't grow with what was planned."""
    answer(cast.alice.user, {"b-hug": YES})
    answer(cast.bob.user, {"b-hug": YES})

    def count() -> int:
        cast.bob.client.get(INDEX)  # settle the one-off writes (the yes list, the setting)
        with CaptureQueriesContext(connection) as queries:
            assert cast.bob.client.get(INDEX).status_code == 200
        return len(queries)

    services.plan_moment(ring(cast.alice.user), SOON, ["b-hug"])
    one = count()
    for days in (3, 4, 5):
        services.plan_moment(ring(cast.alice.user), NOW + timedelta(days=days), ["b-hug"])
    assert count() == one
