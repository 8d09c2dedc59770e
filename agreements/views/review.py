"""The monthly review: each partner privately marks each agreement in effect keep, revise or
retire, with an optional note; once both have finished, the answers show side by side.

Thin on purpose: parse with a form, call `agreements.services` (which decides every rule
again, and seals each answer until both have finished), render. Works without JavaScript;
every POST redirects once it has done its work. Messages never carry what anyone wrote.
Nothing of the partner's answers reaches this page before the review is finished: their
answers are read only through `services.review_results`, and only then.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from agreements import services
from agreements.models import Review
from agreements.presenters.review import (
    FIELD_TROUBLE,
    partner_name,
    result_cards,
    review_items,
    said_of,
)
from agreements.review_forms import ReviewForm, review_initial
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user


def _month(user: User, review: Review | None) -> date:
    return review.month if review is not None else services.month_of(services.local_today(user))


def _render(
    request: HtmxHttpRequest,
    *,
    form: ReviewForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    ring = keyring_for(request)
    review = services.find_review(user)
    partner = partner_name(user)
    context: dict[str, Any] = {
        "partner": partner,
        "month": _month(user, review),
        "problems": problems or [],
    }
    if review is not None and review.finished_at is not None:
        context |= {"state": "done", "results": result_cards(ring, review, partner)}
        return render(request, "agreements/review.html", context, status=status)
    items = review_items(ring, user) if form is None else form.items
    if services.has_finished(user, review):
        mine = services.my_answers(ring, review)
        context |= {
            "state": "waiting",
            "mine": [(item, said_of(mine.get(item.agreement.pk), partner)) for item in items],
        }
    elif not items:
        context["state"] = "nothing"
    else:
        if form is None:
            form = ReviewForm(
                items=items, initial=review_initial(services.my_answers(ring, review))
            )
        context |= {"state": "answering", "form": form}
    return render(request, "agreements/review.html", context, status=status)


def _refused(request: HtmxHttpRequest, form: ReviewForm, problem: str = "") -> HttpResponse:
    """Bad input: the page again with the reason, everything typed kept, nothing saved."""
    problems = [problem] if problem else [str(e) for e in form.non_field_errors()]
    if not problems:
        problems = [FIELD_TROUBLE]
    return _render(request, form=form, problems=problems, status=400)


@require_http_methods(["GET", "POST"])
def review(request: HtmxHttpRequest) -> HttpResponse:
    """This month's review: the form, the wait for the partner, or the results."""
    if request.method != "POST":
        return _render(request)
    user = signed_in_user(request)
    ring = keyring_for(request)
    form = ReviewForm(request.POST, items=review_items(ring, user))
    if not form.is_valid():
        return _refused(request, form)
    answers = form.answers()
    if not answers:
        messages.info(request, "Nothing was chosen yet, so there was nothing to save.")
        return redirect("agreements:review")
    try:
        services.save_review_answers(ring, answers)
    except services.AgreementProblem as problem:
        return _refused(request, form, str(problem))
    messages.success(
        request,
        "Saved for now. Your answers stay private until you have both finished.",
    )
    return redirect("agreements:review")


@require_POST
def finish(request: HtmxHttpRequest) -> HttpResponse:
    """Save what this form holds, then finish one's part. A second submit changes nothing."""
    user = signed_in_user(request)
    ring = keyring_for(request)
    if services.has_finished(user, services.find_review(user)):
        return _already_finished(request)
    items = review_items(ring, user)
    if not items:
        messages.info(request, "There are no agreements in effect to review this month.")
        return redirect("agreements:review")
    form = ReviewForm(request.POST, items=items)
    if not form.is_valid():
        return _refused(request, form)
    answers = form.answers()
    try:
        done = services.save_and_finish_review(ring, answers)
    except services.AgreementProblem as problem:
        if services.has_finished(user, services.find_review(user)):
            return _already_finished(request)  # the other submit of a double click won
        return _refused(request, form, str(problem))
    if done.finished_at is not None:
        messages.success(
            request, "You've both finished. Here is this month's review, side by side."
        )
    else:
        messages.success(
            request,
            f"Thank you. Your part is done; {partner_name(user)} can finish theirs "
            "whenever they're ready.",
        )
    return redirect("agreements:review")


def _already_finished(request: HtmxHttpRequest) -> HttpResponse:
    messages.info(request, "You had already finished this month's review, so nothing changed.")
    return redirect("agreements:review")
