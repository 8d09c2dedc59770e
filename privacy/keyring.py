"""The keys a signed-in person holds for one request.

At sign-in the data key is encrypted under a random per-session secret. The
ciphertext lives in the server-side session; the secret lives only in a separate
HttpOnly cookie in the person's browser. The database (sessions included) plus
the server's own secrets therefore cannot open anyone's data key.
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

from privacy import crypto, keys

if TYPE_CHECKING:
    from accounts.models import User

SESSION_FIELD = "privacy.sealed_data_key"


class Locked(Exception):
    """This browser can't open the keys (no key cookie, or a session from before a change)."""


class Keyring:
    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self._data_key: bytes | None = None
        self._private_key: bytes | None = None
        self._couple_keys: dict[int, bytes | None] = {}
        self._retired: set[bytes] | None = None
        self.new_cookie_secret: bytes | None = None

    # -- unlocking -------------------------------------------------------------
    def _session_secret(self) -> bytes:
        if self.new_cookie_secret is not None:
            return self.new_cookie_secret
        raw = self._request.COOKIES.get(settings.KEY_COOKIE_NAME, "")
        try:
            secret = base64.urlsafe_b64decode(raw.encode())
        except (binascii.Error, ValueError):
            raise Locked from None
        if len(secret) != crypto.KEY_BYTES:
            raise Locked
        return secret

    def hold(self, data_key: bytes) -> None:
        """Keep the data key for this session (called right after sign-in or sign-up)."""
        self.new_cookie_secret = crypto.new_key()
        sealed = crypto.encrypt(data_key, self.new_cookie_secret, b"tending:session-key")
        self._request.session[SESSION_FIELD] = base64.b64encode(sealed).decode()
        self._data_key = data_key
        self._private_key = None
        self._couple_keys.clear()

    @property
    def user(self) -> User:
        from tending.http import signed_in_user

        return signed_in_user(self._request)

    @property
    def is_unlocked(self) -> bool:
        try:
            self.data_key()
        except Locked:
            return False
        return True

    def data_key(self) -> bytes:
        if self._data_key is None:
            stored = self._request.session.get(SESSION_FIELD)
            if not stored:
                raise Locked
            try:
                sealed = base64.b64decode(stored)
                self._data_key = crypto.decrypt(
                    sealed, self._session_secret(), b"tending:session-key"
                )
            except (crypto.DecryptionFailed, binascii.Error, ValueError):
                raise Locked from None
        return self._data_key

    def private_key(self) -> bytes:
        if self._private_key is None:
            self._private_key = keys.private_key(self.user, self.data_key())
        return self._private_key

    def couple_key(self, couple_id: int) -> bytes | None:
        """The couple key, or None until the partner's next visit hands it over."""
        if couple_id not in self._couple_keys:
            self._couple_keys[couple_id] = keys.open_couple_key(
                couple_id, self.user, self.private_key()
            )
        return self._couple_keys[couple_id]

    def retired_key_ids(self) -> set[bytes]:
        if self._retired is None:
            self._retired = keys.retired_key_ids(self.user)
        return self._retired

    def sealed_value(self, value: str) -> str:
        """Encrypt a short value (a recovery code to show once) for this session only."""
        return base64.b64encode(
            crypto.encrypt(value.encode(), self._session_secret(), b"tending:session-value")
        ).decode()

    def open_value(self, stored: str) -> str:
        try:
            return crypto.decrypt(
                base64.b64decode(stored), self._session_secret(), b"tending:session-value"
            ).decode()
        except (crypto.DecryptionFailed, binascii.Error, ValueError):
            raise Locked from None


def keyring_for(request: HttpRequest) -> Keyring:
    ring = getattr(request, "keyring", None)
    if not isinstance(ring, Keyring):
        ring = Keyring(request)
        request.keyring = ring  # type: ignore[attr-defined]
    return ring


class PasswordKeyring(Keyring):
    """Keys opened from a freshly re-entered password (export, deletion), not the session."""

    def __init__(self, user: User, password: str) -> None:
        self._user = user
        self._data_key = keys.unlock_with_password(user, password)
        self._private_key = None
        self._couple_keys = {}
        self._retired = None
        self.new_cookie_secret = None

    @property
    def user(self) -> User:
        return self._user
