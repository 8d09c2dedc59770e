from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from milestones import services
from milestones.forms import OnForm, QuietDateForm
from milestones.models import QuietDate
from privacy.access import own_or_404
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user


def _page(request: HtmxHttpRequest, form: QuietDateForm, status: int = 200) -> HttpResponse:
    user = signed_in_user(request)
    ring = keyring_for(request)
    services.notice(user, ring=ring)
    context = {
        "reached": services.all_reached(user),
        "on": services.is_on(user),
        "quiet_dates": services.quiet_dates(ring),
        "form": form,
    }
    return render(request, "milestones/index.html", context, status=status)


@require_http_methods(["GET"])
def index(request: HtmxHttpRequest) -> HttpResponse:
    return _page(request, QuietDateForm())


@require_POST
def switch(request: HtmxHttpRequest) -> HttpResponse:
    form = OnForm(request.POST)
    on = form.is_valid() and form.cleaned_data["on"]
    services.set_on(signed_in_user(request), on)
    messages.info(
        request, "Milestones are on." if on else "Milestones are off. Nothing will be marked."
    )
    return redirect("milestones:index")


@require_POST
def add_quiet(request: HtmxHttpRequest) -> HttpResponse:
    form = QuietDateForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    try:
        services.add_quiet_date(
            keyring_for(request), form.cleaned_data["day"], form.cleaned_data["note"]
        )
    except services.MilestoneProblem as problem:
        form.add_error(None, str(problem))
        return _page(request, form, status=409)
    messages.success(request, "Kept, privately. That day will be quiet.")
    return redirect("milestones:index")


@require_POST
def remove_quiet(request: HtmxHttpRequest, quiet_id: UUID) -> HttpResponse:
    quiet = own_or_404(QuietDate, signed_in_user(request), quiet_id)
    services.remove_quiet_date(keyring_for(request), quiet)
    messages.info(request, "Removed.")
    return redirect("milestones:index")
