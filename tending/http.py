"""Small request helpers shared by every app."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import User


class HtmxHttpRequest(HttpRequest):
    """The request type views see: django-htmx adds `request.htmx`."""

    htmx: HtmxDetails


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in person. LoginRequiredMiddleware guarantees one on non-public views."""
    user = request.user
    assert isinstance(user, User), "view reached without a signed-in user"
    return user
