"""Making, changing, marking and noticing commitments.

Thin on purpose: parse with a form, call `commitments.services`, render what
`commitments.presenters.promises` builds (the page's values and the line after each
change). Every page works without JavaScript, and every POST redirects once it has done
its work. Messages never carry what a person wrote: they live in the session, which isn't
encrypted.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from commitments import services
from commitments.feed import refresh_feed_titles
from commitments.forms import (
    ChangeCadenceForm,
    EditForm,
    NewCommitmentForm,
    NoticedForm,
    OutcomeForm,
    RhythmsForm,
    StatusForm,
)
from commitments.models import Commitment, Result, Status
from commitments.presenters import promises as presenters
from couples import services as couples
from privacy import entries
from privacy.access import changeable_or_404, visible_or_404
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user

# -- the list and making a commitment ----------------------------------------------------------


@require_http_methods(["GET"])
def commitment_list(request: HtmxHttpRequest) -> HttpResponse:
    context = presenters.list_context(keyring_for(request), signed_in_user(request))
    return render(request, "commitments/list.html", context)


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
                messages.success(request, presenters.MADE)
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
    context = presenters.detail_context(keyring_for(request), signed_in_user(request), commitment)
    if edit_form is None and context["readable"]:
        edit_form = EditForm(initial=presenters.edit_initial(commitment), auto_id="edit_%s")
    if cadence_form is None:
        cadence_form = ChangeCadenceForm(
            initial=presenters.cadence_initial(commitment),
            auto_id="cadence_%s",
            allow_once=False,
        )
    context |= {
        "edit_form": edit_form,
        "cadence_form": cadence_form,
        "problem": problem,
        "stale": stale,
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
    messages.success(request, presenters.SAVED)
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
    messages.success(request, presenters.CADENCE_CHANGED)
    return redirect("commitments:detail", commitment.pk)


@require_POST
def status(request: HtmxHttpRequest, commitment_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    commitment = changeable_or_404(Commitment, user, commitment_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, commitment, problem=presenters.STATUS_REFUSED, status=422)
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
        messages.success(request, presenters.SUGGESTED_DONE)
    else:
        messages.success(request, presenters.STATUS_DONE[Status(form.cleaned_data["status"])])
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
    context = presenters.occasion_context(
        keyring_for(request), signed_in_user(request), commitment, on_date
    )
    if outcome_form is None:
        outcome_form = OutcomeForm(initial=presenters.outcome_initial(context["row"]))
    if noticed_form is None:
        noticed_form = NoticedForm(initial=presenters.noticed_initial(context["row"]))
    context |= {
        "outcome_form": outcome_form,
        "noticed_form": noticed_form,
        "back": "today" if request.GET.get("back", request.POST.get("back")) == "today" else "",
    }
    return render(
        request,
        "commitments/occasion.html",
        context,
        status=status if status is not None else (200 if context["exists"] else 404),
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
        response = render(
            request,
            "commitments/_today_occasion.html",
            presenters.today_card_context(keyring_for(request), marked, result),
        )
        patch_vary_headers(response, ["HX-Request"])
        return response
    if from_today:
        quick = "in_the_way" not in request.POST  # the three buttons, not the full form
        if quick and result != Result.KEPT:
            messages.success(request, presenters.marked_words(result, asking_more=True))
            here = reverse("commitments:occasion", args=[commitment.pk, on_date])
            return redirect(f"{here}?back=today")
        messages.success(request, presenters.marked_words(result))
        return redirect(f"{reverse('today')}#{anchor}")
    messages.success(request, presenters.marked_words(result))
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
    messages.success(request, presenters.noticed_words(commitment))
    return redirect("commitments:occasion", commitment.pk, on_date)


# -- the practice rhythms -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def rhythms(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    partner = couples.partner_of(user)
    page = presenters.rhythms_page(keyring_for(request), user)
    form = RhythmsForm(request.POST or None, paired=partner is not None, initial=page.initial)
    context = {"form": form, "partner": partner, "suggestions": page.suggestions}
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
                messages.success(request, presenters.rhythms_set_words(user, partner))
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
        messages.error(request, presenters.NO_SUCH_ANSWER)
        return redirect(back)
    try:
        services.answer_suggestion(keyring_for(request), rhythm, accept=answer == "yes")
    except services.CommitmentProblem as problem:
        messages.info(request, str(problem))
        return redirect(back)
    refresh_feed_titles(keyring_for(request))
    if answer == "yes":
        messages.success(request, presenters.SUGGESTION_TAKEN)
    else:
        messages.info(request, presenters.SUGGESTION_NOT_NOW)
    return redirect(back)
