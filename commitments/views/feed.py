"""The private calendar feed: its settings page, and the .ics a calendar app fetches."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods

from commitments import feed as feeds
from commitments.presenters import feed as presenters
from privacy.access import NOT_FOUND
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user


def _act(request: HtmxHttpRequest, action: str) -> None:
    ring = keyring_for(request)
    if action == "start":
        feeds.start_feed(ring)
    elif action == "regenerate":
        feeds.regenerate(ring)
    elif action in ("titles_on", "titles_off"):
        feeds.set_show_titles(ring, action == "titles_on")
    elif action == "stop":
        feeds.stop_feed(ring.user)


@require_http_methods(["GET", "POST"])
def settings_page(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in presenters.DONE:
            _act(request, action)
            messages.success(request, presenters.DONE[action])
        else:
            messages.info(request, presenters.NOTHING_CHANGED)
        return redirect("commitments:feed_settings")

    ring = keyring_for(request)
    feed = feeds.feed_of(user)
    url = lost = None
    if feed is not None:
        try:
            token = feeds.open_token(feed, ring)
        except feeds.FeedLost:
            lost = True
        else:
            url = request.build_absolute_uri(reverse("commitments:feed", args=[token]))
            feeds.refresh_feed_titles(ring)
    context = presenters.settings_context(feed, url, lost)
    response = render(request, "commitments/feed_settings.html", context)
    add_never_cache_headers(response)  # the page shows a secret address
    return response


@login_not_required  # a calendar app has no session: the secret address is the credential
@require_http_methods(["GET", "HEAD"])
def ics(request: HttpRequest, feed_token: str) -> HttpResponse:
    feed = feeds.find_feed(feed_token)
    if feed is None:
        raise Http404(NOT_FOUND)
    response = HttpResponse(feeds.build_ics(feed, feed_token), content_type="text/calendar")
    response["Content-Type"] = "text/calendar; charset=utf-8"
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="tending.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
