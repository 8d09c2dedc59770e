"""People who use Tending. Identity and settings only; never entry text."""

from __future__ import annotations

import uuid
import zoneinfo
from functools import cache
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


@cache
def time_zone_names() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory"}))


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(unique=True, max_length=254)
    display_name = models.CharField(max_length=60)
    time_zone = models.CharField(max_length=64, default="UTC")
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Bumped by "sign out everywhere": every session's auth hash stops matching.
    session_generation = models.PositiveIntegerField(default=0)
    # Lock this person's sessions after so many minutes without activity (0: never).
    idle_lock_minutes = models.PositiveSmallIntegerField(default=0)
    # An email when this account is signed in somewhere new (off unless chosen).
    tell_new_sign_ins = models.BooleanField(default=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "accounts.User.session",
            f"{self.password}:{self.session_generation}",
            algorithm="sha256",
        ).hexdigest()

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class FailedSignIn(models.Model):
    """A failed sign-in, keyed by a keyed hash so no raw email or address is stored."""

    key = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Failed sign-in at {self.at:%Y-%m-%d %H:%M}"


class SignedInSession(models.Model):
    """One signed-in session of a person, for their "Devices and sign-ins" page.

    Django's session store can't list a person's sessions, so each sign-in keeps a row:
    a keyed hash of the session key (to find the row from a request), the session key
    itself sealed under the person's own data key (so only they, signed in, can end that
    session from elsewhere), and a summary of the browser. Touched at most once a minute.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True)
    sealed_key = models.BinaryField(null=True, editable=False)
    device = models.CharField(max_length=20, blank=True)
    browser = models.CharField(max_length=40, blank=True)
    system = models.CharField(max_length=40, blank=True)
    first_seen = models.DateTimeField(default=timezone.now)
    last_seen = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["user", "last_seen"])]

    def __str__(self) -> str:
        return f"{self.browser} on {self.system}"


class PendingSignUp(models.Model):
    """A sign-up waiting for its email to be confirmed. No account exists until then.

    The password is kept only as its hash (to check it again when the link is opened, where
    the keys are made from it); the link's token only as a keyed hash."""

    email = models.EmailField(max_length=254, db_index=True)
    display_name = models.CharField(max_length=60)
    time_zone = models.CharField(max_length=64, default="UTC")
    password = models.CharField(max_length=128)
    token_hash = models.CharField(max_length=64, unique=True)
    next_path = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"Sign-up waiting since {self.created_at:%Y-%m-%d %H:%M}"
