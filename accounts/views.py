from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from accounts import passkeys, services, signins, two_factor
from accounts.devices import sets_device_cookie
from accounts.forms import (
    ChangePasswordForm,
    ConfirmAuthenticatorForm,
    ConfirmPasswordForm,
    ConfirmSignUpForm,
    LockAndNoticeForm,
    ProfileForm,
    RecoverForm,
    ResetRequestForm,
    ResetWithoutCodeForm,
    SecondStepForm,
    SignInForm,
    SignUpForm,
)
from accounts.middleware import LOCKED
from privacy.kept_pages import kept_briefly
from tending.http import local_path, signed_in_user


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return local_path(candidate, request) or reverse("today")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


@login_not_required
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the email already had an account (its owner is
        # told by email): sign-up never confirms that an account exists.
        services.sign_up(request, **form.cleaned_data, next_path=_next_url(request))
        request.session[services.SIGN_UP_SENT] = form.cleaned_data["email"]
        return redirect("accounts:sign_up_sent")
    return render(request, "accounts/sign_up.html", {"form": form, "next": _next_url(request)})


@login_not_required
@require_http_methods(["GET", "HEAD"])
def sign_up_sent(request: HttpRequest) -> HttpResponse:
    email = request.session.get(services.SIGN_UP_SENT, "")
    response = render(request, "accounts/sign_up_sent.html", {"email": email})
    add_never_cache_headers(response)
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
@sets_device_cookie
def confirm_sign_up(request: HttpRequest, confirm_token: str) -> HttpResponse:
    """The link in the sign-up email: the password chosen then makes the keys, now."""
    pending = services.pending_sign_up(confirm_token)
    if pending is None:
        return render(request, "accounts/confirm_invalid.html", status=410)
    form = ConfirmSignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.finish_sign_up(request, pending, form.cleaned_data["password"])
        except services.SignInRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            then = local_path(pending.next_path, request) or reverse("today")
            offer = f"{reverse('safety:check')}?{urlencode({'next': then})}"
            return redirect(_with_next("accounts:recovery_code", offer))
    response = render(
        request, "accounts/confirm_sign_up.html", {"form": form, "email": pending.email}
    )
    add_never_cache_headers(response)
    return response


@login_not_required
@require_http_methods(["GET", "POST"])
@sets_device_cookie
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.sign_in(request, **form.cleaned_data)
        except services.SignInRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            if user is None:  # two-step sign-in: the code comes next
                return redirect(_with_next("accounts:second_step", _next_url(request)))
            return redirect(_next_url(request))
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.sign_out(request)
    return redirect("accounts:sign_in")


@require_http_methods(["GET", "POST"])
@kept_briefly
def settings_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ChangePasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.change_password(
            request, user, form.cleaned_data["old_password"], form.cleaned_data["new_password1"]
        )
        messages.success(request, "Your password is changed. Other devices will need it next time.")
        return redirect("accounts:settings")
    return render(request, "accounts/change_password.html", {"form": form})


@require_http_methods(["GET", "POST"])
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.sign_out_everywhere(request, user)
        messages.info(request, "You're signed out on every device, this one too.")
        return HttpResponseRedirect(reverse("accounts:sign_in"))
    return render(request, "accounts/sign_out_everywhere.html", {"form": form})


@require_http_methods(["GET", "POST"])
def recovery_code(request: HttpRequest) -> HttpResponse:
    """Shown once, right after it's made. Only a sealed copy waits in the session."""
    code = services.recovery_code_to_show(request)
    if request.method == "POST" or code is None:
        services.recovery_code_seen(request)
        return redirect(_next_url(request))
    response = render(
        request, "accounts/recovery_code.html", {"code": code, "next": _next_url(request)}
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def new_recovery_code(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.new_recovery_code(request, user, form.cleaned_data["password"])
        return redirect(_with_next("accounts:recovery_code", reverse("accounts:settings")))
    return render(request, "accounts/new_recovery_code.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
@sets_device_cookie
def recover(request: HttpRequest) -> HttpResponse:
    """Forgot the password, kept the recovery code: a new password, nothing lost."""
    form = RecoverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_with_recovery_code(
                request,
                email=form.cleaned_data["email"],
                recovery_code=form.cleaned_data["recovery_code"],
                new_password=form.cleaned_data["new_password"],
                second_code=form.cleaned_data["second_code"],
            )
        except services.SignInRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Your new password is set, and everything you wrote is here.")
            # The code just used no longer works: its replacement is shown once, now.
            return redirect(_with_next("accounts:recovery_code", reverse("today")))
    return render(request, "accounts/recover.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def reset_request(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_reset_email(request, form.cleaned_data["email"])
        return render(request, "accounts/reset_sent.html")
    return render(request, "accounts/reset_request.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "POST"])
def reset_confirm(request: HttpRequest, uidb64: str, reset_token: str) -> HttpResponse:
    user = services.user_for_reset_link(uidb64, reset_token)
    if user is None:
        return render(request, "accounts/reset_invalid.html", status=410)
    form = ResetWithoutCodeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reset_without_recovery_code(request, user, form.cleaned_data["new_password"])
        return redirect(_with_next("accounts:recovery_code", reverse("today")))
    response = render(request, "accounts/reset_confirm.html", {"form": form, "person": user})
    add_never_cache_headers(response)
    return response


# -- two-step sign-in --------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "POST"])
@sets_device_cookie
def second_step(request: HttpRequest) -> HttpResponse:
    """After the right password: the code from the authenticator app (or a recovery code)."""
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    if two_factor.waiting_user(request) is None:
        messages.info(request, two_factor.EXPIRED)
        return redirect(_with_next("accounts:sign_in", _next_url(request)))
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.finish(request, form.cleaned_data["code"])
        except two_factor.SecondStepRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect(_next_url(request))
    context = {"form": form, "next": _next_url(request), **passkeys.second_step_offer(request)}
    response = render(request, "accounts/second_step.html", context)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def two_step_settings(request: HttpRequest) -> HttpResponse:
    """Turn the authenticator on (after the password), or see that it is on."""
    user = signed_in_user(request)
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        two_factor.start_authenticator(user)
        return redirect("accounts:two_step_authenticator")
    context = {
        "form": form,
        "on": two_factor.has_second_step(user),
        "has_app": two_factor.authenticator(user) is not None,
        "passkeys": passkeys.passkeys_of(user),
        "codes_left": two_factor.recovery_codes_left(user),
    }
    return render(request, "accounts/two_step.html", context)


@require_http_methods(["GET", "POST"])
def two_step_authenticator(request: HttpRequest) -> HttpResponse:
    """The key for the app, then its first code, which turns it on."""
    user = signed_in_user(request)
    waiting = two_factor.unconfirmed_authenticator(user)
    if waiting is None:
        return redirect("accounts:two_step")
    form = ConfirmAuthenticatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_authenticator(user, form.cleaned_data["code"])
        if codes is None:
            form.add_error(
                "code", "That code didn't match. Check the app's clock, then try the next one."
            )
        else:
            two_factor.offer_codes(request, codes)
            messages.success(request, "Two-step sign-in is on.")
            return redirect("accounts:two_step_codes")
    response = render(
        request, "accounts/two_step_authenticator.html", {"form": form, "new": waiting}
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def two_step_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes after the password; the ones just made are shown here once."""
    user = signed_in_user(request)
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid() and two_factor.has_second_step(user):
            two_factor.offer_codes(request, two_factor.new_recovery_codes(user))
            return redirect("accounts:two_step_codes")
        if not two_factor.has_second_step(user):
            return redirect("accounts:two_step")
    codes = two_factor.codes_to_show(request) if request.method == "GET" else []
    response = render(
        request,
        "accounts/two_step_codes.html",
        {"form": form, "codes": codes, "codes_left": two_factor.recovery_codes_left(user)},
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
def two_step_off(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = ConfirmPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        two_factor.turn_off(user)
        messages.info(request, "Two-step sign-in is off. Your password alone signs you in now.")
        return redirect("accounts:two_step")
    return render(request, "accounts/two_step_off.html", {"form": form})


# -- devices and sign-ins, the idle lock ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def devices(request: HttpRequest) -> HttpResponse:
    """This person's signed-in sessions, and their lock and notice choices. Only ever theirs."""
    user = signed_in_user(request)
    form = LockAndNoticeForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved.")
        return redirect("accounts:devices")
    context = {
        "form": form,
        "sessions": signins.sessions_of(user),
        "current": signins.current_hash(request),
    }
    response = render(request, "accounts/devices.html", context)
    add_never_cache_headers(response)
    return response


@require_POST
def sign_out_device(request: HttpRequest, signin_id: UUID) -> HttpResponse:
    user = signed_in_user(request)
    row = signins.own_session_or_none(user, signin_id)
    if row is None:
        raise Http404("Not found.")
    if row.key_hash == signins.current_hash(request):
        services.sign_out(request)
        return redirect("accounts:sign_in")
    signins.sign_out_one(request, row)
    messages.success(request, "That device is signed out. It will need your password again.")
    return redirect("accounts:devices")


@require_POST
def sign_out_other_devices(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    ended = signins.sign_out_others(request, user)
    messages.success(
        request,
        "Every other device is signed out." if ended else "You aren't signed in anywhere else.",
    )
    return redirect("accounts:devices")


@require_http_methods(["GET", "HEAD"])
def still_here(request: HttpRequest) -> HttpResponse:
    """The page's script says the person is typing or reading (the middleware notes it)."""
    response = HttpResponse(status=204)
    add_never_cache_headers(response)
    return response


@login_not_required
@require_http_methods(["GET", "HEAD"])
def lock(request: HttpRequest) -> HttpResponse:
    """Where the page's script goes after the chosen quiet time: the session ends here, and
    the person is asked to sign in again, to come back to the page they were on.

    A GET that signs out, like quick exit: a stranger's link can do no worse."""
    next_url = local_path(request.GET.get("next", ""), request) or reverse("today")
    if request.user.is_authenticated:
        services.sign_out(request)
        messages.info(request, LOCKED)
    response = redirect(_with_next("accounts:sign_in", next_url))
    add_never_cache_headers(response)
    return response
