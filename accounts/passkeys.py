"""Passkeys (WebAuthn) as a second step after the password, through django-otp-webauthn.

The library holds the credential model (a django-otp device) and wraps py_webauthn, which
does every check of the browser's answer: challenge, origin, relying party, signature,
sign count, flags. We use its helper from our own small views, because its views assume a
signed-in person or a passwordless sign-in, and ours has neither: after the password the
person waits, not signed in, with the data key sealed in the session (accounts.two_factor),
and a passkey alone never signs anyone in, since only the password opens the data key.

Each ceremony's state (its challenge) lives in the session and is taken out before the
answer is checked, so an answer can be used once at most, whatever happens next.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from webauthn.helpers.exceptions import WebAuthnException

from accounts import two_factor
from accounts.checks import is_ip, is_local
from accounts.models import User

NAME_MAX = 60
# The browser's answer is a few kilobytes at most; anything far larger isn't one.
ANSWER_MAX = 64 * 1024

_STATE = "accounts.passkey.{purpose}"
_MAY_ADD = "accounts.passkey.may_add_until"

# One message for every way a passkey can fail, so that it never says whether a passkey
# belongs to someone else, was removed, or was simply cancelled.
DIDNT_WORK = (
    "That passkey didn't work this time. Please try again, or use a code from your "
    "authenticator app or a recovery code."
)
NOT_ADDED = "The passkey wasn't added. Please try again; nothing has changed."


class PasskeyRefused(Exception):
    """The browser's answer didn't check out; the message is ours, and says nothing more."""


class PasskeyHelper(WebAuthnHelper):  # type: ignore[misc]
    """The library's helper, with the name people see in their passkey list."""

    def get_credential_display_name(self, user: Any) -> str:
        return str(user.display_name or user.email)


# -- where passkeys can work -------------------------------------------------------------


@dataclass(frozen=True)
class Availability:
    usable: bool
    # Why not, for the settings page: "insecure" (plain HTTP) or "elsewhere" (another
    # address than the one passkeys are set up for), with that address.
    reason: str = ""
    address: str = ""


def availability(request: HttpRequest) -> Availability:
    """Passkeys work only in a secure context, at an address they're set up for."""
    host = (urlsplit(f"//{request.get_host()}").hostname or "").lower()
    origin = f"{request.scheme}://{request.get_host()}".lower()
    origins = [str(o).rstrip("/").lower() for o in settings.OTP_WEBAUTHN_ALLOWED_ORIGINS]
    on_this_machine = is_local(host) or host in ("127.0.0.1", "::1")
    # Where to send the person instead: an https address, or localhost if they are on it.
    better = [o for o in origins if o.startswith("https://")]
    if on_this_machine:
        better += [o for o in origins if is_local(urlsplit(o).hostname or "")]
    elsewhere = "" if is_ip(str(settings.OTP_WEBAUTHN_RP_ID)) or not better else better[0]
    # Browsers count this machine's own addresses as secure; elsewhere, plain http isn't.
    if not request.is_secure() and not on_this_machine:
        return Availability(False, "insecure", elsewhere)
    if origin not in origins or is_ip(str(settings.OTP_WEBAUTHN_RP_ID)):
        return Availability(False, "elsewhere", elsewhere)
    return Availability(True)


# -- reading -----------------------------------------------------------------------------


def passkeys_of(user: User) -> list[WebAuthnCredential]:
    found: list[WebAuthnCredential] = list(
        WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")
    )
    return found


def has_passkeys(user: User) -> bool:
    return bool(WebAuthnCredential.objects.filter(user=user, confirmed=True).exists())


def own_passkey(user: User, passkey_id: int) -> WebAuthnCredential | None:
    """This person's passkey, or None: another person's is the same as none at all."""
    found: WebAuthnCredential | None = WebAuthnCredential.objects.filter(
        user=user, pk=passkey_id, confirmed=True
    ).first()
    return found


# -- the ceremonies ----------------------------------------------------------------------


def _helper(request: HttpRequest) -> PasskeyHelper:
    return PasskeyHelper(request=request)


def _keep_state(request: HttpRequest, purpose: str, user: User, state: dict[str, Any]) -> None:
    request.session[_STATE.format(purpose=purpose)] = {**state, "user": user.pk, "at": time.time()}


def _take_state(request: HttpRequest, purpose: str, user: User) -> dict[str, Any]:
    """The waiting challenge, taken out for good before anything is checked."""
    state = request.session.pop(_STATE.format(purpose=purpose), None)
    request.session.save()
    if (
        not isinstance(state, dict)
        or state.get("user") != user.pk
        or time.time() - float(state.get("at", 0)) > settings.OTP_WEBAUTHN_TIMEOUT_SECONDS
    ):
        raise PasskeyRefused
    return state


def _answer(raw: str) -> dict[str, Any]:
    if not raw or len(raw) > ANSWER_MAX:
        raise PasskeyRefused
    try:
        answer = json.loads(raw)
    except ValueError:
        raise PasskeyRefused from None
    if not isinstance(answer, dict):
        raise PasskeyRefused
    return answer


# What py_webauthn and the library raise on an answer that doesn't check out, and what
# malformed input (bad base64, wrong types) raises before it gets that far.
_REFUSALS = (WebAuthnException, OTPWebAuthnApiError, ValueError, TypeError, KeyError)


def creation_options(request: HttpRequest, user: User) -> dict[str, Any]:
    """What navigator.credentials.create() needs to make a passkey for this person."""
    options, state = _helper(request).register_begin(user=user)
    _keep_state(request, "add", user, state)
    return dict(options)


def add(request: HttpRequest, user: User, name: str, raw_answer: str) -> WebAuthnCredential:
    """Checks the browser's new passkey and keeps it under the name the person chose."""
    name = " ".join(name.split())[:NAME_MAX] or "Passkey"
    try:
        state = _take_state(request, "add", user)
        answer = _answer(raw_answer)
        with transaction.atomic():
            passkey: WebAuthnCredential = _helper(request).register_complete(
                user=user, state=state, data=answer
            )
            passkey.name = name
            passkey.save(update_fields=["name"])
    except (PasskeyRefused, IntegrityError, *_REFUSALS):
        # IntegrityError: that credential id is already registered, to whomever.
        raise PasskeyRefused(NOT_ADDED) from None
    return passkey


def request_options(request: HttpRequest, user: User, *, purpose: str) -> dict[str, Any]:
    """What navigator.credentials.get() needs to use one of this person's passkeys. At the
    sign-in's second step the password came first, so the passkey need only be present; to
    unlock without the password it must also have checked who holds it (a PIN, a face)."""
    options, state = _helper(request).authenticate_begin(
        user=user, require_user_verification=(purpose == "unlock")
    )
    _keep_state(request, purpose, user, state)
    return dict(options)


def check(request: HttpRequest, user: User, raw_answer: str, *, purpose: str) -> WebAuthnCredential:
    """The passkey answered the challenge: it is one of this person's, and in order."""
    try:
        state = _take_state(request, purpose, user)
        answer = _answer(raw_answer)
        with transaction.atomic():
            passkey: WebAuthnCredential = _helper(request).authenticate_complete(
                user=user, state=state, data=answer
            )
            if not passkey.confirmed or not user.is_active:
                raise PasskeyRefused
    except (PasskeyRefused, *_REFUSALS):
        raise PasskeyRefused(DIDNT_WORK) from None
    return passkey


# -- the second step at sign-in ----------------------------------------------------------


def second_step_offer(request: HttpRequest) -> dict[str, Any]:
    """For the second-step page: the passkey challenge, when the waiting person has a
    passkey and this address can use it (else where it can), and whether they have an
    authenticator app."""
    offer: dict[str, Any] = {"passkey_options": None, "passkey_elsewhere": None, "has_app": True}
    user = two_factor.waiting_user(request)
    if user is None:
        return offer
    offer["has_app"] = two_factor.authenticator(user) is not None
    if has_passkeys(user):
        where = availability(request)
        if where.usable:
            # JSON for the form's data attribute (no inline script under the CSP).
            options = request_options(request, user, purpose="sign-in")
            offer["passkey_options"] = json.dumps(options)
        else:
            offer["passkey_elsewhere"] = where
    return offer


def finish_sign_in(request: HttpRequest, raw_answer: str) -> User:
    """The second step with a passkey: throttled and finished like a code (two_factor)."""

    def passkey_answers(user: User) -> bool:
        try:
            check(request, user, raw_answer, purpose="sign-in")
        except PasskeyRefused:
            return False
        return True

    return two_factor.finish_with(request, passkey_answers, refusal=DIDNT_WORK)


# -- unlocking again (for the idle lock) -------------------------------------------------


def unlock_options(request: HttpRequest, user: User) -> dict[str, Any] | None:
    """For a lock screen: a challenge only this person's passkeys can answer, with their
    PIN or face (user verification), or None when they have none or this address can't.

    A passkey proves the person is here; it can't open their data key, which only the
    password (or the recovery code) unwraps. A lock that drops the key may offer a passkey
    only if it kept the sealed key in the session and dropped just the right to use it."""
    if not has_passkeys(user) or not availability(request).usable:
        return None
    return request_options(request, user, purpose="unlock")


def confirm_presence(request: HttpRequest, user: User, raw_answer: str) -> bool:
    """True when one of this person's passkeys answered the unlock challenge."""
    try:
        check(request, user, raw_answer, purpose="unlock")
    except PasskeyRefused:
        return False
    return True


# -- settings ----------------------------------------------------------------------------


def allow_adding(request: HttpRequest) -> None:
    """After the password: adding a passkey is open for a few minutes in this session."""
    request.session[_MAY_ADD] = time.time() + settings.SECOND_STEP_SECONDS


def may_add(request: HttpRequest) -> bool:
    return bool(float(request.session.get(_MAY_ADD) or 0) > time.time())


def added(request: HttpRequest, user: User) -> list[str]:
    """After a passkey is added: the window closes; the first second step brings recovery
    codes (returned, to be shown once)."""
    request.session.pop(_MAY_ADD, None)
    if two_factor.recovery_codes_left(user) == 0 and not two_factor.authenticator(user):
        return two_factor.new_recovery_codes(user)
    return []


def is_last_second_step(user: User) -> bool:
    return two_factor.authenticator(user) is None and len(passkeys_of(user)) <= 1


@transaction.atomic
def remove(user: User, passkey_id: int) -> bool:
    """Removes one of this person's passkeys. When it was the last second step, two-step
    sign-in is off: the recovery codes go too. False when there was no such passkey."""
    passkey = own_passkey(user, passkey_id)
    if passkey is None:
        return False
    last = is_last_second_step(user)
    passkey.delete()
    if last:
        two_factor.turn_off(user)
    return True
