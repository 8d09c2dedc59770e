"""Help and quick exit: both open to anyone, signed in or not."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from accounts import services as accounts
from safety import resources


@login_not_required
@require_http_methods(["GET", "HEAD"])
def help_page(request: HttpRequest) -> HttpResponse:
    local = resources.load_or_nothing(settings.HELP_RESOURCES_FILE)
    return render(request, "safety/help.html", {"local": local})


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Sign out here, then go to the neutral page; a plain link, so it works without JavaScript.

    A GET that signs out is on purpose: the person must be able to leave in one tap from
    any page, and the worst a stranger's link can do is sign someone out.
    """
    if request.user.is_authenticated:
        accounts.sign_out(request)
    response = HttpResponseRedirect(settings.QUICK_EXIT_URL)
    add_never_cache_headers(response)
    # The neutral site learns nothing of where the person came from; the browser forgets
    # what it cached of Tending's pages where it honours this header (secure contexts).
    response["Referrer-Policy"] = "no-referrer"
    response["Clear-Site-Data"] = '"cache"'
    return response
