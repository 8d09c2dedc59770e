"""Account state changes. Views parse and render; the rules live here."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.http import urlsafe_base64_decode

from accounts import devices, signins, throttle, two_factor
from accounts.backends import BACKEND
from accounts.models import PendingSignUp, User
from accounts.tasks import send_password_reset
from outbox import services as outbox
from privacy import crypto, keys
from privacy.keyring import keyring_for

RECOVERY_TO_SHOW = "accounts.recovery_code_to_show"


class SignInRefused(Exception):
    """Sign-in failed; the message never says whether the account exists."""


WRONG_DETAILS = "That email and password don't match an account. Please try again."
SLOW_DOWN = (
    "Too many attempts from this device. Please wait a few minutes and try again. "
    "A device where you've signed in before still works."
)
WRONG_RECOVERY = (
    "Those details don't match. If you use an authenticator app, check its code too. "
    "Nothing has changed."
)


def create_account(
    *, email: str, password: str, display_name: str, time_zone: str
) -> tuple[User, bytes, str]:
    """A person and their keys. Returns (user, data key, recovery code to show once)."""
    with transaction.atomic():
        user = User.objects.create_user(
            email=email, password=password, display_name=display_name, time_zone=time_zone
        )
        data_key, code = keys.create_person_keys(user, password)
    return user, data_key, code


def _start_session(request: HttpRequest, user: User, data_key: bytes) -> None:
    login(request, user, backend=BACKEND)
    keyring_for(request).hold(data_key)


def _offer_recovery_code(request: HttpRequest, code: str) -> None:
    request.session[RECOVERY_TO_SHOW] = keyring_for(request).sealed_value(code)


PENDING_DAYS = 3
SIGN_UP_SENT = "accounts.sign_up_sent_to"
CONFIRM_WRONG_PASSWORD = (
    "That isn't the password you chose when you signed up. Please try again; "
    "nothing has been made yet."
)
CONFIRM_TAKEN = (
    "This email has an account now, so this link can't make another. "
    "You can sign in with it instead."
)


def _token_hash(token: str) -> str:
    return salted_hmac("accounts.sign_up", token, algorithm="sha256").hexdigest()


def sign_up(
    request: HttpRequest,
    *,
    email: str,
    password: str,
    display_name: str,
    time_zone: str,
    next_path: str = "",
) -> None:
    """Step one of two: nothing is made yet, and nothing says whether the email has an
    account. Either way the password is hashed once and one email is queued: for a new
    address, a link that finishes the account (`finish_sign_up`); for an address that has
    an account, a note to its owner that someone tried. The page after is the same."""
    email = email.strip().lower()
    hashed = make_password(password)  # the one expensive step, the same on both paths
    address = throttle.client_address(request)
    if throttle.is_blocked("sign-up", email, address):
        return  # the same answer; nothing more is sent to that inbox for a while
    throttle.record_failure("sign-up", email, address)  # counts sign-ups, not failures
    if _email_taken(email):
        _tell_owner_of_taken_email(email)
        return
    token = secrets.token_urlsafe(32)
    PendingSignUp.objects.filter(created_at__lt=timezone.now() - _pending_age()).delete()
    PendingSignUp.objects.create(
        email=email,
        display_name=display_name,
        time_zone=time_zone,
        password=hashed,
        token_hash=_token_hash(token),
        next_path=next_path[:500],
    )
    link = request.build_absolute_uri(reverse("accounts:confirm_sign_up", args=[token]))
    body = render_to_string(
        "accounts/email/confirm_sign_up.txt",
        {"name": display_name, "link": link, "days": PENDING_DAYS},
    )
    outbox.enqueue(to=email, subject="Finish making your Tending account", body=body)


def _pending_age() -> timedelta:
    return timedelta(days=PENDING_DAYS)


def _email_taken(email: str) -> bool:
    return User.objects.filter(email=email).exists()


def _tell_owner_of_taken_email(email: str) -> None:
    owner = User.objects.filter(email=email).first()
    if owner is None:
        return
    body = render_to_string(
        "accounts/email/sign_up_taken.txt",
        {"user": owner, "sign_in": settings.SITE_URL + "/account/sign-in/"},
    )
    # At most one such email per account per hour, however often someone tries.
    outbox.enqueue(
        to=owner.email,
        subject="Someone tried to make a Tending account with your email",
        body=body,
        dedupe_key=f"sign-up-taken:{owner.pk}:{timezone.now():%Y%m%d%H}",
        user=owner,
    )


def pending_sign_up(token: str) -> PendingSignUp | None:
    """The sign-up a link finishes, while it is fresh."""
    if not token or len(token) > 100:
        return None
    return PendingSignUp.objects.filter(
        token_hash=_token_hash(token), created_at__gte=timezone.now() - _pending_age()
    ).first()


def finish_sign_up(request: HttpRequest, pending: PendingSignUp, password: str) -> User:
    """Step two: the emailed link, and the password chosen at step one, which the keys are
    made from. The account exists from here; the person is signed in."""
    address = throttle.client_address(request)
    device = devices.known_device(request, pending.email)
    if throttle.is_blocked("sign-in", pending.email, address, device):
        raise SignInRefused(SLOW_DOWN)
    if not check_password(password, pending.password):
        throttle.record_failure("sign-in", pending.email, address, device)
        raise SignInRefused(CONFIRM_WRONG_PASSWORD)
    try:
        with transaction.atomic():
            user, data_key, code = create_account(
                email=pending.email,
                password=password,
                display_name=pending.display_name,
                time_zone=pending.time_zone,
            )
            # Every link for the address is used up with the account, in its transaction:
            # never an account whose links (and password hash) outlive a failure between.
            PendingSignUp.objects.filter(email=pending.email).delete()
    except IntegrityError:  # the address got an account since (another link, made first)
        PendingSignUp.objects.filter(email=pending.email).delete()
        raise SignInRefused(CONFIRM_TAKEN) from None
    if request.user.is_authenticated:
        logout(request)
    _start_session(request, user, data_key)
    _offer_recovery_code(request, code)
    devices.remember(request, pending.email)
    return user


def sign_in(request: HttpRequest, *, email: str, password: str) -> User | None:
    """Signs the person in, or, when they turned on two-step sign-in, returns None with the
    second step waiting (see accounts.two_factor)."""
    email = email.strip().lower()
    address = throttle.client_address(request)
    device = devices.known_device(request, email)
    if throttle.is_blocked("sign-in", email, address, device):
        raise SignInRefused(SLOW_DOWN)
    # The key derivation starts first and runs beside the password check; authenticate()
    # hashes a dummy password for unknown emails, and begin_unlock derives under a throwaway
    # salt for them, so the work matches too.
    unlocking = keys.begin_unlock(email, password)
    user = authenticate(request, email=email, password=password)
    if not isinstance(user, User):
        unlocking.wait()
        throttle.record_failure("sign-in", email, address, device)
        raise SignInRefused(WRONG_DETAILS)
    throttle.clear("sign-in", email, address, device)
    if unlocking.holds_keys_of(user) and two_factor.has_second_step(user):
        two_factor.begin(request, user, unlocking.data_key(user), email)
        return None
    if unlocking.holds_keys_of(user):
        _start_session(request, user, unlocking.data_key(user))
    else:  # an account made outside sign-up (createsuperuser): give it keys now
        unlocking.wait()
        data_key, code = keys.create_person_keys(user, password)
        _start_session(request, user, data_key)
        _offer_recovery_code(request, code)
    devices.remember(request, email)
    return user


def recovery_code_to_show(request: HttpRequest) -> str | None:
    stored = request.session.get(RECOVERY_TO_SHOW)
    if not stored:
        return None
    try:
        return keyring_for(request).open_value(stored)
    except Exception:
        request.session.pop(RECOVERY_TO_SHOW, None)
        return None


def recovery_code_seen(request: HttpRequest) -> None:
    request.session.pop(RECOVERY_TO_SHOW, None)


def new_recovery_code(request: HttpRequest, user: User, password: str) -> None:
    """After re-entering the password: a new code replaces the old one, shown once."""
    data_key = keys.unlock_with_password(user, password)
    _offer_recovery_code(request, keys.new_recovery_code(user, data_key))


def sign_out(request: HttpRequest) -> None:
    logout(request)


@transaction.atomic
def change_password(request: HttpRequest, user: User, old_password: str, new_password: str) -> None:
    data_key = keys.unlock_with_password(user, old_password)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    keys.rewrap_for_password(user, data_key, new_password)
    # Other devices are signed out by the changed hash; this one stays signed in.
    update_session_auth_hash(request, user)
    signins.forget_others(request, user)


def reset_with_recovery_code(
    request: HttpRequest,
    *,
    email: str,
    recovery_code: str,
    new_password: str,
    second_code: str = "",
) -> User:
    """Forgot the password but kept the code: everything is kept. The code works once: the
    data key is wrapped again under a new code, which is shown once, like the first."""
    email = email.strip().lower()
    address = throttle.client_address(request)
    device = devices.known_device(request, email)
    if throttle.is_blocked("recovery", email, address, device):
        raise SignInRefused(SLOW_DOWN)
    user = User.objects.filter(email=email, is_active=True).first()
    try:
        if user is None or not keys.has_keys(user):
            keys.same_work_as_unlocking(recovery_code)
            raise crypto.DecryptionFailed
        data_key = keys.unlock_with_recovery_code(user, recovery_code)
        # With two-step sign-in on, the recovery code alone changes nothing.
        if two_factor.has_second_step(user) and not two_factor.verify(user, second_code):
            raise crypto.DecryptionFailed
    except crypto.DecryptionFailed:
        throttle.record_failure("recovery", email, address, device)
        raise SignInRefused(WRONG_RECOVERY) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.session_generation = F("session_generation") + 1
        user.save(update_fields=["password", "session_generation"])
        user.refresh_from_db(fields=["session_generation"])
        keys.rewrap_for_password(user, data_key, new_password)
        code = keys.new_recovery_code(user, data_key)
    throttle.clear("recovery", email, address, device)
    signins.forget_all(user)  # the changed password ended every other session
    _start_session(request, user, data_key)
    _offer_recovery_code(request, code)
    devices.remember(request, email)
    return user


def request_reset_email(request: HttpRequest, email: str) -> None:
    """Queue a reset link. The reply, and the work behind it, are the same whether or not
    the account exists: a task is queued either way, and finds no one for an unknown email."""
    address = throttle.client_address(request)
    if throttle.is_blocked("reset-email", email, address):
        return
    throttle.record_failure("reset-email", email, address)  # counts requests, not failures
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    user_id = user.pk if user is not None else None
    origin = request.build_absolute_uri("/")
    transaction.on_commit(lambda: send_password_reset.enqueue(user_id, origin))


def user_for_reset_link(uidb64: str, token: str) -> User | None:
    try:
        user_id = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def reset_without_recovery_code(request: HttpRequest, user: User, new_password: str) -> None:
    """Forgot both: new keys. Private entries become unreadable; shared ones return when
    the partner next visits and hands over the couple key again."""
    with transaction.atomic():
        user.set_password(new_password)
        user.session_generation = F("session_generation") + 1
        user.save(update_fields=["password", "session_generation"])
        user.refresh_from_db(fields=["session_generation"])
        data_key, code = keys.replace_person_keys(user, new_password)
    signins.forget_all(user)  # the changed password ended every other session
    _start_session(request, user, data_key)
    _offer_recovery_code(request, code)


def sign_out_everywhere(request: HttpRequest, user: User) -> None:
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    signins.forget_all(user)
    logout(request)
