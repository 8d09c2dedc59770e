"""Making, changing, marking and noticing commitments.

Thin on purpose: parse with a form, call `commitments.services`, render. Every page works
without JavaScript, and every POST redirects once it has done its work. Messages never
carry what a person wrote: they live in the session, which isn't encrypted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from commitments import occurrences, services
from commitments.feed import refresh_feed_titles
from commitments.forms import (
    ChangeCadenceForm,
    EditForm,
    NewCommitmentForm,
    NoticedForm,
    OutcomeForm,
    RhythmsForm,
    StatusForm,
    describe_rule,
)
from commitments.models import Commitment, Kind, Outcome, Result, Status
from commitments.occurrences import Rule
from couples import services as couples
from privacy import entries, rules
from privacy.access import changeable_or_404, visible_or_404
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user

# How far back the commitment page lists occasions: about five weeks.
HISTORY_DAYS = 34

STATE_WORDS = {
    Result.KEPT: "Kept",
    Result.PARTLY: "Partly kept",
    Result.MISSED: "Missed",
    "open": "Not marked yet",
}

THANKS = {
    Result.KEPT: "Marked as kept.",
    Result.PARTLY: "Marked as partly kept. Thank you for being honest about it.",
    Result.MISSED: "Marked as missed. Thank you for being honest about it.",
}

STATUS_DONE = {
    Status.ACTIVE: "It's active again.",
    Status.PAUSED: "Paused. Nothing is asked of you while it rests; resume it when you're ready.",
    Status.RETIRED: "Retired. Its history stays, and you can bring it back at any time.",
}


SUGGESTED_DONE = (
    "Suggested. It starts once your partner says yes too; until then nothing is asked of "
    "either of you."
)


def current_rule(commitment: Commitment) -> Rule | None:
    """The cadence in force from now on (the latest schedule; schedules are prefetched)."""
    schedules = list(commitment.schedules.all())
    return Rule.of(schedules[-1]) if schedules else None


def schedule_words(commitment: Commitment) -> str:
    rule = current_rule(commitment)
    return describe_rule(rule, commitment.starts_on) if rule else ""


@dataclass
class Row:
    """One commitment in a list, with its cadence in words."""

    commitment: Commitment
    schedule: str


@dataclass
class Mark:
    by: str
    note: str | None
    mine: bool


@dataclass
class OccasionRow:
    day: date
    state: str
    state_words: str
    outcome: Outcome | None
    marks: list[Mark] = field(default_factory=list)
    url: str = ""


def _names(user: User) -> dict[object, str]:
    """Who wrote a mark: this person or their partner, without a query per mark."""
    partner = couples.partner_of(user)
    names: dict[object, str] = {user.pk: "You"}
    if partner is not None:
        names[partner.pk] = partner.display_name
    return names


def _occasion_rows(
    request: HtmxHttpRequest, commitment: Commitment, window: tuple[date, date]
) -> list[OccasionRow]:
    user = signed_in_user(request)
    found = services.occasions(user, window, commitments=[commitment], ring=keyring_for(request))
    opened: list[entries.Entry] = [o.outcome for o in found if o.outcome is not None]
    opened += [n for o in found for n in o.noticed]
    entries.reveal(opened, keyring_for(request))
    names = _names(user)
    return [
        OccasionRow(
            day=o.day,
            state=o.state,
            state_words=STATE_WORDS.get(o.state, o.state),
            outcome=o.outcome,
            marks=[
                Mark(
                    names.get(n.author_id, "Your partner"),
                    n.plain.get("note"),
                    mine=n.author_id == user.pk,
                )
                for n in o.noticed
            ],
            url=reverse("commitments:occasion", args=[commitment.pk, o.day]),
        )
        for o in found
    ]


def _who_may(user: User, commitment: Commitment) -> dict[str, bool]:
    """What the page offers; the services decide again on every POST."""
    return {
        "is_own": rules.is_author(user, commitment),
        "may_change": rules.may_change(user, commitment),
        "may_mark": services.may_mark(user, commitment),
        "may_notice": rules.may_notice(user, commitment),
    }


# -- the list and making a commitment ----------------------------------------------------------


@require_http_methods(["GET"])
def commitment_list(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    found = list(services.visible_commitments(user))
    entries.reveal(found, keyring_for(request))
    rows = [Row(c, schedule_words(c)) for c in found]
    context = {
        "mine": [r for r in rows if not r.commitment.joint and r.commitment.author_id == user.pk],
        "theirs": [r for r in rows if not r.commitment.joint and r.commitment.author_id != user.pk],
        "ours": [r for r in rows if r.commitment.joint and r.commitment.status != Status.SUGGESTED],
        "suggestions": [
            Row(c, schedule_words(c)) for c in rows_suggested(user, [r.commitment for r in rows])
        ],
        "partner": couples.partner_of(user),
    }
    return render(request, "commitments/list.html", context)


def rows_suggested(user: User, shown: list[Commitment]) -> list[Commitment]:
    return [c for c in shown if c.joint and c.status == Status.SUGGESTED]


@require_http_methods(["GET", "POST"])
def new_commitment(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    partner = couples.partner_of(user)
    today = services.local_today(user)
    form = NewCommitmentForm(request.POST or None, partner=partner, today=today)
    if request.method == "POST":
        if form.is_valid():
            try:
                made = services.create_commitment(
                    keyring_for(request),
                    title=form.cleaned_data["title"],
                    details=form.cleaned_data["details"],
                    rule=form.rule(),
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    shared=form.shared,
                )
            except services.CommitmentProblem as problem:
                form.add_error(None, str(problem))
            else:
                refresh_feed_titles(keyring_for(request))
                messages.success(request, "Your commitment is made.")
                return redirect("commitments:detail", made.pk)
        return render(
            request, "commitments/new.html", {"form": form, "partner": partner}, status=422
        )
    return render(request, "commitments/new.html", {"form": form, "partner": partner})


# -- one commitment: reading it, and changing it ----------------------------------------------


def _render_detail(
    request: HtmxHttpRequest,
    commitment: Commitment,
    *,
    edit_form: EditForm | None = None,
    cadence_form: ChangeCadenceForm | None = None,
    problem: str = "",
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    prefetch_related_objects([commitment], "schedules")
    entries.reveal([commitment], keyring_for(request))
    today = services.local_today(user)
    rule = current_rule(commitment)
    readable = not (commitment.unreadable or commitment.waiting)
    if edit_form is None and readable:
        edit_form = EditForm(
            initial={
                "title": commitment.plain.get("title"),
                "details": commitment.plain.get("details"),
                "ends_on": commitment.ends_on,
                "revision": commitment.revision,
            },
            auto_id="edit_%s",
        )
    if cadence_form is None:
        initial: dict[str, Any] = ChangeCadenceForm.initial_for(rule) if rule else {}
        cadence_form = ChangeCadenceForm(
            initial={**initial, "revision": commitment.revision},
            auto_id="cadence_%s",
            allow_once=False,
        )
    upcoming: list[date] = []
    if commitment.status == Status.ACTIVE:
        upcoming = occurrences.dates_between(
            list(commitment.schedules.all()),
            commitment.starts_on,
            commitment.ends_on,
            (today + timedelta(days=1), today + timedelta(days=400)),
        )[:1]
    history = _occasion_rows(request, commitment, (today - timedelta(days=HISTORY_DAYS), today))
    context = {
        "commitment": commitment,
        "readable": readable,
        "schedule": describe_rule(rule, commitment.starts_on) if rule else "",
        "history": list(reversed(history)),
        "next_day": upcoming[0] if upcoming else None,
        "today": today,
        "edit_form": edit_form,
        "cadence_form": cadence_form,
        "problem": problem,
        "stale": stale,
        "partner": couples.partner_of(user),
        "suggestion_row": Row(commitment, describe_rule(rule, commitment.starts_on) if rule else "")
        if commitment.status == Status.SUGGESTED
        else None,
        **_who_may(user, commitment),
    }
    return render(request, "commitments/detail.html", context, status=status)


@require_http_methods(["GET"])
def detail(request: HtmxHttpRequest, commitment_id: UUID) -> HttpResponse:
    commitment = visible_or_404(Commitment, signed_in_user(request), commitment_id)
    return _render_detail(request, commitment)


def _with_revision(data: QueryDict, revision: int) -> QueryDict:
    """What the person typed, set on the commitment's current version so it can be sent again."""
    kept = data.copy()
    kept["revision"] = str(revision)
    return kept


@require_POST
def edit(request: HtmxHttpRequest, commitment_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    commitment = changeable_or_404(Commitment, user, commitment_id)
    form = EditForm(request.POST, auto_id="edit_%s")
    if not form.is_valid():
        return _render_detail(request, commitment, edit_form=form, status=422)
    try:
        services.edit_commitment(
            keyring_for(request),
            commitment,
            expected_revision=form.cleaned_data["revision"],
            title=form.cleaned_data["title"],
            details=form.cleaned_data["details"],
            ends_on=form.cleaned_data["ends_on"],
        )
    except services.StaleEdit as stale:
        again = EditForm(_with_revision(request.POST, stale.current.revision), auto_id="edit_%s")
        again.is_valid()
        return _render_detail(
            request, stale.current, edit_form=again, problem=str(stale), stale=True, status=409
        )
    except (services.CommitmentProblem, entries.NotReady) as problem:
        form.add_error(None, str(problem))
        fresh = changeable_or_404(Commitment, user, commitment_id)
        return _render_detail(request, fresh, edit_form=form, status=422)
    refresh_feed_titles(keyring_for(request))
    messages.success(request, "Saved.")
    return redirect("commitments:detail", commitment.pk)


@require_POST
def cadence(request: HtmxHttpRequest, commitment_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    commitment = changeable_or_404(Commitment, user, commitment_id)
    form = ChangeCadenceForm(request.POST, auto_id="cadence_%s", allow_once=False)
    if not form.is_valid():
        return _render_detail(request, commitment, cadence_form=form, status=422)
    try:
        services.change_cadence(
            keyring_for(request),
            commitment,
            expected_revision=form.cleaned_data["revision"],
            rule=form.rule(),
        )
    except services.StaleEdit as stale:
        again = ChangeCadenceForm(
            _with_revision(request.POST, stale.current.revision),
            auto_id="cadence_%s",
            allow_once=False,
        )
        again.is_valid()
        return _render_detail(
            request, stale.current, cadence_form=again, problem=str(stale), stale=True, status=409
        )
    except services.CommitmentProblem as problem:
        form.add_error(None, str(problem))
        fresh = changeable_or_404(Commitment, user, commitment_id)
        return _render_detail(request, fresh, cadence_form=form, status=422)
    refresh_feed_titles(keyring_for(request))
    messages.success(request, "The new rhythm applies from today on. Past days keep how they went.")
    return redirect("commitments:detail", commitment.pk)


@require_POST
def status(request: HtmxHttpRequest, commitment_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    commitment = changeable_or_404(Commitment, user, commitment_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render_detail(
            request, commitment, problem="That change couldn't be made.", status=422
        )
    try:
        services.set_status(
            commitment,
            form.cleaned_data["status"],
            expected_revision=form.cleaned_data["revision"],
            by=user,
        )
    except services.StaleEdit as stale:
        return _render_detail(request, stale.current, problem=str(stale), stale=True, status=409)
    except services.CommitmentProblem as problem:
        return _render_detail(request, commitment, problem=str(problem), status=422)
    refresh_feed_titles(keyring_for(request))
    if commitment.status == Status.SUGGESTED:
        messages.success(request, SUGGESTED_DONE)
    else:
        messages.success(request, STATUS_DONE[Status(form.cleaned_data["status"])])
    return redirect("commitments:detail", commitment.pk)


# -- one occasion: marking it, and noticing it ------------------------------------------------


def _render_occasion(
    request: HtmxHttpRequest,
    commitment: Commitment,
    on_date: date,
    *,
    outcome_form: OutcomeForm | None = None,
    noticed_form: NoticedForm | None = None,
    status: int | None = None,
) -> HttpResponse:
    user = signed_in_user(request)
    prefetch_related_objects([commitment], "schedules")
    entries.reveal([commitment], keyring_for(request))
    rows = _occasion_rows(request, commitment, (on_date, on_date))
    row = rows[0] if rows else None
    on_cadence = occurrences.falls_on(
        list(commitment.schedules.all()), commitment.starts_on, commitment.ends_on, on_date
    )
    exists = row is not None or on_cadence
    today = services.local_today(user)
    outcome = row.outcome if row else None
    if outcome_form is None:
        outcome_form = OutcomeForm(
            initial={
                "result": outcome.outcome_result if outcome else None,
                "in_the_way": outcome.plain.get("in_the_way") if outcome else None,
                "will_change": outcome.plain.get("will_change") if outcome else None,
            }
        )
    mine = next((m for m in (row.marks if row else []) if m.mine), None)
    if noticed_form is None:
        noticed_form = NoticedForm(initial={"note": mine.note if mine else None})
    may = _who_may(user, commitment)
    open_to_marks = exists and on_date <= today
    context = {
        "commitment": commitment,
        "on_date": on_date,
        "row": row,
        "exists": exists,
        "future": on_date > today,
        "today": today,
        "outcome_form": outcome_form,
        "noticed_form": noticed_form,
        "noticed_already": mine is not None,
        "show_outcome_form": may["may_mark"] and open_to_marks,
        "show_noticed_form": may["may_notice"] and open_to_marks,
        "back": "today" if request.GET.get("back", request.POST.get("back")) == "today" else "",
        **may,
    }
    return render(
        request,
        "commitments/occasion.html",
        context,
        status=status if status is not None else (200 if exists else 404),
    )


@require_http_methods(["GET", "POST"])
def occasion(request: HtmxHttpRequest, commitment_id: UUID, on_date: date) -> HttpResponse:
    commitment = visible_or_404(Commitment, signed_in_user(request), commitment_id)
    if request.method == "GET":
        return _render_occasion(request, commitment, on_date)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        return _render_occasion(request, commitment, on_date, outcome_form=form, status=422)
    result = form.cleaned_data["result"]
    try:
        services.record_outcome(
            keyring_for(request),
            commitment,
            on_date,
            result,
            in_the_way=form.cleaned_data["in_the_way"],
            will_change=form.cleaned_data["will_change"],
        )
    except (services.CommitmentProblem, entries.NotReady) as problem:
        form.add_error(None, str(problem))
        return _render_occasion(request, commitment, on_date, outcome_form=form, status=422)
    return _after_marking(request, commitment, on_date, Result(result))


def _after_marking(
    request: HtmxHttpRequest, commitment: Commitment, on_date: date, result: Result
) -> HttpResponse:
    """Keep the person's place. From Today: htmx swaps just the card; without JavaScript
    the redirect lands on the card's anchor. A miss from Today then offers its optional
    questions, and answering them comes back to the same card."""
    user = signed_in_user(request)
    from_today = request.POST.get("back") == "today"
    marked = services.occasion_on(user, commitment, on_date, keyring_for(request))
    anchor = f"occ-{marked.anchor}" if marked else ""
    if from_today and request.htmx and marked is not None:
        entries.reveal([marked.commitment], keyring_for(request))
        response = render(
            request,
            "commitments/_today_occasion.html",
            {"o": marked, "just_marked": THANKS[result]},
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    if from_today:
        quick = "in_the_way" not in request.POST  # the three buttons, not the full form
        if quick and result != Result.KEPT:
            messages.success(
                request,
                THANKS[result] + " If you'd like, say what got in the way and what you'll "
                "change; both are optional.",
            )
            here = reverse("commitments:occasion", args=[commitment.pk, on_date])
            return redirect(f"{here}?back=today")
        messages.success(request, THANKS[result])
        return redirect(f"{reverse('today')}#{anchor}")
    messages.success(request, THANKS[result])
    return redirect(f"{reverse('commitments:detail', args=[commitment.pk])}#day-{on_date:%Y%m%d}")


@require_POST
def noticed(request: HtmxHttpRequest, commitment_id: UUID, on_date: date) -> HttpResponse:
    commitment = visible_or_404(Commitment, signed_in_user(request), commitment_id)
    form = NoticedForm(request.POST)
    if not form.is_valid():
        return _render_occasion(request, commitment, on_date, noticed_form=form, status=422)
    try:
        services.notice(keyring_for(request), commitment, on_date, form.cleaned_data["note"])
    except (services.CommitmentProblem, entries.NotReady) as problem:
        form.add_error(None, str(problem))
        return _render_occasion(request, commitment, on_date, noticed_form=form, status=422)
    messages.success(
        request, f"Thank you for noticing. {commitment.author.display_name} will see it."
    )
    return redirect("commitments:occasion", commitment.pk, on_date)


# -- the practice rhythms -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def rhythms(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    partner = couples.partner_of(user)
    now = services.current_rhythms(user)
    waiting = services.rhythm_suggestions(user)
    entries.reveal(waiting, keyring_for(request))
    mine_waiting = {c.kind: c for c in waiting if c.suggested_by_id == user.pk}
    conversation_c = now.conversation or mine_waiting.get(Kind.CONVERSATION)
    review_c = now.review or mine_waiting.get(Kind.REVIEW)
    conversation = current_rule(conversation_c) if conversation_c else None
    review = current_rule(review_c) if review_c else None
    initial = {
        "checkin": now.checkin is not None,
        "conversation_weekday": conversation.weekdays[0]
        if conversation and conversation.weekdays
        else "",
        "review_day": review.month_day if review and review.month_day else "",
    }
    form = RhythmsForm(request.POST or None, paired=partner is not None, initial=initial)
    context = {
        "form": form,
        "partner": partner,
        "suggestions": [Row(c, schedule_words(c)) for c in waiting],
    }
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_rhythms(
                    keyring_for(request),
                    checkin=form.cleaned_data["checkin"],
                    conversation_weekday=form.cleaned_data.get("conversation_weekday"),
                    review_day=form.cleaned_data.get("review_day"),
                )
            except services.CommitmentProblem as problem:
                form.add_error(None, str(problem))
            else:
                refresh_feed_titles(keyring_for(request))
                waits = [
                    c for c in services.rhythm_suggestions(user) if c.suggested_by_id == user.pk
                ]
                if waits and partner is not None:
                    messages.success(
                        request,
                        f"Your rhythms are set. What you suggested for the two of you starts "
                        f"once {partner.display_name} says yes too.",
                    )
                else:
                    messages.success(request, "Your rhythms are set.")
                return redirect("commitments:list")
        return render(request, "commitments/rhythms.html", context, status=422)
    return render(request, "commitments/rhythms.html", context)


@require_POST
def suggestion(request: HtmxHttpRequest, commitment_id: UUID) -> HttpResponse:
    """The partner a joint rhythm was suggested to: yes, or not now. Never an error page."""
    user = signed_in_user(request)
    rhythm = changeable_or_404(Commitment, user, commitment_id)
    answer = request.POST.get("answer")
    back = "today" if request.POST.get("back") == "today" else "commitments:list"
    if answer not in {"yes", "no"}:
        messages.error(request, "That answer isn't one Tending offers; nothing changed.")
        return redirect(back)
    try:
        services.answer_suggestion(keyring_for(request), rhythm, accept=answer == "yes")
    except services.CommitmentProblem as problem:
        messages.info(request, str(problem))
        return redirect(back)
    refresh_feed_titles(keyring_for(request))
    if answer == "yes":
        messages.success(request, "It's on, for both of you, from today.")
    else:
        messages.info(
            request, "Not now, then. Nothing starts, and either of you can suggest it again."
        )
    return redirect(back)
