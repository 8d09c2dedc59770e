"""Installable: the manifest parses, its icons exist in the sizes named, the service worker
and the offline page are public and carry nothing of anyone's."""

from __future__ import annotations

import json
import struct

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from conftest import Cast


def png_size(path: str) -> tuple[int, int]:
    with open(path, "rb") as image:
        head = image.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_manifest_parses_and_its_icons_exist_in_their_sizes(client: Client) -> None:
    response = client.get(reverse("manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Tending" and manifest["short_name"] == "Tending"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#") and manifest["background_color"].startswith("#")
    sizes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon["src"]
        width, height = png_size(str(path))
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add((icon["sizes"], icon.get("purpose", "any")))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_pages_link_the_manifest_the_favicon_and_the_touch_icon(client: Client) -> None:
    page = client.get(reverse("welcome")).content.decode()
    for rel in ('rel="manifest"', 'rel="icon"', 'rel="apple-touch-icon"'):
        assert rel in page
    assert finders.find("today/apple-touch-icon.png") and finders.find("today/favicon-32.png")


def test_the_service_worker_caches_only_static_files_and_the_offline_page(cast: Cast) -> None:
    response = cast.alice.client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert '"/offline/"' in body and 'credentials: "omit"' in body
    # Only two places put anything in the cache: the install list and static responses.
    assert body.count("cache.put(") == 1 and body.count("cache.addAll(") == 1
    assert "url.pathname.startsWith(STATIC)" in body


def test_the_offline_page_is_the_same_for_everyone(cast: Cast) -> None:
    anonymous = cast.anonymous.get(reverse("offline")).content
    signed_in = cast.alice.client.get(reverse("offline")).content
    assert anonymous == signed_in
    assert b"csrfmiddlewaretoken" not in signed_in and b"Alice" not in signed_in
