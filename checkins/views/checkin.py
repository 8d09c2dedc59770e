"""The daily check-in: today's, a missed day filled in late, the history, and sharing.

Thin on purpose: parse with a form, call `checkins.services` (which decides every rule
again), render what `checkins.presenters.day` builds. Every page works without JavaScript
and every POST redirects once it has done its work. Messages never carry what a person
wrote or rated: they live in the session, which isn't encrypted.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from checkins import services
from checkins.forms import CheckInForm, SharingPreferenceForm
from checkins.models import CheckIn
from checkins.presenters import day as presenters
from couples import services as couples
from privacy import entries
from privacy.kept_pages import kept_briefly
from privacy.keyring import keyring_for
from privacy.sharing import change_sharing
from tending.http import HtmxHttpRequest, signed_in_user

# -- one day's check-in -------------------------------------------------------------------


def _render_day(
    request: HtmxHttpRequest,
    day: date,
    *,
    form: CheckInForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    context = presenters.day_context(keyring_for(request), user, day, form)
    return render(request, "checkins/checkin.html", context, status=status)


def _day_page(request: HtmxHttpRequest, day: date) -> HttpResponse:
    user = signed_in_user(request)
    try:
        late = services.check_day(user, day)
    except services.CheckInProblem as problem:
        # A day that can't be filled in: nothing is saved.
        context = presenters.refused_context(user, str(problem))
        return render(request, "checkins/checkin.html", context, status=400)
    if request.method != "POST":
        return _render_day(request, day)
    return _save_day(request, day, late=late)


def _save_day(request: HtmxHttpRequest, day: date, *, late: bool) -> HttpResponse:
    partner_name = presenters.partner_display_name(signed_in_user(request))
    form = CheckInForm(request.POST, partner_name=partner_name)
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
            shared=bool(data.get("shared")) if partner_name is not None else False,
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
@kept_briefly
def today(request: HtmxHttpRequest) -> HttpResponse:
    return _day_page(request, services.local_today(signed_in_user(request)))


@require_http_methods(["GET", "POST"])
def on_day(request: HtmxHttpRequest, day: date) -> HttpResponse:
    return _day_page(request, day)


# -- the history ----------------------------------------------------------------------------


def _render_history(
    request: HtmxHttpRequest,
    *,
    preference_form: SharingPreferenceForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = presenters.history_context(
        keyring_for(request),
        signed_in_user(request),
        partners=request.GET.get("whose") == "partner",
        asked_page=request.GET.get("page"),
        preference_form=preference_form,
    )
    return render(request, "checkins/history.html", context, status=status)


@require_http_methods(["GET"])
@kept_briefly
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


@require_POST
def share(request: HtmxHttpRequest, checkin_id: UUID) -> HttpResponse:
    partner = couples.partner_of(signed_in_user(request))
    name = partner.display_name if partner else "your partner"
    return change_sharing(
        request,
        CheckIn,
        checkin_id,
        shared=True,
        back=presenters.history_url(request.POST.get("page", "")),
        said=f"Shared with {name}. You can stop sharing at any time.",
        act=lambda entry, ring: services.share_checkin(ring, entry),
    )


@require_POST
def unshare(request: HtmxHttpRequest, checkin_id: UUID) -> HttpResponse:
    return change_sharing(
        request,
        CheckIn,
        checkin_id,
        shared=False,
        back=presenters.history_url(request.POST.get("page", "")),
        said="Only you can see this check-in now.",
        act=lambda entry, ring: services.unshare_checkin(ring, entry),
    )
