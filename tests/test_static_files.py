"""Static files from the first `./tend start` (hashed, gzip and brotli, a year); HTML gzipped."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from pytest_django import Settings

from tending.management.commands.serve import collect_static

PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"


@pytest.fixture
def collected(settings: Settings, tmp_path: Path) -> Path:
    """Collect the way `serve` does, in a process whose settings chose the plain storage
    (as on a first start, when no manifest existed yet)."""
    root = tmp_path / "static"
    settings.STATIC_ROOT = root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN}}
    collect_static()
    return root


def test_the_first_collect_writes_a_manifest_and_compressed_files(collected: Path) -> None:
    manifest = json.loads((collected / "staticfiles.json").read_text())
    hashed = manifest["paths"]["tending/app.css"]
    assert re.fullmatch(r"tending/app\.[0-9a-f]{12}\.css", hashed)
    for name in (hashed, manifest["paths"]["tending/app.js"]):
        assert (collected / name).is_file()
        assert (collected / f"{name}.gz").is_file()
        assert (collected / f"{name}.br").is_file()


def test_the_next_process_serves_hashed_compressed_files_kept_a_year(
    db: None, collected: Path, settings: Settings
) -> None:
    # What gunicorn's workers see: settings loaded after the collect found the manifest.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": settings.MANIFEST_STORAGE}}
    settings.WHITENOISE_USE_FINDERS = False
    page = Client().get("/account/sign-in/").content.decode()
    found = re.search(r'href="(/static/tending/app\.[0-9a-f]{12}\.css)"', page)
    assert found, "the page should link the hashed stylesheet"
    url = found.group(1)

    browser = Client()
    brotli = browser.get(url, headers={"accept-encoding": "gzip, br"})
    assert brotli.status_code == 200
    assert brotli["Content-Encoding"] == "br"
    assert brotli["Cache-Control"] == "max-age=31536000, public, immutable"
    gzip = browser.get(url, headers={"accept-encoding": "gzip"})
    assert gzip["Content-Encoding"] == "gzip"
    plain = browser.get(url)
    assert "Content-Encoding" not in plain
    assert int(brotli["Content-Length"]) < int(plain["Content-Length"]) / 2


def test_unhashed_names_are_not_kept_for_long(db: None) -> None:
    # Before any collect (tests, a first `manage.py runserver`) names don't change with content.
    response = Client().get("/static/tending/app.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]


def test_pages_are_compressed_for_browsers_that_accept_gzip(db: None) -> None:
    client = Client()
    compressed = client.get("/account/sign-up/", headers={"accept-encoding": "gzip, br"})
    assert compressed.status_code == 200
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    plain = client.get("/account/sign-up/")
    assert "Content-Encoding" not in plain
    assert len(compressed.content) < len(plain.content) / 2


def test_static_files_are_not_compressed_again_on_the_fly(db: None) -> None:
    # WhiteNoise answers before GZipMiddleware sees the response: no gzip of a stream.
    response = Client().get("/static/tending/app.css", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response
