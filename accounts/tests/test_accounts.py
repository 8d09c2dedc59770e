"""Accounts through real URLs: sign-up, sign-in and its throttle, settings, password, sign-out."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client
from django.utils.module_loading import import_string
from pytest_django import Settings

import tending.settings as real_settings
from accounts import services
from accounts.models import FailedSignIn, User
from conftest import PASSWORD, Cast, make_user
from tests.support import finish_sign_up, form_errors, text

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

SIGN_UP = "/account/sign-up/"
SIGN_IN = "/account/sign-in/"
SIGN_OUT = "/account/sign-out/"
SETTINGS = "/account/settings/"
CHANGE_PASSWORD = "/account/settings/password/"
SIGN_OUT_EVERYWHERE = "/account/settings/sign-out-everywhere/"
RECOVERY_CODE = "/account/recovery-code/"
NEW_PASSWORD = "another quiet evening walk"


def signed_in_as(client: Client) -> int | None:
    """The user id this client's session is signed in as, checked by a real request."""
    response = client.get(SETTINGS)
    if response.status_code != 200:
        return None
    user = response.wsgi_request.user
    return user.pk if isinstance(user, User) else None


def sign_up_data(**changes: str) -> dict[str, str]:
    data = {
        "display_name": "Frank",
        "email": "frank@example.test",
        "password": "slow mornings with coffee",
        "time_zone": "America/Chicago",
    }
    data.update(changes)
    return data


def sign_in(client: Client, email: str, password: str, **extra: Any) -> Response:
    return client.post(SIGN_IN, {"email": email, "password": password}, **extra)


def after_sign_up(client: Client, response: Response, email: str = "frank@example.test") -> str:
    """Where a sign-up finally lands: past the emailed link, the password once more, the
    one-time recovery code and the safety check's offer."""
    assert response.status_code == 302, text(response)
    return finish_sign_up(client, response, email, "slow mornings with coffee")


# --- Sign-up ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_up_creates_the_account_signs_in_and_keeps_time_zone() -> None:
    client = Client()
    response = client.post(
        SIGN_UP, sign_up_data(email="  Frank.Miller@Example.TEST ", display_name="  Frank  ")
    )

    assert after_sign_up(client, response, "frank.miller@example.test") == "/"
    user = User.objects.get()
    assert user.email == "frank.miller@example.test"
    assert user.display_name == "Frank"
    assert user.time_zone == "America/Chicago"
    assert user.check_password("slow mornings with coffee")
    assert signed_in_as(client) == user.pk


@pytest.mark.django_db
def test_sign_up_stores_the_password_with_argon2() -> None:
    client = Client()
    after_sign_up(client, client.post(SIGN_UP, sign_up_data()))
    user = User.objects.get()
    assert user.password.startswith("argon2$argon2id$")
    assert "slow mornings" not in user.password


def test_production_settings_hash_passwords_with_argon2_first() -> None:
    # The suite swaps in a cheaper Argon2 (conftest); the settings module itself is what ships.
    first = import_string(real_settings.PASSWORD_HASHERS[0])
    assert first is Argon2PasswordHasher
    # The test hasher is still real Argon2, only cheaper.
    fast = import_string("tending.testing.FastArgon2PasswordHasher")
    assert issubclass(fast, Argon2PasswordHasher)
    assert fast.algorithm == "argon2"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"display_name": ""}, "display_name", "Please add the name your partner knows you by."),
        (
            {"display_name": "    "},
            "display_name",
            "Please add the name your partner knows you by.",
        ),
        (
            {"display_name": "x" * 61},
            "display_name",
            "This is 61 characters; the limit here is 60. "
            "Nothing was cut: shorten it a little and save again.",
        ),
        (
            {"password": "short pw"},
            "password",
            "Please use at least 10 characters; a few words together work well.",
        ),
        (
            {"password": "qwertyuiop"},
            "password",
            "Many people use this password, so it's easy to guess. Please choose another.",
        ),
        (
            {"time_zone": "Mars/Olympus_Mons"},
            "time_zone",
            "Please choose one of the options shown.",
        ),
        (
            {"email": "not-an-email"},
            "email",
            "Please check the email address; it doesn't look complete.",
        ),
    ],
)
@pytest.mark.django_db
def test_sign_up_rejects_bad_input_with_a_clear_message(
    changes: dict[str, str], field: str, message: str
) -> None:
    make_user("Alice")
    client = Client()
    response = client.post(SIGN_UP, sign_up_data(**changes))

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in text(response)
    assert list(User.objects.values_list("email", flat=True)) == ["alice@example.test"]
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_up_accepts_a_name_of_exactly_sixty_characters() -> None:
    client = Client()
    response = client.post(SIGN_UP, sign_up_data(display_name="x" * 60))
    assert after_sign_up(client, response) == "/"
    assert User.objects.get().display_name == "x" * 60


# --- Sign-in ---------------------------------------------------------------------------------


def test_sign_in_with_the_right_password(cast: Cast) -> None:
    client = Client()
    response = sign_in(client, "Alice@Example.test", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_as(client) == cast.alice.user.pk


def test_wrong_password_and_unknown_email_look_exactly_the_same(cast: Cast) -> None:
    wrong_password = sign_in(Client(), "alice@example.test", "not the password at all")
    unknown_email = sign_in(Client(), "nobody@example.test", "not the password at all")

    assert wrong_password.status_code == unknown_email.status_code == 200
    assert form_errors(wrong_password) == form_errors(unknown_email)
    assert services.WRONG_DETAILS in form_errors(wrong_password)


def test_five_failures_block_the_sixth_attempt_even_with_the_right_password(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        assert services.WRONG_DETAILS in form_errors(sign_in(client, "alice@example.test", "nope"))

    response = sign_in(client, "alice@example.test", PASSWORD)

    assert response.status_code == 200
    assert services.SLOW_DOWN in form_errors(response)
    assert signed_in_as(client) is None


def test_four_failures_still_let_the_right_password_in(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(4):
        sign_in(client, "alice@example.test", "nope")
    assert sign_in(client, "alice@example.test", PASSWORD).status_code == 302
    assert signed_in_as(client) == cast.alice.user.pk


def test_a_partner_cannot_lock_the_other_out_from_another_device(cast: Cast) -> None:
    bobs_phone = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(8):
        sign_in(bobs_phone, "alice@example.test", "guessing")
    assert services.SLOW_DOWN in form_errors(sign_in(bobs_phone, "alice@example.test", PASSWORD))

    alices_laptop = Client(REMOTE_ADDR="203.0.113.20")
    assert sign_in(alices_laptop, "alice@example.test", PASSWORD).status_code == 302
    assert signed_in_as(alices_laptop) == cast.alice.user.pk


def test_one_address_trying_many_accounts_hits_the_per_address_limit(
    cast: Cast, settings: Settings
) -> None:
    settings.SIGN_IN_THROTTLE_PER_ADDRESS = 3
    sprayer = Client(REMOTE_ADDR="198.51.100.9")
    for name in ("bob", "carol", "dan"):
        sign_in(sprayer, f"{name}@example.test", "guessing")

    refused = sign_in(sprayer, "erin@example.test", PASSWORD)
    assert services.SLOW_DOWN in form_errors(refused)
    assert signed_in_as(sprayer) is None

    elsewhere = Client(REMOTE_ADDR="198.51.100.10")
    assert sign_in(elsewhere, "erin@example.test", PASSWORD).status_code == 302


def test_forwarded_for_is_ignored_from_an_untrusted_address(cast: Cast, settings: Settings) -> None:
    settings.TRUSTED_PROXIES = []
    client = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(5):
        sign_in(client, "alice@example.test", "nope", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    response = sign_in(client, "alice@example.test", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert services.SLOW_DOWN in form_errors(response)
    assert signed_in_as(client) is None


def test_forwarded_for_is_honoured_from_a_trusted_proxy(cast: Cast, settings: Settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    proxy = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(5):
        sign_in(proxy, "alice@example.test", "nope", HTTP_X_FORWARDED_FOR="203.0.113.5")

    blocked = sign_in(proxy, "alice@example.test", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert services.SLOW_DOWN in form_errors(blocked)
    # A client can't escape by prepending its own hop: the proxy's rightmost hop counts.
    spoofed = sign_in(
        proxy, "alice@example.test", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.5"
    )
    assert services.SLOW_DOWN in form_errors(spoofed)

    other_person = sign_in(
        proxy, "alice@example.test", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert other_person.status_code == 302
    assert signed_in_as(proxy) == cast.alice.user.pk


def test_failed_sign_ins_store_no_raw_email_or_address(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="198.51.100.77")
    sign_in(client, "Alice@Example.test", "nope")
    sign_in(client, "someone.unknown@example.test", "nope")

    rows = list(FailedSignIn.objects.values())
    assert rows
    for row in rows:
        assert re.fullmatch(r"[0-9a-f]{64}", row["key"])
        stored = " ".join(str(value) for value in row.values()).lower()
        for secret in ("alice", "someone.unknown", "example.test", "198.51.100.77"):
            assert secret not in stored


def test_a_successful_sign_in_clears_earlier_failures_for_that_device(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(4):
        sign_in(client, "alice@example.test", "nope")
    assert sign_in(client, "alice@example.test", PASSWORD).status_code == 302
    client.post(SIGN_OUT)
    for _ in range(4):
        sign_in(client, "alice@example.test", "nope")
    assert sign_in(client, "alice@example.test", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/couple/", "/couple/"),
        ("/account/settings/?tab=1", "/account/settings/?tab=1"),
        ("https://evil.example/steal", "/"),
        ("//evil.example/steal", "/"),
        ("/\\evil.example/steal", "/"),
        ("javascript:alert(1)", "/"),
        ("http://testserver.evil.example/", "/"),
        # A bare word was taken for a view name by `redirect`: a 500 (issue 13, bug 12).
        ("NaN", "/"),
        ("couple", "/"),
    ],
)
def test_next_redirects_only_to_this_site(cast: Cast, next_url: str, expected: str) -> None:
    client = Client()
    response = client.post(
        SIGN_IN, {"email": "alice@example.test", "password": PASSWORD, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == expected


@pytest.mark.django_db
def test_sign_up_next_refuses_other_sites() -> None:
    client = Client()
    response = client.post(SIGN_UP, {**sign_up_data(), "next": "https://evil.example/"})
    assert after_sign_up(client, response) == "/"
    client = Client()
    response = client.post(SIGN_UP, {**sign_up_data(email="gina@example.test"), "next": "/couple/"})
    assert after_sign_up(client, response, "gina@example.test") == "/couple/"


def test_anonymous_visitors_are_sent_to_sign_in(cast: Cast) -> None:
    response = cast.anonymous.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={SETTINGS}"


# --- Settings --------------------------------------------------------------------------------


def test_settings_update_name_and_time_zone(cast: Cast) -> None:
    response = cast.alice.client.post(
        SETTINGS, {"display_name": "  Alicia ", "time_zone": "Asia/Tokyo"}, follow=True
    )
    assert response.status_code == 200
    assert "Saved." in text(response)
    alice = User.objects.get(pk=cast.alice.user.pk)
    assert (alice.display_name, alice.time_zone) == ("Alicia", "Asia/Tokyo")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"display_name": "Alicia", "time_zone": "Nowhere/Special"},
            "We couldn't find that time zone.",
        ),
        (
            {"display_name": "   ", "time_zone": "Asia/Tokyo"},
            "Please add the name your partner knows you by.",
        ),
        (
            {"display_name": "y" * 61, "time_zone": "Asia/Tokyo"},
            "This is 61 characters; the limit here is 60. Nothing was cut",
        ),
    ],
)
def test_settings_reject_bad_input_and_change_nothing(
    cast: Cast, data: dict[str, str], message: str
) -> None:
    response = cast.alice.client.post(SETTINGS, data)
    assert response.status_code == 200
    assert message in text(response)
    alice = User.objects.get(pk=cast.alice.user.pk)
    assert (alice.display_name, alice.time_zone) == ("Alice", "Europe/Amsterdam")


# --- Password and sessions -------------------------------------------------------------------


def second_device(user: User) -> Client:
    client = Client()
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    return client


def test_password_change_refuses_a_wrong_old_password(cast: Cast) -> None:
    other = second_device(cast.alice.user)
    response = cast.alice.client.post(
        CHANGE_PASSWORD,
        {
            "old_password": "not my password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "That isn't your current password. Nothing has changed." in text(response)
    alice = User.objects.get(pk=cast.alice.user.pk)
    assert alice.check_password(PASSWORD)
    assert signed_in_as(other) == alice.pk


def test_password_change_keeps_this_device_and_signs_out_the_others(cast: Cast) -> None:
    other = second_device(cast.alice.user)
    bobs = cast.bob.client
    response = cast.alice.client.post(
        CHANGE_PASSWORD,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    alice = User.objects.get(pk=cast.alice.user.pk)
    assert alice.check_password(NEW_PASSWORD)
    assert not alice.check_password(PASSWORD)

    assert signed_in_as(cast.alice.client) == alice.pk
    assert signed_in_as(other) is None
    assert signed_in_as(bobs) == cast.bob.user.pk
    assert sign_in(Client(), alice.email, NEW_PASSWORD).status_code == 302


def test_sign_out_everywhere_needs_the_password(cast: Cast) -> None:
    other = second_device(cast.alice.user)
    response = cast.alice.client.post(SIGN_OUT_EVERYWHERE, {"password": "wrong one"})
    assert response.status_code == 200
    assert "That password doesn't match. Nothing has changed." in text(response)
    assert User.objects.get(pk=cast.alice.user.pk).session_generation == 0
    assert signed_in_as(cast.alice.client) == cast.alice.user.pk
    assert signed_in_as(other) == cast.alice.user.pk


def test_sign_out_everywhere_signs_out_every_device_including_this_one(cast: Cast) -> None:
    other = second_device(cast.alice.user)
    response = cast.alice.client.post(SIGN_OUT_EVERYWHERE, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN

    assert signed_in_as(cast.alice.client) is None
    assert signed_in_as(other) is None
    assert signed_in_as(cast.bob.client) == cast.bob.user.pk
    # The account itself still works.
    fresh = Client()
    assert sign_in(fresh, "alice@example.test", PASSWORD).status_code == 302
    assert signed_in_as(fresh) == cast.alice.user.pk


def test_sign_out_is_post_only(cast: Cast) -> None:
    assert cast.alice.client.get(SIGN_OUT).status_code == 405
    assert signed_in_as(cast.alice.client) == cast.alice.user.pk

    response = cast.alice.client.post(SIGN_OUT)
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert signed_in_as(cast.alice.client) is None


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),  # not offered
        ("  buenos aires ", "America/Argentina/Buenos_Aires"),  # a city naming one zone
        ("asia/kathmandu", "Asia/Kathmandu"),  # any case
        ("Etc/GMT+5", "Etc/GMT+5"),
    ],
)
def test_settings_take_any_zone_as_typed(cast: Cast, typed: str, saved: str) -> None:
    response = cast.alice.client.post(SETTINGS, {"display_name": "Alice", "time_zone": typed})
    assert response.status_code == 302
    assert User.objects.get(pk=cast.alice.user.pk).time_zone == saved


def test_settings_page_offers_common_zones_without_listing_all(cast: Cast) -> None:
    response = cast.alice.client.get(SETTINGS)
    page = response.content.decode()
    assert 'value="Europe/Amsterdam"' in page  # her zone, in the box
    assert 'list="id_time_zone_list"' in page
    assert '<option value="America/Chicago">' in page
    assert "Asia/Kathmandu" not in page  # typed, not listed
    assert len(response.content) < 12_000
