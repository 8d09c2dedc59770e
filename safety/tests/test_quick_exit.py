"""The quick exit endpoint: the no-JavaScript path of "Leave quickly"."""

from __future__ import annotations

from typing import Any

from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from conftest import Cast

EXIT = reverse("safety:quick_exit")


def test_signed_out_it_goes_to_the_neutral_page(client: Client, db: None) -> None:
    response = client.get(EXIT)
    assert response.status_code == 302
    assert response["Location"] == django_settings.QUICK_EXIT_URL
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


def test_the_address_is_the_operators(client: Client, db: None, settings: Any) -> None:
    settings.QUICK_EXIT_URL = "https://forecast.example/today"
    assert client.get(EXIT)["Location"] == "https://forecast.example/today"


def test_signed_in_it_ends_the_session_and_drops_the_key(cast: Cast) -> None:
    alice = cast.alice.client
    session_key = alice.session.session_key
    assert Session.objects.filter(session_key=session_key).exists()

    response = alice.get(EXIT)

    assert response.status_code == 302
    assert response["Location"] == django_settings.QUICK_EXIT_URL
    assert not Session.objects.filter(session_key=session_key).exists()
    assert response.cookies[django_settings.KEY_COOKIE_NAME].value == ""
    # Back in Tending, the person is asked to sign in again.
    assert alice.get(reverse("accounts:settings"))["Location"].startswith(
        reverse("accounts:sign_in")
    )


def test_it_leaves_the_partner_signed_in(cast: Cast) -> None:
    cast.alice.client.get(EXIT)
    assert cast.bob.client.get(reverse("accounts:settings")).status_code == 200


def test_post_works_too(cast: Cast) -> None:
    response = cast.alice.client.post(EXIT)
    assert response.status_code == 302
    assert cast.alice.client.get(reverse("accounts:settings")).status_code == 302
