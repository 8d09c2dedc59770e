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
from privacy.access import NOT_FOUND
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user

DONE = {
    "start": "Your calendar feed is ready. Add its address to your calendar app.",
    "regenerate": (
        "Your feed has a new address. The old one has stopped working; "
        "add the new one to your calendar app."
    ),
    "titles_on": "Your calendar will show the titles of your commitments.",
    "titles_off": "Your calendar will show only the kind of each occasion again.",
    "stop": "Your calendar feed is off, and its address no longer works.",
}


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
        if action in DONE:
            _act(request, action)
            messages.success(request, DONE[action])
        else:
            messages.info(request, "Nothing changed.")
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
    context = {
        "feed": feed,
        "url": url,
        "webcal": url.replace("https://", "webcal://", 1).replace("http://", "webcal://", 1)
        if url
        else None,
        "lost": lost,
        "days_back": feeds.DAYS_BACK,
        "days_ahead": feeds.DAYS_AHEAD,
    }
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
