"""Today, the day's page; More, every practice in one list; the welcome for a first visit."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from privacy.kept_pages import kept_briefly
from privacy.keyring import keyring_for
from tending.http import signed_in_user
from today import presenter


@login_not_required
@kept_briefly
def today(request: HttpRequest) -> HttpResponse:
    """Signed in, the day's page; signed out, what Tending is (a first visitor lands here)."""
    if not request.user.is_authenticated:
        return welcome(request)
    user = signed_in_user(request)
    context = presenter.today_context(user, keyring_for(request), request.session)
    return render(request, "today/today.html", context)


@login_not_required
def welcome(request: HttpRequest) -> HttpResponse:
    return render(request, "today/welcome.html")


@require_POST
def guide(request: HttpRequest) -> HttpResponse:
    """Skip today's suggestion, or all of them. Nothing is recorded beyond this device."""
    presenter.skip_suggestion(
        request.session,
        request.POST.get("step", ""),
        all_of_them=request.POST.get("all") == "yes",
    )
    return redirect("today")


def more(request: HttpRequest) -> HttpResponse:
    signed_in_user(request)
    return render(request, "today/more.html")
