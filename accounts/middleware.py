from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts import signins
from accounts.models import User
from accounts.request_scope import request_scope

LOCKED = "Tending locked itself after a quiet while. Please sign in again to go on."
ENDED = "This device was signed out from another one. Please sign in again to go on."


class ActivateTimeZoneMiddleware:
    """Show every date and time in the signed-in person's own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.zone)
        else:
            timezone.deactivate()
        return self.get_response(request)


class SignedInSessionMiddleware:
    """Keeps the person's list of signed-in sessions, ends a session signed out from another
    device, and locks an idle one (see `accounts.signins`). Sits after the messages
    middleware, so the sign-in page can say why; the login-required check that runs before
    the view then sends the person to sign in, with the page they were on as `next`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User) and user.is_authenticated:
            # From here on the person object itself, not AuthenticationMiddleware's lazy
            # stand-in for it: each attribute read through the stand-in is a proxy call,
            # and a page's services read `user.pk` and the like a few thousand times.
            user = request.user = getattr(user, "_wrapped", user)
            verdict = signins.check(request, user)
            if verdict is not None:
                signins.end(request)
                messages.info(request, LOCKED if verdict == "locked" else ENDED)
        response = self.get_response(request)
        if getattr(request, signins.NEW_SIGN_IN, False):
            signed_in = request.user
            if isinstance(signed_in, User) and signed_in.is_authenticated:
                signins.record(request, signed_in, new_sign_in=True)
        return response


class RequestScopeMiddleware:
    """Opens the request scope (accounts/request_scope.py) for the rest of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope():
            return self.get_response(request)
