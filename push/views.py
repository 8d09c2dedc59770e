"""Notifications on this person's phones: turn on, choose kinds, quiet hours, remove."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from privacy.access import own_device_or_404
from push import services
from push.forms import KindsForm, QuietHoursForm, SubscribeForm
from push.models import Kind
from tending.http import signed_in_user

LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]"}


def _page(request: HttpRequest, quiet_form: QuietHoursForm | None = None) -> HttpResponse:
    user = signed_in_user(request)
    quiet = services.quiet_hours(user)
    if quiet_form is None:
        initial = {"starts": quiet.starts, "ends": quiet.ends} if quiet else {}
        quiet_form = QuietHoursForm(initial=initial)
    rows = [
        (d, KindsForm(initial={"kinds": [k for k in Kind.values if d.wants(k)]}, prefix=str(d.pk)))
        for d in services.devices(user)
    ]
    return render(
        request,
        "push/settings.html",
        {
            "rows": rows,
            "quiet_form": quiet_form,
            "public_key": services.public_key(),
            # Browsers offer push only over HTTPS, or on this very machine.
            "push_possible": request.is_secure() or request.get_host().split(":")[0] in LOCAL_HOSTS,
        },
    )


def settings_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
def subscribe(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "This browser's notification details didn't arrive. Please try again."
        )
        return redirect("push:settings")
    data = form.cleaned_data
    try:
        services.subscribe(
            signed_in_user(request), data["endpoint"], data["p256dh"], data["auth"], data["label"]
        )
    except services.PushProblem as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, "Notifications are on for this device.")
    return redirect("push:settings")


@require_POST
def device(request: HttpRequest, device_id: UUID) -> HttpResponse:
    found = own_device_or_404(signed_in_user(request), device_id)
    form = KindsForm(request.POST, prefix=str(found.pk))
    if form.is_valid():
        services.set_kinds(found, set(form.cleaned_data["kinds"]))
        messages.success(request, "Saved for this device.")
    else:
        messages.error(request, "Please choose from the list.")
    return redirect("push:settings")


@require_POST
def remove(request: HttpRequest, device_id: UUID) -> HttpResponse:
    services.remove(own_device_or_404(signed_in_user(request), device_id))
    messages.success(request, "That device won't get notifications any more.")
    return redirect("push:settings")


@require_POST
def quiet(request: HttpRequest) -> HttpResponse:
    form = QuietHoursForm(request.POST)
    if not form.is_valid():
        return _page(request, quiet_form=form)
    services.set_quiet_hours(
        signed_in_user(request), form.cleaned_data["starts"], form.cleaned_data["ends"]
    )
    messages.success(request, "Quiet hours saved.")
    return redirect("push:settings")
