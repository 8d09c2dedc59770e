"""Passkey pages: using one at the sign-in's second step, and adding, listing and removing
them in settings. Views parse, call accounts.passkeys, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from accounts import passkeys, two_factor
from accounts.devices import sets_device_cookie
from accounts.forms import ConfirmPasswordForm
from accounts.passkey_forms import NewPasskeyForm, PasskeyAnswerForm
from tending.http import local_path, signed_in_user


def _next_url(request: HttpRequest) -> str:
    return local_path(request.POST.get("next") or "", request) or reverse("today")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@login_not_required
@require_POST
@sets_device_cookie
def sign_in_with_passkey(request: HttpRequest) -> HttpResponse:
    """The second step with a passkey: the browser's answer arrives in an ordinary form."""
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url)
    if two_factor.waiting_user(request) is None:
        messages.info(request, two_factor.EXPIRED)
        return redirect(_with_next("accounts:sign_in", next_url))
    form = PasskeyAnswerForm(request.POST)
    raw = form.cleaned_data["credential"] if form.is_valid() else ""
    try:
        passkeys.finish_sign_in(request, raw)
    except two_factor.SecondStepRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(_with_next("accounts:second_step", next_url))
    return redirect(next_url)


@require_http_methods(["GET", "POST"])
def passkeys_page(request: HttpRequest) -> HttpResponse:
    """The person's passkeys, and adding one after the password."""
    user = signed_in_user(request)
    where = passkeys.availability(request)
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and where.usable and form.is_valid():
        passkeys.allow_adding(request)
        return redirect("accounts:passkey_new")
    context = {
        "form": form,
        "where": where,
        "passkeys": passkeys.passkeys_of(user),
        "has_app": two_factor.authenticator(user) is not None,
    }
    return render(request, "accounts/passkeys.html", context)


@require_http_methods(["GET", "POST"])
def passkey_new(request: HttpRequest) -> HttpResponse:
    """Name it, then the browser makes it; the server checks its answer and keeps it."""
    user = signed_in_user(request)
    if not passkeys.availability(request).usable or not passkeys.may_add(request):
        return redirect("accounts:passkeys")
    form = NewPasskeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passkey = passkeys.add(
                request, user, form.cleaned_data["name"], form.cleaned_data["credential"]
            )
        except passkeys.PasskeyRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            codes = passkeys.added(request, user)
            messages.success(request, f"“{passkey.name}” is added. You can use it to sign in.")
            if codes:
                two_factor.offer_codes(request, codes)
                return redirect("accounts:two_step_codes")
            return redirect("accounts:passkeys")
    # JSON for the form's data attribute: the CSP allows no inline script, data or not.
    options = json.dumps(passkeys.creation_options(request, user))
    response = render(request, "accounts/passkey_new.html", {"form": form, "options": options})
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def passkey_remove(request: HttpRequest, passkey_id: int) -> HttpResponse:
    user = signed_in_user(request)
    passkey = passkeys.own_passkey(user, passkey_id)
    if passkey is None:
        raise Http404
    last = passkeys.is_last_second_step(user)
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        passkeys.remove(user, passkey_id)
        if last:
            messages.info(request, "The passkey is removed. Your password alone signs you in now.")
        else:
            messages.info(request, f"“{passkey.name}” is removed.")
        return redirect("accounts:passkeys")
    context = {"form": form, "passkey": passkey, "last": last}
    return render(request, "accounts/passkey_remove.html", context)
