"""Installing Tending like an app: the manifest, the service worker, the offline page.

All three are public and carry nothing of anyone's: the service worker caches only static
files and the offline page (fetched without cookies), never a page a person is signed in to.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control

THEME = "#2f6353"
BACKGROUND = "#faf7f2"
# What the service worker keeps for offline use: the look of the offline page, nothing else.
SHELL = ("tending/app.css", "today/icon-192.png", "today/favicon-32.png")


@login_not_required
@cache_control(max_age=3600)
def manifest(request: HttpRequest) -> HttpResponse:
    icons = [
        {"src": static("today/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("today/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("today/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    body = {
        "name": "Tending",
        "short_name": "Tending",
        "description": "A private companion for two partners rebuilding trust.",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME,
        "background_color": BACKGROUND,
        "icons": icons,
    }
    return HttpResponse(json.dumps(body, indent=2), content_type="application/manifest+json")


@login_not_required
@cache_control(no_cache=True)
def service_worker(request: HttpRequest) -> HttpResponse:
    # The file's bytes change whenever a static file's hashed name does, so browsers update it.
    response = render(
        request,
        "today/sw.js",
        {
            "offline_url": json.dumps(reverse("offline")),
            "shell": json.dumps([static(name) for name in SHELL]),
            "static_prefix": json.dumps(static("")),
        },
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@login_not_required
def offline(request: HttpRequest) -> HttpResponse:
    """The page shown when there's no connection: the same for everyone, signed in or not."""
    return render(request, "today/offline.html")
