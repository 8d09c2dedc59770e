"""Small request helpers shared by every app."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
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


def local_path(candidate: str, request: HttpRequest) -> str | None:
    """`candidate` when it is a path on this site ("/today/"), else None. A bare word
    ("NaN") would be taken by `redirect` for a view name and fail; another host or scheme
    would send the person away."""
    if not candidate.startswith("/") or candidate.startswith(("//", "/\\")):
        return None
    if any(ord(c) < 32 for c in candidate):
        return None
    if not url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return candidate
