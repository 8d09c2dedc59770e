"""The closeness path: the overview, one's own answers, own steps, pausing, slowing down and
the email choice.

Thin on purpose: parse with a form, call `closeness.services` (which decides every rule
again), render. What a page may show about the partner's answers is only the shared yes
(`services.shared_yes`); nothing else here reads, counts or hints at them, so a partner's
page is the same, byte for byte, whatever their non-yes answers are. Messages never carry
step words or times (the session isn't encrypted). Forms that were typed into come back
with a 400 and the typed values; one-tap buttons come back with a message and a redirect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from closeness import services
from closeness.forms import (
    EMAIL_ON,
    NOT_OFFERED,
    AddStepForm,
    AnswersForm,
    EmailSettingForm,
    ExtendSlowDownForm,
    ProposeSlowDownForm,
    SlowDownAnswerForm,
    answer_name,
    hide_name,
    tiers_up_to,
)
from closeness.models import Moment, MomentState, OwnStep, SlowDownState
from closeness.steps import TIERS, Step, Tier
from couples import services as couples
from privacy.access import visible_or_404
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user

# -- pieces the moment pages share --------------------------------------------------------


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


def render_paused(
    request: HtmxHttpRequest, *, problem: str = "", status: int = 200
) -> HttpResponse:
    """While the path is paused: "paused for now", and nothing else, for whoever didn't
    pause it; the one who did may resume."""
    state = services.path_state(signed_in_user(request))
    context = {"state": state, "problem": problem}
    return render(request, "closeness/paused.html", context, status=status)


def back_to(request: HtmxHttpRequest, default: str = "closeness:index") -> HttpResponse:
    """Where a one-tap button returns to: the overview, or the page it was on."""
    if request.POST.get("back") == "index":
        return redirect("closeness:index")
    return redirect(default)


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


def _first_error(form: Any) -> str:
    return str(next(iter(form.errors.values()))[0])


def _render_index(
    request: HtmxHttpRequest,
    *,
    propose_form: ProposeSlowDownForm | None = None,
    extend_form: ExtendSlowDownForm | None = None,
    email_form: EmailSettingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    ring = keyring_for(request)
    paired = couples.partner_of(user) is not None
    state = services.path_state(user)
    partner = partner_name(user)
    context: dict[str, Any] = {"state": state, "paired": paired, "partner": partner}
    if not paired or state != services.OPEN:
        # None of the forms is on the page now, so a problem with one is said on its own.
        bound = [f for f in (propose_form, extend_form, email_form) if f is not None]
        context["problem"] = next((_first_error(f) for f in bound if f.errors), "")
        return render(request, "closeness/index.html", context, status=status)

    shared = services.shared_yes(ring) or []
    now = timezone.now()
    context.update(_slow_down_context(user))
    slow = context["slow"]
    if email_form is None:
        on = services.setting_for(user).email_checkins
        email_form = EmailSettingForm(initial={"email": EMAIL_ON if on else "off"})
    if propose_form is None:
        propose_form = ProposeSlowDownForm()
    if extend_form is None and slow is not None:
        extend_form = ExtendSlowDownForm(initial={"slow_down": slow.pk})
    # A slow-down form whose problem can't be shown beside it: the slow-down changed since.
    shown = {"none": propose_form, "active": extend_form}.get(context["slow_kind"])
    stray = [f for f in (propose_form, extend_form) if f is not None and f is not shown]
    context["slow_problem"] = next((_first_error(f) for f in stray if f.errors), "")
    lists = services.moment_lists(user)
    context.update(
        {
            "shared_groups": by_tier(shared),
            "consent_due": [moment_row(user, m, partner, now) for m in lists.consent_due],
            "moments": [moment_row(user, m, partner, now) for m in lists.upcoming],
            "aftercare_due": lists.aftercare_due,
            "propose_form": propose_form,
            "extend_form": extend_form,
            "email_form": email_form,
        }
    )
    return render(request, "closeness/index.html", context, status=status)


@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    return _render_index(request)


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


def _render_mine(
    request: HtmxHttpRequest,
    *,
    form: AnswersForm | None = None,
    add_form: AddStepForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    ring = keyring_for(request)
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
    context = {
        "form": form,
        "groups": [
            TierSection(
                t,
                [r for r in shown if r.step.tier == t.key],
                open=t is TIERS[0]
                or any(r.answer.errors or r.hide.errors for r in shown if r.step.tier == t.key),
            )
            for t in TIERS
        ],
        "hidden_rows": hidden_rows,
        "hidden_open": any(r.answer.errors or r.hide.errors for r in hidden_rows),
        "removable": [r for r in rows if r.removable],
        "add_form": add_form,
        "paired": couples.partner_of(user) is not None,
    }
    return render(request, "closeness/mine.html", context, status=status)


@require_http_methods(["GET", "POST"])
def mine(request: HtmxHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_mine(request)
    ring = keyring_for(request)
    form = AnswersForm(request.POST, steps=services.all_steps(ring))
    if not form.is_valid():
        return _render_mine(request, form=form, status=400)
    try:
        services.save_answers(ring, form.answers(), form.hidden())
    except services.ClosenessProblem as problem:
        form.add_error(None, str(problem))
        return _render_mine(request, form=form, status=400)
    messages.success(
        request,
        "Saved. Your answers are yours alone; only what you both say yes to is shown to you both.",
    )
    return redirect("closeness:mine")


@require_POST
def add_step(request: HtmxHttpRequest) -> HttpResponse:
    form = AddStepForm(request.POST)
    if not form.is_valid():
        return _render_mine(request, add_form=form, status=400)
    data = form.cleaned_data
    try:
        services.add_step(keyring_for(request), data["words"], data["tier"], token=data["token"])
    except services.ClosenessProblem as problem:
        form.add_error(None, str(problem))
        return _render_mine(request, add_form=form, status=400)
    messages.success(request, "Added to both your lists, unanswered. Answer it whenever you like.")
    return redirect("closeness:mine")


@require_POST
def remove_step(request: HtmxHttpRequest, step_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    step = visible_or_404(OwnStep, user, step_id)
    try:
        services.remove_step(user, step)
    except services.ClosenessProblem as problem:
        messages.error(request, str(problem))
    else:
        messages.info(request, "Removed from both your lists.")
    return redirect("closeness:mine")


# -- pausing, slowing down, email ------------------------------------------------------------


@require_POST
def pause(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    action = request.POST.get("action")
    try:
        if action == "pause":
            services.pause(user)
            messages.info(
                request,
                "Paused. Any moments you'd planned are called off, and nothing here moves "
                "until you resume it.",
            )
        elif action == "resume":
            services.resume(user)
            if services.path_state(user) == services.OPEN:
                messages.info(request, "The path is open again, at whatever pace suits you both.")
            else:
                messages.info(request, "Your pause is lifted.")
        else:
            messages.error(request, NOT_OFFERED)
    except services.ClosenessProblem as problem:
        messages.error(request, str(problem))
    return redirect("closeness:index")


def _slow_down_answer(request: HtmxHttpRequest, action: str) -> HttpResponse:
    form = SlowDownAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _first_error(form))
        return redirect("closeness:index")
    user = signed_in_user(request)
    try:
        services.answer_slow_down(user, form.cleaned_data["slow_down"], action == "agree")
    except services.ClosenessProblem as problem:
        messages.error(request, str(problem))
    else:
        words = {
            "agree": "Agreed. The slow-down starts now; either of you can make it longer.",
            "decline": "Set aside for now. Nothing changes.",
            "withdraw": "Your suggestion is set aside.",
        }
        messages.info(request, words[action])
    return redirect("closeness:index")


@require_POST
def slow_down(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    action = request.POST.get("action", "")
    if action in {"agree", "decline", "withdraw"}:
        return _slow_down_answer(request, action)
    if action == "propose":
        propose = ProposeSlowDownForm(request.POST)
        if not propose.is_valid():
            return _render_index(request, propose_form=propose, status=400)
        try:
            services.propose_slow_down(
                user, propose.cleaned_data["up_to_tier"], propose.cleaned_data["weeks"]
            )
        except services.ClosenessProblem as problem:
            propose.add_error(None, str(problem))
            return _render_index(request, propose_form=propose, status=400)
        messages.info(request, "Suggested. It starts once your partner agrees too.")
        return redirect("closeness:index")
    if action == "extend":
        extend = ExtendSlowDownForm(request.POST)
        if not extend.is_valid():
            return _render_index(request, extend_form=extend, status=400)
        try:
            services.extend_slow_down(
                user, extend.cleaned_data["slow_down"], extend.cleaned_data["weeks"]
            )
        except services.ClosenessProblem as problem:
            extend.add_error(None, str(problem))
            return _render_index(request, extend_form=extend, status=400)
        messages.info(request, "The slow-down is longer now. Going slower never needs a yes.")
        return redirect("closeness:index")
    messages.error(request, NOT_OFFERED)
    return redirect("closeness:index")


@require_POST
def email_setting(request: HtmxHttpRequest) -> HttpResponse:
    form = EmailSettingForm(request.POST)
    if not form.is_valid():
        return _render_index(request, email_form=form, status=400)
    on = form.cleaned_data["email"] == EMAIL_ON
    services.save_setting(signed_in_user(request), email_checkins=on)
    if on:
        messages.info(request, "A short email will say when something is waiting, and no more.")
    else:
        messages.info(request, "Check-ins before a moment will wait for you in Tending only.")
    return redirect("closeness:index")
