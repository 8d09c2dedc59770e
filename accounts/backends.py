"""How a signed-in person is loaded on each request."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import User

# What a session signed in before this backend existed names; it still loads the person.
PLAIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
BACKEND = "accounts.backends.PersonBackend"


class PersonBackend(ModelBackend):
    """Django's own model backend, except that the person's key row comes in the same query
    as the person: nearly every page opens their keys (privacy.keys reads the row from
    there), so that saves a query on each of them."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = User._default_manager.select_related("keys").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            # Stop here: the plain backend after this one would check the password again.
            raise PermissionDenied
        return user
