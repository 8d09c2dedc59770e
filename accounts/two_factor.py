"""Two-step sign-in: an authenticator app (TOTP), passkeys (accounts/passkeys.py) and
single-use recovery codes, through django-otp. Views parse and render; the rules live here.

The data key is derived at the password step, so the password is never kept anywhere,
and sealed into the session under a fresh secret that only this browser's key cookie
holds (`Keyring.hold`). The person is *not* signed in yet: no page opens that key until
the second step signs them in (`django.contrib.auth.login` keeps the session's data).
A second step left waiting expires after `SECOND_STEP_SECONDS`, and the sealed key with it.

Recovery codes are django-otp static tokens stored as keyed hashes (HMAC with the
server's secret), so a copy of the database can't be used to sign in with them.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from accounts import devices, throttle
from accounts.backends import BACKEND
from accounts.models import User
from privacy.keyring import SESSION_FIELD, keyring_for

PENDING = "accounts.second_step"
CODES_TO_SHOW = "accounts.recovery_codes_to_show"
RECOVERY_CODE_COUNT = 10
_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i to misread

WRONG_CODE = "That code didn't work. Please try again with a fresh one."
EXPIRED = "That took a while, so we've started over. Please sign in again."


class SecondStepRefused(Exception):
    """The code was wrong, too many were tried, or the wait ran out."""


# -- reading -----------------------------------------------------------------------------


def authenticator(user: User) -> TOTPDevice | None:
    found: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return found


def has_second_step(user: User) -> bool:
    """An authenticator app or a passkey: either makes the password not enough alone."""
    return bool(
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def recovery_codes_left(user: User) -> int:
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    return device.token_set.count() if device else 0


# -- the second step at sign-in -----------------------------------------------------------


def begin(request: HttpRequest, user: User, data_key: bytes, email: str) -> None:
    """After the right password: hold the sealed key in the session, not yet signed in."""
    keyring_for(request).hold(data_key)
    request.session[PENDING] = {"user": user.pk, "email": email, "at": time.time()}


def waiting_user(request: HttpRequest) -> User | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if time.time() - float(pending.get("at", 0)) > settings.SECOND_STEP_SECONDS:
        cancel(request)
        return None
    user: User | None = User.objects.filter(
        pk=int(pending.get("user") or 0), is_active=True
    ).first()
    return user


def cancel(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)
    request.session.pop(SESSION_FIELD, None)


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _hashed(code: str) -> str:
    return salted_hmac(
        "accounts.recovery-codes", _normalized(code), algorithm="sha256"
    ).hexdigest()[:16]


def verify(user: User, code: str) -> bool:
    """A code from the authenticator app, or one unused recovery code (used up here)."""
    typed = _normalized(code)
    if not typed:
        return False
    with transaction.atomic():
        if typed.isdigit():
            for device in TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True):
                if device.verify_token(typed):
                    return True
            return False
        for static in StaticDevice.objects.select_for_update().filter(user=user, confirmed=True):
            if static.verify_token(_hashed(typed)):  # deletes the token: single use
                return True
    return False


def finish(request: HttpRequest, code: str) -> User:
    """The second step: a right code signs the person in and hands over their keys."""
    return finish_with(request, lambda user: verify(user, code), refusal=WRONG_CODE)


def finish_with(request: HttpRequest, answers: Callable[[User], bool], *, refusal: str) -> User:
    """The second step with any factor (a code, a passkey): throttled the same way, and
    only a right answer signs the person in."""
    user = waiting_user(request)
    if user is None:
        raise SecondStepRefused(EXPIRED)
    email = str(request.session[PENDING]["email"])
    address = throttle.client_address(request)
    device = devices.known_device(request, email)
    if throttle.is_blocked("second-step", email, address, device):
        from accounts.services import SLOW_DOWN

        raise SecondStepRefused(SLOW_DOWN)
    if not answers(user):
        throttle.record_failure("second-step", email, address, device)
        raise SecondStepRefused(refusal)
    throttle.clear("second-step", email, address, device)
    request.session.pop(PENDING, None)
    login(request, user, backend=BACKEND)
    devices.remember(request, email)
    return user


# -- settings: adding and removing -------------------------------------------------------


@dataclass(frozen=True)
class NewAuthenticator:
    secret: str  # base32, for typing into the app
    link: str  # otpauth:// link, for phones that open it


def start_authenticator(user: User) -> NewAuthenticator:
    """A new, unconfirmed authenticator; the old unconfirmed one (if any) is replaced."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return _describe(device)


def _describe(device: TOTPDevice) -> NewAuthenticator:
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return NewAuthenticator(secret=secret, link=device.config_url)


def unconfirmed_authenticator(user: User) -> NewAuthenticator | None:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return _describe(device) if device else None


@transaction.atomic
def confirm_authenticator(user: User, code: str) -> list[str] | None:
    """The first code from the app turns it on, with fresh recovery codes (returned, to be
    shown once). None when the code doesn't match."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(_normalized(code)):
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user: User) -> list[str]:
    """Ten new single-use codes; the old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        device.token_set.create(token=_hashed(raw))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


@transaction.atomic
def turn_off(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def offer_codes(request: HttpRequest, codes: list[str]) -> None:
    """Keep the codes, sealed for this browser only, until the page that shows them once."""
    request.session[CODES_TO_SHOW] = keyring_for(request).sealed_value(" ".join(codes))


def codes_to_show(request: HttpRequest) -> list[str]:
    stored = request.session.pop(CODES_TO_SHOW, None)
    if not stored:
        return []
    try:
        return keyring_for(request).open_value(stored).split()
    except Exception:
        return []
