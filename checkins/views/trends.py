"""Trends: a person's own check-ins over the weeks, their partner's shared ones beside them,
and, for the repairing partner, the new evidence. The page is built by
`checkins.presenters.trends` from the check-ins this person may see; a partner's private
check-in never reaches this page, not even as a count."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from checkins.presenters.trends import trends_context
from privacy.kept_pages import kept_briefly
from privacy.keyring import keyring_for
from tending.http import signed_in_user


@require_GET
@kept_briefly
def trends(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own trends; never a score, never a comparison."""
    span = "year" if request.GET.get("span") == "year" else "weeks"
    context = trends_context(keyring_for(request), signed_in_user(request), span)
    return render(request, "checkins/trends.html", context)
