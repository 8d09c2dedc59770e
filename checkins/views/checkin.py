"""The daily check-in: today's, a missed day filled in late, the history, and sharing.

Thin on purpose: parse with a form, call `checkins.services` (which decides every rule
again), render. Every page works without JavaScript and every POST redirects once it has
done its work. Messages never carry what a person wrote or rated: they live in the
session, which isn't encrypted. A check-in is never scored or compared: the partner's
shared ones are listed on their own, as their view of their own days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Page
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import User
from checkins import services
from checkins.forms import CheckInForm, SharingPreferenceForm
from checkins.models import LATE_DAYS, CheckIn, HardDay
from couples import services as couples
from privacy import entries
from privacy.keyring import keyring_for
from privacy.sharing import change_sharing
from tending.http import HtmxHttpRequest, signed_in_user
from tending.paging import page_or_first

PER_PAGE = 30
BAD_PAGE = "There's no such page, so here are the newest check-ins."
MOMENT_WORDS = dict(HardDay.choices)


# -- one day's check-in -------------------------------------------------------------------


def _day_url(day: date, today: date) -> str:
    return reverse("checkins:today") if day == today else reverse("checkins:day", args=[day])


def _existing(user: User, day: date) -> CheckIn | None:
    return CheckIn.objects.authored_by(user).filter(day=day).first()


def _initial(user: User, entry: CheckIn | None) -> dict[str, Any]:
    if entry is None or entry.unreadable or entry.waiting:
        return {"shared": services.starts_shared(user)}
    plain = entry.plain
    return {
        "safety": plain.get("safety"),
        "closeness": plain.get("closeness"),
        "heaviness": plain.get("heaviness"),
        "moments": plain.get("moments") or [],
        "words": plain.get("words") or "",
        "shared": entry.is_shared,
    }


def _render_day(
    request: HtmxHttpRequest,
    day: date,
    *,
    form: CheckInForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    partner = couples.partner_of(user)
    today = services.local_today(user)
    entry = _existing(user, day)
    if entry is not None:
        services.reveal_checkins(keyring_for(request), [entry])
    if form is None:
        form = CheckInForm(
            initial=_initial(user, entry),
            partner_name=partner.display_name if partner else None,
        )
    context = {
        "form": form,
        "day": day,
        "today": today,
        "late": day < today,
        "entry": entry,
        "partner": partner,
        "action": _day_url(day, today),
        # The days a missed check-in can still be filled in, newest first.
        "earlier_days": [today - timedelta(days=n) for n in range(1, LATE_DAYS + 1)],
    }
    return render(request, "checkins/checkin.html", context, status=status)


def _refuse_day(request: HtmxHttpRequest, problem: str) -> HttpResponse:
    """A day that can't be filled in: a plain reason, and the way back. Nothing is saved."""
    user = signed_in_user(request)
    context = {"refused": problem, "today": services.local_today(user)}
    return render(request, "checkins/checkin.html", context, status=400)


def _day_page(request: HtmxHttpRequest, day: date) -> HttpResponse:
    user = signed_in_user(request)
    try:
        late = services.check_day(user, day)
    except services.CheckInProblem as problem:
        return _refuse_day(request, str(problem))
    if request.method != "POST":
        return _render_day(request, day)
    partner = couples.partner_of(user)
    form = CheckInForm(request.POST, partner_name=partner.display_name if partner else None)
    if not form.is_valid():
        return _render_day(request, day, form=form, status=422)
    data = form.cleaned_data
    try:
        services.check_in(
            keyring_for(request),
            day,
            safety=data["safety"],
            closeness=data["closeness"],
            heaviness=data["heaviness"],
            moments=data["moments"],
            words=data["words"],
            # Nobody to share with: it stays private, whatever the preference says.
            shared=bool(data.get("shared")) if partner else False,
        )
    except (services.CheckInProblem, entries.NotReady) as problem:
        form.add_error(None, str(problem))
        return _render_day(request, day, form=form, status=422)
    # Done: back to the day's page (Today), or to the list a day filled in later joins.
    if late:
        messages.success(request, "Thank you. It's kept, marked as filled in later.")
        return redirect("checkins:history")
    messages.success(request, "Thank you for checking in.")
    return redirect("today")


@require_http_methods(["GET", "POST"])
def today(request: HtmxHttpRequest) -> HttpResponse:
    return _day_page(request, services.local_today(signed_in_user(request)))


@require_http_methods(["GET", "POST"])
def on_day(request: HtmxHttpRequest, day: date) -> HttpResponse:
    return _day_page(request, day)


# -- the history ----------------------------------------------------------------------------


@dataclass
class Row:
    """One check-in in the history, with what the page offers for it."""

    entry: CheckIn
    moments: list[str]
    mine: bool
    may_change: bool


def _page(request: HtmxHttpRequest, rows: Any) -> tuple[Page[CheckIn], str]:
    return page_or_first(request, rows, PER_PAGE, BAD_PAGE)


def _render_history(
    request: HtmxHttpRequest,
    *,
    preference_form: SharingPreferenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    partner = couples.partner_of(user)
    today = services.local_today(user)
    theirs = partner is not None and request.GET.get("whose") == "partner"
    if theirs:
        # What the partner shared with this person: the reading rule, minus their own.
        rows = CheckIn.objects.visible_to(user).exclude(author_id=user.pk)
    else:
        rows = CheckIn.objects.authored_by(user)
    page, page_problem = _page(request, rows.order_by("-day", "-created_at"))
    opened = services.reveal_checkins(keyring_for(request), page.object_list)
    history = [
        Row(
            entry=c,
            moments=[MOMENT_WORDS.get(m, "") for m in (c.plain.get("moments") or [])],
            mine=not theirs,
            may_change=not theirs and today - timedelta(days=LATE_DAYS) <= c.day <= today,
        )
        for c in opened
    ]
    if preference_form is None and partner is not None and not theirs:
        start = "shared" if services.starts_shared(user) else "private"
        preference_form = SharingPreferenceForm(
            initial={"start": start}, partner_name=partner.display_name
        )
    context = {
        "rows": history,
        "page": page,
        "page_problem": page_problem,
        "theirs": theirs,
        "partner": partner,
        "today": today,
        "preference_form": preference_form,
    }
    return render(request, "checkins/history.html", context, status=status)


@require_http_methods(["GET"])
def history(request: HtmxHttpRequest) -> HttpResponse:
    return _render_history(request)


# -- sharing ------------------------------------------------------------------------------------


@require_POST
def sharing_preference(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    partner = couples.partner_of(user)
    form = SharingPreferenceForm(
        request.POST, partner_name=partner.display_name if partner else None
    )
    if form.is_valid() and form.cleaned_data["start"] == "shared" and partner is None:
        form.add_error("start", "Sharing needs a partner in your couple space.")
    if not form.is_valid():
        return _render_history(request, preference_form=form, status=422)
    shared = form.cleaned_data["start"] == "shared"
    services.set_starts_shared(user, shared)
    if shared and partner is not None:
        messages.success(
            request,
            f"New check-ins will start shared with {partner.display_name}. "
            "Each one can still be kept private.",
        )
    else:
        messages.success(request, "New check-ins will start private, just for you.")
    return redirect("checkins:history")


def _history_url(request: HtmxHttpRequest) -> str:
    """The page of the history the person was on."""
    url = reverse("checkins:history")
    asked = request.POST.get("page", "")
    if asked.isdigit() and int(asked) > 1:
        url += f"?page={int(asked)}"
    return url


@require_POST
def share(request: HtmxHttpRequest, checkin_id: UUID) -> HttpResponse:
    partner = couples.partner_of(signed_in_user(request))
    name = partner.display_name if partner else "your partner"
    said = f"Shared with {name}. You can stop sharing at any time."
    return change_sharing(
        request,
        CheckIn,
        checkin_id,
        shared=True,
        back=_history_url(request),
        said=said,
        act=lambda entry, ring: services.share_checkin(ring, entry),
    )


@require_POST
def unshare(request: HtmxHttpRequest, checkin_id: UUID) -> HttpResponse:
    said = "Only you can see this check-in now."
    return change_sharing(
        request,
        CheckIn,
        checkin_id,
        shared=False,
        back=_history_url(request),
        said=said,
        act=lambda entry, ring: services.unshare_checkin(ring, entry),
    )
