"""Page building and wording for the closeness pages, as plain values the templates render:
the overview, "My answers", planning, one moment, and aftercare. Views parse, call and
render.

What a page may show about the partner's answers is only the shared yes
(`services.shared_yes`); nothing here reads, counts or hints at them, so a partner's page is
the same, byte for byte, whatever their non-yes answers are. A moment shows only its time,
its state in words and those of its steps that are still in the shared yes; never who
called it off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from django.utils import timezone

from accounts.models import User
from closeness import services
from closeness.forms import (
    EMAIL_ON,
    AddStepForm,
    AftercareForm,
    AnswersForm,
    EmailSettingForm,
    ExtendSlowDownForm,
    PlanForm,
    ProposeSlowDownForm,
    answer_name,
    hide_name,
    tiers_up_to,
)
from closeness.models import Feeling, Moment, MomentState, SlowDownState
from closeness.steps import TIERS, Step, Tier
from couples import services as couples
from privacy.keyring import Keyring

# -- pieces the pages share -----------------------------------------------------------------


@dataclass(frozen=True)
class TierGroup:
    tier: Tier
    steps: list[Any]


def by_tier(steps: list[Step]) -> list[TierGroup]:
    """Steps under their tier, in tier order; a tier with nothing in it isn't shown."""
    groups = [TierGroup(t, [s for s in steps if s.tier == t.key]) for t in TIERS]
    return [g for g in groups if g.steps]


def partner_name(user: User) -> str:
    partner = couples.partner_of(user)
    return partner.display_name if partner is not None else "your partner"


def first_error(form: Any) -> str:
    return str(next(iter(form.errors.values()))[0])


@dataclass(frozen=True)
class MomentRow:
    moment: Moment
    state_words: str
    may_answer: bool  # the partner suggested it and its time is still ahead
    may_call_off: bool


def moment_row(user: User, moment: Moment, partner: str, now: datetime) -> MomentRow:
    """A moment's state in words. Never who called it off, nor why it is "not this time"."""
    ahead = moment.at > now
    mine = moment.author_id == user.pk
    if moment.state == MomentState.PROPOSED:
        if not ahead:
            words = "Its time has passed"
        elif mine:
            words = "You suggested this"
        else:
            words = f"{partner} suggested this"
    elif moment.state == MomentState.ACCEPTED:
        words = "Planned" if ahead else "Now past"
    elif moment.state == MomentState.OFF:
        # Called off stays off: another moment needs both to say yes again.
        words = "Called off"
    else:
        words = MomentState(moment.state).label
    return MomentRow(
        moment=moment,
        state_words=words,
        may_answer=moment.state == MomentState.PROPOSED and ahead and not mine,
        may_call_off=ahead and moment.state in (MomentState.PROPOSED, MomentState.ACCEPTED),
    )


def paused_context(user: User, problem: str = "") -> dict[str, Any]:
    """While the path is paused: "paused for now", and nothing else, for whoever didn't
    pause it; the one who did may resume."""
    return {"state": services.path_state(user), "problem": problem}


# -- the overview ----------------------------------------------------------------------------


def _slow_down_context(user: User) -> dict[str, Any]:
    current = services.slow_down(user)
    if current is None:
        return {"slow": None, "slow_kind": "none"}
    if current.state == SlowDownState.ACTIVE:
        kind = "active"
    elif current.proposed_by_id == user.pk:
        kind = "mine"
    else:
        kind = "theirs"
    return {"slow": current, "slow_kind": kind, "slow_tiers": tiers_up_to(current.up_to_tier)}


def _open_path_forms(
    user: User,
    context: dict[str, Any],
    propose_form: ProposeSlowDownForm | None,
    extend_form: ExtendSlowDownForm | None,
    email_form: EmailSettingForm | None,
) -> dict[str, Any]:
    """The overview's three forms, fresh where none came back with a problem, and the
    problem of a slow-down form that can't be shown beside it (the slow-down changed since)."""
    slow = context["slow"]
    if email_form is None:
        on = services.setting_for(user).email_checkins
        email_form = EmailSettingForm(initial={"email": EMAIL_ON if on else "off"})
    if propose_form is None:
        propose_form = ProposeSlowDownForm()
    if extend_form is None and slow is not None:
        extend_form = ExtendSlowDownForm(initial={"slow_down": slow.pk})
    shown = {"none": propose_form, "active": extend_form}.get(context["slow_kind"])
    stray = [f for f in (propose_form, extend_form) if f is not None and f is not shown]
    return {
        "slow_problem": next((first_error(f) for f in stray if f.errors), ""),
        "propose_form": propose_form,
        "extend_form": extend_form,
        "email_form": email_form,
    }


def index_context(
    ring: Keyring,
    user: User,
    *,
    propose_form: ProposeSlowDownForm | None = None,
    extend_form: ExtendSlowDownForm | None = None,
    email_form: EmailSettingForm | None = None,
) -> dict[str, Any]:
    paired = couples.partner_of(user) is not None
    state = services.path_state(user)
    partner = partner_name(user)
    context: dict[str, Any] = {"state": state, "paired": paired, "partner": partner}
    if not paired or state != services.OPEN:
        # None of the forms is on the page now, so a problem with one is said on its own.
        bound = [f for f in (propose_form, extend_form, email_form) if f is not None]
        context["problem"] = next((first_error(f) for f in bound if f.errors), "")
        return context

    shared = services.shared_yes(ring) or []
    now = timezone.now()
    context.update(_slow_down_context(user))
    context.update(_open_path_forms(user, context, propose_form, extend_form, email_form))
    lists = services.moment_lists(user)
    context.update(
        {
            "shared_groups": by_tier(shared),
            "consent_due": [moment_row(user, m, partner, now) for m in lists.consent_due],
            "moments": [moment_row(user, m, partner, now) for m in lists.upcoming],
            "aftercare_due": lists.aftercare_due,
        }
    )
    return context


# -- one's own answers and steps -------------------------------------------------------------


@dataclass(frozen=True)
class TierSection:
    """One kind of closeness on "My answers", in a section that opens and closes."""

    tier: Tier
    steps: list[Any]
    open: bool


@dataclass(frozen=True)
class StepRow:
    step: Step
    answer: Any  # the bound radios
    hide: Any  # the bound "hide from my list" box
    removable: UUID | None  # an own step this person added: the id to remove it by


def _has_errors(rows: list[StepRow]) -> bool:
    return any(r.answer.errors or r.hide.errors for r in rows)


def mine_context(
    ring: Keyring,
    user: User,
    *,
    form: AnswersForm | None = None,
    add_form: AddStepForm | None = None,
) -> dict[str, Any]:
    """One's own answers, by tier, with the steps one hid apart and one's own steps."""
    steps = services.all_steps(ring)
    mine = services.my_answers(ring)
    added_by_me = {s.key: s.pk for s in services.own_steps(ring) if s.author_id == user.pk}
    if form is None:
        form = AnswersForm(initial=AnswersForm.initial_for(steps, mine), steps=steps)
    if add_form is None:
        add_form = AddStepForm(initial={"token": uuid4()})
    rows = [
        StepRow(s, form[answer_name(s)], form[hide_name(s)], added_by_me.get(s.key))
        for s in form.steps
    ]
    # The layout follows what is saved, so a box ticked but not saved doesn't move its step.
    shown = [r for r in rows if r.step.key not in mine.hidden]
    hidden_rows = [r for r in rows if r.step.key in mine.hidden]
    groups = []
    for t in TIERS:
        in_tier = [r for r in shown if r.step.tier == t.key]
        groups.append(TierSection(t, in_tier, open=t is TIERS[0] or _has_errors(in_tier)))
    return {
        "form": form,
        "groups": groups,
        "hidden_rows": hidden_rows,
        "hidden_open": _has_errors(hidden_rows),
        "removable": [r for r in rows if r.removable],
        "add_form": add_form,
        "paired": couples.partner_of(user) is not None,
    }


# -- planned moments -------------------------------------------------------------------------


def plan_context(user: User, form: PlanForm | None, problem: str = "") -> dict[str, Any]:
    return {"form": form, "problem": problem, "partner": partner_name(user)}


def _due(moments: list[Moment], moment: Moment) -> bool:
    return any(m.pk == moment.pk for m in moments)


def moment_context(ring: Keyring, user: User, moment: Moment) -> dict[str, Any]:
    partner = partner_name(user)
    return {
        "row": moment_row(user, moment, partner, timezone.now()),
        "steps": services.visible_steps(ring, moment),
        "consent_due": _due(services.consent_due(user), moment),
        "aftercare_due": _due(services.aftercare_due(user), moment),
        "noted": services.my_aftercare(ring, moment) is not None,
        "partner": partner,
    }


def aftercare_context(
    ring: Keyring, user: User, moment: Moment, form: AftercareForm | None
) -> dict[str, Any]:
    """The private "how was it for you": what was kept, and the form while it may be noted."""
    saved = services.my_aftercare(ring, moment)
    plain = saved.plain if saved is not None and not saved.unreadable else {}
    feeling = str(plain.get("feeling") or "")
    note = str(plain.get("note") or "")
    may_note = saved is not None or _due(services.aftercare_due(user), moment)
    if form is None and may_note:
        form = AftercareForm(initial={"feeling": feeling or None, "note": note})
    return {
        "moment": moment,
        "form": form,
        "saved": saved is not None,
        "feeling": feeling,
        "feeling_words": dict(Feeling.choices).get(feeling, ""),
        "note": note,
        "slow_down": feeling == Feeling.SLOW_DOWN,
    }
