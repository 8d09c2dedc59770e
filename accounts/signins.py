"""A person's signed-in sessions, and the idle lock for a shared device.

Both ride on one stamp in the session, `SEEN` = [hash of the session key, unix time],
rewritten at most once a minute, so an ordinary page costs no extra query:

- **Sessions list.** At sign-in (any path: password, second step, recovery) a
  `SignedInSession` row is made for the new session key. While the stamp is fresh nothing
  is looked up; once a minute the row's `last_seen` is moved on, and a missing row means
  this session was signed out from another device, so it ends here too. "Sign out this
  one" also deletes the Django session at once, with the session key sealed in the row
  under the person's own data key.
- **Idle lock.** When the person chose an idle time and the last activity is older than
  that, the session ends (its sealed data key with it; the key cookie is then dropped by
  the keyring middleware) and the person is asked to sign in again, coming back to where
  they were. Activity is any request the person makes, except htmx GETs (a conversation's
  polling must not keep a forgotten phone open); `/account/still-here/` counts typing.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import F
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string

from accounts.models import SignedInSession, User
from outbox import services as outbox
from privacy import crypto
from privacy.keyring import Locked, keyring_for

SEEN = "accounts.seen"
NEW_SIGN_IN = "_tending_new_sign_in"
TOUCH_EVERY_SECONDS = 60
IDLE_CHOICES = (0, 5, 15, 60)
_SEALED = b"tending:signed-in-session-key"


# -- what a browser calls itself -----------------------------------------------------------

_BROWSERS = (
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\bOPR/|\bOpera\b")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\bFirefox/|\bFxiOS/")),
    ("Chrome", re.compile(r"\bChrome/|\bCriOS/|\bChromium/")),
    ("Safari", re.compile(r"\bSafari/")),
)
_SYSTEMS = (
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Mac", re.compile(r"\bMacintosh\b|\bMac OS X\b")),
    ("Linux", re.compile(r"\bLinux\b")),
)


def describe_agent(agent: str) -> tuple[str, str, str]:
    """(device, browser, system) in plain words, from a User-Agent; unknown parts say so."""
    agent = agent[:512]
    browser = next((name for name, pattern in _BROWSERS if pattern.search(agent)), "A browser")
    system = next((name for name, pattern in _SYSTEMS if pattern.search(agent)), "")
    if system == "iPad" or (system == "Android" and "Mobile" not in agent):
        device = "tablet"
    elif system in ("iPhone", "Android") or "Mobile" in agent:
        device = "phone"
    elif system:
        device = "computer"
    else:
        device = ""
    return device, browser, system


# -- rows ------------------------------------------------------------------------------------


def key_hash(session_key: str) -> str:
    return salted_hmac("accounts.signins", session_key, algorithm="sha256").hexdigest()


def _now() -> int:
    return int(timezone.now().timestamp())


def _session_store() -> Any:
    return import_string(f"{settings.SESSION_ENGINE}.SessionStore")


def note_sign_in(request: HttpRequest) -> None:
    """Called on `user_logged_in`: the row is made once the session has its final key."""
    setattr(request, NEW_SIGN_IN, True)


def record(request: HttpRequest, user: User, *, new_sign_in: bool) -> SignedInSession | None:
    """Make (or find) the row for this request's session, and stamp the session."""
    session: SessionBase = request.session
    if session.session_key is None:
        session.save()
    session_key = session.session_key
    if session_key is None:
        return None
    hashed = key_hash(session_key)
    device, browser, system = describe_agent(str(request.META.get("HTTP_USER_AGENT", "")))
    sealed = None  # without open keys, ended from elsewhere at this session's next touch
    with contextlib.suppress(Locked):
        sealed = crypto.encrypt(session_key.encode(), keyring_for(request).data_key(), _SEALED)
    row, made = SignedInSession.objects.get_or_create(
        key_hash=hashed,
        defaults={
            "user": user,
            "sealed_key": sealed,
            "device": device,
            "browser": browser,
            "system": system,
        },
    )
    previous = session.get(SEEN)
    if isinstance(previous, list) and previous and previous[0] != hashed:
        # The key changed under the same person (a password change cycles it).
        SignedInSession.objects.filter(user=user, key_hash=previous[0]).delete()
    session[SEEN] = [hashed, _now()]
    if made and new_sign_in and user.tell_new_sign_ins:
        _tell(user, row)
    return row


def _tell(user: User, row: SignedInSession) -> None:
    body = render_to_string(
        "accounts/email/new_sign_in.txt",
        {"user": user, "row": row, "devices": settings.SITE_URL + "/account/devices/"},
    )
    outbox.enqueue(to=user.email, subject="A new sign-in to Tending", body=body, user=user)


def is_activity(request: HttpRequest) -> bool:
    return not (request.method == "GET" and request.headers.get("HX-Request") == "true")


def check(request: HttpRequest, user: User) -> str | None:
    """Before the view: "locked" or "ended" when this session must end now, else None.
    Moves the stamp (and, once a minute, the row) on when this request is activity."""
    session: SessionBase = request.session
    stamp = session.get(SEEN)
    session_key = session.session_key
    if session_key is None:
        return None
    hashed = key_hash(session_key)
    if not (isinstance(stamp, list) and len(stamp) == 2 and stamp[0] == hashed):
        # A session from before this feature, or a key that changed: start its row now.
        record(request, user, new_sign_in=False)
        return None
    now, last = _now(), int(stamp[1])
    # The stamp moves at most once a minute, so it may be up to a minute behind the last
    # request: a session locks between the chosen time and a minute after it, never before.
    if user.idle_lock_minutes and now - last > user.idle_lock_minutes * 60 + TOUCH_EVERY_SECONDS:
        return "locked"
    if now - last < TOUCH_EVERY_SECONDS or not is_activity(request):
        return None
    touched = SignedInSession.objects.filter(key_hash=hashed, user=user).update(
        last_seen=timezone.now()
    )
    if not touched:
        return "ended"  # signed out from another device
    session[SEEN] = [hashed, now]
    return None


def end(request: HttpRequest) -> None:
    """Sign out this session (the idle lock, or a session ended elsewhere)."""
    logout(request)


def forget(request: HttpRequest) -> None:
    """On `user_logged_out`: this session's row goes with it."""
    session_key = request.session.session_key if hasattr(request, "session") else None
    if session_key:
        SignedInSession.objects.filter(key_hash=key_hash(session_key)).delete()


# -- the person's own page -----------------------------------------------------------------


def current_hash(request: HttpRequest) -> str | None:
    key = request.session.session_key
    return key_hash(key) if key else None


def sessions_of(user: User) -> list[SignedInSession]:
    return list(SignedInSession.objects.filter(user=user).order_by(F("last_seen").desc()))


def own_session_or_none(user: User, session_id: Any) -> SignedInSession | None:
    return SignedInSession.objects.filter(user=user, pk=session_id).first()


def _end_row(request: HttpRequest, row: SignedInSession) -> None:
    if row.sealed_key is not None:
        try:
            key = crypto.decrypt(bytes(row.sealed_key), keyring_for(request).data_key(), _SEALED)
        except (Locked, crypto.DecryptionFailed):
            key = None
        if key is not None:
            _session_store()(session_key=key.decode()).delete()
    row.delete()


def sign_out_one(request: HttpRequest, row: SignedInSession) -> None:
    _end_row(request, row)


def sign_out_others(request: HttpRequest, user: User) -> int:
    mine = current_hash(request)
    others = [row for row in sessions_of(user) if row.key_hash != mine]
    for row in others:
        _end_row(request, row)
    return len(others)


def forget_others(request: HttpRequest, user: User) -> None:
    """After a password change, which signs every other session out by its changed hash."""
    mine = current_hash(request)
    SignedInSession.objects.filter(user=user).exclude(key_hash=mine or "").delete()


def forget_all(user: User) -> None:
    """After "sign out everywhere" or a password reset: every old session is gone anyway."""
    SignedInSession.objects.filter(user=user).delete()
