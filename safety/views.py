"""Help and quick exit: both open to anyone, signed in or not."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts import services as accounts
from privacy.keyring import keyring_for
from safety import check, resources, services
from safety.forms import SafetyCheckForm
from tending.http import local_path


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


# -- the private safety check ------------------------------------------------------------


def _next_path(request: HttpRequest) -> str | None:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    return local_path(candidate, request)


@require_http_methods(["GET", "POST"])
def safety_check(request: HttpRequest) -> HttpResponse:
    """A few questions, answered alone. `next` is where "Not now" and "Go on" lead (sign-up
    offers the check this way, skippably)."""
    form = SafetyCheckForm(request.POST if request.method == "POST" else None)
    next_path = _next_path(request)
    if request.method == "POST" and form.is_valid():
        services.answer_safety_check(keyring_for(request), form.cleaned_data)
        target = reverse("safety:check_result")
        if next_path:
            target += "?" + urlencode({"next": next_path})
        return HttpResponseRedirect(target)
    response = render(request, "safety/check.html", {"form": form, "next": next_path})
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "HEAD"])
def safety_check_result(request: HttpRequest) -> HttpResponse:
    """What the person's own latest answers suggest, for their eyes only."""
    answers = services.latest_answers(keyring_for(request))
    if answers is None:
        return redirect("safety:check")
    context = {
        "danger": check.suggests_danger(answers),
        "reasons": check.reasons(answers),
        "next": _next_path(request),
    }
    response = render(request, "safety/check_result.html", context)
    add_never_cache_headers(response)
    return response
