"""Passkeys (issue 17): added from settings, used at the sign-in's second step, removed with
the password; refused calmly for garbage, replays, clones and other people's passkeys.

Answers are made by a software authenticator (soft_authenticator.py) from the options the
pages send, and checked by the server with py_webauthn, as a real phone's would be. The
browser journey (tests/browser/test_passkeys_journey.py) does the same with Chromium's
virtual authenticator.
"""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from django.core.checks import Error, Warning
from django.test import Client, RequestFactory, override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp_webauthn.models import WebAuthnCredential

from accounts import passkeys, two_factor
from accounts.checks import check_passkey_settings
from accounts.models import FailedSignIn
from accounts.passkey_forms import NO_ANSWER
from accounts.tests.soft_authenticator import SoftAuthenticator, b64
from conftest import PASSWORD, Cast
from privacy.keyring import SESSION_FIELD
from tests.support import is_signed_in, text
from tests.test_security import inline_code

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

HOST = "localhost:8000"  # the default TENDING_SITE_URL's host: passkeys work there
SIGN_IN = "/account/sign-in/"
SECOND_STEP = "/account/sign-in/code/"
WITH_PASSKEY = "/account/sign-in/passkey/"
PASSKEYS = "/account/settings/passkeys/"
NEW = "/account/settings/passkeys/new/"
NOTES = "/notes/"


def form_errors(response: Response) -> str:
    found = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', text(response), re.S)
    return re.sub(r"</?p>", "", found.group(1)).strip() if found else ""


def shown_messages(response: Response) -> str:
    found = re.search(r'<div class="messages" role="status">(.*?)</div>', text(response), re.S)
    return found.group(1) if found else ""


def options_in(response: Response) -> dict[str, Any]:
    page = response.content.decode()
    assert not inline_code(page), "no inline script, not even a data block"
    found = re.search(r'data-passkey-options="([^"]*)"', page)
    assert found, "the page carries the passkey options"
    options: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return options


def at_localhost(client: Client) -> Client:
    client.defaults["HTTP_HOST"] = HOST
    return client


def add_passkey(
    client: Client, name: str = "My phone", authenticator: SoftAuthenticator | None = None
) -> SoftAuthenticator:
    """Through the pages: password, the options, the authenticator's answer, kept."""
    authenticator = authenticator or SoftAuthenticator()
    assert client.post(PASSKEYS, {"password": PASSWORD})["Location"] == NEW
    options = options_in(client.get(NEW))
    done = client.post(NEW, {"name": name, "credential": authenticator.create(options)})
    assert done.status_code == 302, form_errors(done)
    return authenticator


def password_step(email: str = "alice@example.test") -> Client:
    client = at_localhost(Client())
    response = client.post(SIGN_IN, {"email": email, "password": PASSWORD, "next": NOTES})
    assert response["Location"].startswith(SECOND_STEP)
    return client


def passkey_step(client: Client, answer: str) -> Response:
    return client.post(WITH_PASSKEY, {"credential": answer, "next": NOTES}, follow=True)


# -- adding ---------------------------------------------------------------------------


def test_adding_a_passkey_needs_the_password_and_brings_recovery_codes(cast: Cast) -> None:
    client = at_localhost(cast.alice.client)
    assert client.get(NEW)["Location"] == PASSKEYS, "not without the password first"
    refused = client.post(PASSKEYS, {"password": "not it"})
    assert "That password doesn't match" in text(refused)
    assert client.get(NEW)["Location"] == PASSKEYS

    assert client.post(PASSKEYS, {"password": PASSWORD})["Location"] == NEW
    options = options_in(client.get(NEW))
    assert options["rp"] == {"name": "Tending", "id": "localhost"}
    assert options["user"]["name"] == "alice@example.test"
    assert options["user"]["displayName"] == "Alice"
    assert options["authenticatorSelection"]["residentKey"] == "preferred"
    authenticator = SoftAuthenticator()
    done = client.post(NEW, {"name": "  My   phone ", "credential": authenticator.create(options)})
    # The first second step: recovery codes, shown once.
    assert done["Location"] == "/account/settings/two-step/recovery-codes/"
    codes = re.findall(r'<li class="code">([a-z0-9-]+)</li>', text(client.get(done["Location"])))
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT

    passkey = WebAuthnCredential.objects.get()
    assert passkey.user == cast.alice.user and passkey.confirmed and passkey.name == "My phone"
    assert passkey.credential_id == authenticator.credential_id
    assert two_factor.has_second_step(cast.alice.user)
    listed = text(client.get(PASSKEYS))
    assert "My phone" in listed and "added" in listed
    # The window closed with the passkey: a second one needs the password again.
    assert client.get(NEW)["Location"] == PASSKEYS


def test_a_second_passkey_keeps_the_codes_and_is_not_offered_the_first_again(cast: Cast) -> None:
    client = at_localhost(cast.alice.client)
    first = add_passkey(client, "Phone")
    codes_before = set(StaticToken.objects.values_list("token", flat=True))
    client.post(PASSKEYS, {"password": PASSWORD})
    options = options_in(client.get(NEW))
    assert [c["id"] for c in options["excludeCredentials"]] == [b64(first.credential_id)]
    done = client.post(NEW, {"name": "Laptop", "credential": SoftAuthenticator().create(options)})
    assert done["Location"] == PASSKEYS
    assert set(StaticToken.objects.values_list("token", flat=True)) == codes_before
    assert sorted(WebAuthnCredential.objects.values_list("name", flat=True)) == ["Laptop", "Phone"]


def garbage(options: dict[str, Any]) -> list[str]:
    good = json.loads(SoftAuthenticator().create(options))
    wrong_type = {**good, "response": {**good["response"], "clientDataJSON": b64(b"{}")}}
    not_base64 = {**good, "response": {**good["response"], "attestationObject": "***"}}
    not_cbor = {**good, "response": {**good["response"], "attestationObject": b64(b"\xff\x00")}}
    return [
        "not json",
        "[]",
        '{"id": 1}',
        json.dumps({**good, "type": "password"}),
        json.dumps(wrong_type),
        json.dumps(not_base64),
        json.dumps(not_cbor),
        SoftAuthenticator().create({**options, "challenge": b64(b"another challenge")}),
        SoftAuthenticator().create(options, origin="https://elsewhere.example"),
        SoftAuthenticator().create(options, rp_id="elsewhere.example"),
        "x" * (passkeys.ANSWER_MAX + 1),
    ]


@pytest.mark.parametrize("case", range(11))
def test_garbage_never_adds_a_passkey(cast: Cast, case: int) -> None:
    client = at_localhost(cast.alice.client)
    client.post(PASSKEYS, {"password": PASSWORD})
    options = options_in(client.get(NEW))
    answer = garbage(options)[case]
    response = client.post(NEW, {"name": "My phone", "credential": answer})
    assert response.status_code == 200
    assert form_errors(response) in (passkeys.NOT_ADDED, NO_ANSWER)
    assert not WebAuthnCredential.objects.exists()
    assert not two_factor.has_second_step(cast.alice.user)
    # The page offers a fresh try, with new options.
    assert options_in(response)["challenge"] != options["challenge"]


def test_an_empty_or_too_long_name_or_no_answer_is_asked_again(cast: Cast) -> None:
    client = at_localhost(cast.alice.client)
    client.post(PASSKEYS, {"password": PASSWORD})
    options = options_in(client.get(NEW))
    answer = SoftAuthenticator().create(options)
    empty = client.post(NEW, {"name": "  ", "credential": answer})
    assert "Please give it a name" in text(empty)
    long = client.post(NEW, {"name": "n" * 61, "credential": answer})
    assert "under 60 characters" in text(long)
    none = client.post(NEW, {"name": "Phone", "credential": ""})
    assert form_errors(none) == NO_ANSWER
    assert not WebAuthnCredential.objects.exists()


def test_the_same_answer_twice_adds_one_passkey(cast: Cast) -> None:
    client = at_localhost(cast.alice.client)
    client.post(PASSKEYS, {"password": PASSWORD})
    answer = SoftAuthenticator().create(options_in(client.get(NEW)))
    assert client.post(NEW, {"name": "Phone", "credential": answer}).status_code == 302
    client.post(PASSKEYS, {"password": PASSWORD})
    client.get(NEW)
    again = client.post(NEW, {"name": "Phone", "credential": answer})
    assert form_errors(again) == passkeys.NOT_ADDED
    assert WebAuthnCredential.objects.count() == 1


def test_someone_elses_passkey_id_cant_be_added(cast: Cast) -> None:
    bobs = add_passkey(at_localhost(cast.bob.client), "Bob's phone")
    client = at_localhost(cast.alice.client)
    client.post(PASSKEYS, {"password": PASSWORD})
    options = options_in(client.get(NEW))
    # Alice's own key, but with the credential id of Bob's passkey.
    copy = SoftAuthenticator(credential_id=bobs.credential_id)
    response = client.post(NEW, {"name": "Mine", "credential": copy.create(options)})
    assert form_errors(response) == passkeys.NOT_ADDED
    assert "Bob" not in form_errors(response)
    assert list(WebAuthnCredential.objects.values_list("user", flat=True)) == [cast.bob.user.pk]


@pytest.mark.parametrize(
    ("host", "secure", "says"),
    [
        ("tending.lan:8000", False, "Passkeys need a secure connection"),
        # Only http://localhost is set up, which is no help to someone on another machine.
        ("tending.example.org", True, "set up for another address than this one."),
        ("127.0.0.1:8000", False, "open Tending at http://localhost:8000"),
    ],
)
def test_where_passkeys_cant_work_the_page_says_so_and_offers_nothing(
    cast: Cast, host: str, secure: bool, says: str, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    client = cast.alice.client
    page = text(client.get(PASSKEYS, HTTP_HOST=host, secure=secure))
    assert says in page and "data-passkeys-unavailable" in page
    assert 'name="password"' not in page
    client.post(PASSKEYS, {"password": PASSWORD}, HTTP_HOST=host, secure=secure)
    assert client.get(NEW, HTTP_HOST=host, secure=secure)["Location"] == PASSKEYS


def test_https_at_the_configured_address_is_offered(cast: Cast, settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["tending.example.org"]
    settings.OTP_WEBAUTHN_RP_ID = "example.org"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = ["https://tending.example.org"]
    request = RequestFactory().get(PASSKEYS, HTTP_HOST="tending.example.org", secure=True)
    assert passkeys.availability(request).usable
    assert not passkeys.availability(
        RequestFactory().get(PASSKEYS, HTTP_HOST="tending.example.org")
    ).usable


# -- signing in -------------------------------------------------------------------------


def test_password_then_passkey_signs_in_and_opens_the_keys(cast: Cast) -> None:
    authenticator = add_passkey(at_localhost(cast.alice.client))
    client = password_step()
    page = client.get(SECOND_STEP)
    options = options_in(page)
    assert [c["id"] for c in options["allowCredentials"]] == [b64(authenticator.credential_id)]
    assert options["rpId"] == "localhost"
    assert "Use my passkey" in text(page) and "accounts/passkeys" in text(page)
    assert not is_signed_in(client) and "_auth_user_id" not in client.session
    assert SESSION_FIELD in client.session

    done = client.post(WITH_PASSKEY, {"credential": authenticator.get(options), "next": NOTES})
    assert done.status_code == 302 and done["Location"] == NOTES
    assert client.get(NOTES).status_code == 200  # signed in, and the keys open
    passkey = WebAuthnCredential.objects.get()
    assert passkey.sign_count == 1 and passkey.last_used_at is not None


def test_a_recovery_code_still_works_for_someone_with_only_a_passkey(cast: Cast) -> None:
    client = at_localhost(cast.alice.client)
    add_passkey(client)
    shown = text(client.get("/account/settings/two-step/recovery-codes/"))
    codes = re.findall(r'<li class="code">([a-z0-9-]+)</li>', shown)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    waiting = password_step()
    page = text(waiting.get(SECOND_STEP))
    assert "Type one of your sign-in recovery codes" in page
    assert waiting.post(SECOND_STEP, {"code": codes[0], "next": NOTES})["Location"] == NOTES
    assert is_signed_in(waiting)
    again = password_step()
    assert two_factor.WRONG_CODE in form_errors(again.post(SECOND_STEP, {"code": codes[0]}))


def refused(response: Response) -> bool:
    return passkeys.DIDNT_WORK in shown_messages(response)


def test_garbage_at_the_second_step_is_refused_calmly(cast: Cast) -> None:
    authenticator = add_passkey(at_localhost(cast.alice.client))
    client = password_step()
    # Five tries in all: the sixth from this unknown device would be asked to slow down.
    for answer in ["not json", '{"id": "x"}', "x" * (passkeys.ANSWER_MAX + 1)]:
        client.get(SECOND_STEP)
        response = passkey_step(client, answer)
        assert response.status_code == 200 and refused(response)
        assert not is_signed_in(client)
    options = options_in(client.get(SECOND_STEP))
    for wrong in [
        authenticator.get({**options, "challenge": b64(b"not the one")}),
        authenticator.get(options, origin="https://elsewhere.example"),
    ]:
        client.get(SECOND_STEP)
        assert refused(passkey_step(client, wrong)) and not is_signed_in(client)
    assert WebAuthnCredential.objects.get().sign_count == 0


def test_an_answer_works_once(cast: Cast) -> None:
    authenticator = add_passkey(at_localhost(cast.alice.client))
    client = password_step()
    answer = authenticator.get(options_in(client.get(SECOND_STEP)))
    # Posted twice in a row (a double tap): the challenge was taken by the first post.
    first = client.post(WITH_PASSKEY, {"credential": answer, "next": NOTES})
    assert first["Location"] == NOTES
    other = password_step()
    other.get(SECOND_STEP)  # a fresh challenge in another browser
    replay = passkey_step(other, answer)
    assert refused(replay) and not is_signed_in(other)


def test_a_sign_count_that_goes_back_is_a_clone_and_refused(cast: Cast) -> None:
    authenticator = add_passkey(at_localhost(cast.alice.client))
    client = password_step()
    authenticator.sign_count = 7
    passkey_step(client, authenticator.get(options_in(client.get(SECOND_STEP))))
    assert WebAuthnCredential.objects.get().sign_count == 8
    clone = password_step()
    authenticator.sign_count = 3
    response = passkey_step(clone, authenticator.get(options_in(clone.get(SECOND_STEP))))
    assert refused(response) and not is_signed_in(clone)
    assert WebAuthnCredential.objects.get().sign_count == 8, "nothing changed"


def test_someone_elses_passkey_doesnt_open_alices_account(cast: Cast) -> None:
    add_passkey(at_localhost(cast.alice.client), "Alice's phone")
    bobs = add_passkey(at_localhost(cast.bob.client), "Bob's phone")
    failures = FailedSignIn.objects.count()
    client = password_step()
    options = options_in(client.get(SECOND_STEP))
    response = passkey_step(client, bobs.get(options))
    assert refused(response) and not is_signed_in(client)
    assert "Bob" not in shown_messages(response)
    assert FailedSignIn.objects.count() > failures, "counted like a wrong code"
    bobs_row = WebAuthnCredential.objects.get(user=cast.bob.user)
    assert bobs_row.sign_count == 0 and bobs_row.last_used_at is None


def test_no_waiting_password_step_means_start_again(cast: Cast) -> None:
    authenticator = add_passkey(at_localhost(cast.alice.client))
    client = at_localhost(Client())
    response = client.post(WITH_PASSKEY, {"credential": authenticator.get({"challenge": "x"})})
    assert response["Location"].startswith(SIGN_IN)
    assert client.get(WITH_PASSKEY).status_code == 405


def test_an_address_without_passkeys_offers_only_the_code(cast: Cast, settings: Any) -> None:
    add_passkey(at_localhost(cast.alice.client))
    settings.ALLOWED_HOSTS = ["*"]
    client = Client(HTTP_HOST="tending.lan:8000")
    client.post(SIGN_IN, {"email": "alice@example.test", "password": PASSWORD})
    page = text(client.get(SECOND_STEP))
    assert "data-passkey-options" not in page and 'name="code"' in page
    assert "Your passkey can't be used at this address" in page
    local = Client(HTTP_HOST="127.0.0.1:8000")
    local.post(SIGN_IN, {"email": "alice@example.test", "password": PASSWORD})
    assert "it works at http://localhost:8000" in text(local.get(SECOND_STEP))


# -- removing -------------------------------------------------------------------------


def test_removing_needs_the_password_and_the_last_one_turns_two_step_off(cast: Cast) -> None:
    client = at_localhost(cast.alice.client)
    add_passkey(client, "Phone")
    add_passkey(client, "Laptop")
    phone = WebAuthnCredential.objects.get(name="Phone")
    laptop = WebAuthnCredential.objects.get(name="Laptop")
    url = f"/account/settings/passkeys/{phone.pk}/remove/"
    assert "Remove “Phone”?" in text(client.get(url))
    assert "doesn't match" in text(client.post(url, {"password": "no"}))
    assert client.post(url, {"password": PASSWORD})["Location"] == PASSKEYS
    assert list(WebAuthnCredential.objects.all()) == [laptop]
    assert StaticDevice.objects.filter(user=cast.alice.user).exists()

    last = f"/account/settings/passkeys/{laptop.pk}/remove/"
    assert "your only second step" in text(client.get(last))
    client.post(last, {"password": PASSWORD})
    assert not WebAuthnCredential.objects.exists()
    assert not StaticDevice.objects.filter(user=cast.alice.user).exists()
    assert not two_factor.has_second_step(cast.alice.user)
    assert client.get(url).status_code == 404


def test_bob_cant_see_or_remove_alices_passkey(cast: Cast) -> None:
    add_passkey(at_localhost(cast.alice.client), "Alice's phone")
    passkey = WebAuthnCredential.objects.get()
    url = f"/account/settings/passkeys/{passkey.pk}/remove/"
    for client in (cast.bob.client, cast.carol.client):
        assert client.get(url).status_code == 404
        assert client.post(url, {"password": PASSWORD}).status_code == 404
        assert "Alice's phone" not in text(at_localhost(client).get(PASSKEYS))
    assert WebAuthnCredential.objects.filter(pk=passkey.pk).exists()


def test_turning_two_step_off_removes_passkeys_too(cast: Cast) -> None:
    client = at_localhost(cast.alice.client)
    add_passkey(client)
    client.post("/account/settings/two-step/off/", {"password": PASSWORD})
    assert not WebAuthnCredential.objects.exists()
    waiting = at_localhost(Client())
    response = waiting.post(SIGN_IN, {"email": "alice@example.test", "password": PASSWORD})
    assert response["Location"] == "/"


# -- unlocking (for the idle lock) -------------------------------------------------------


def test_unlocking_asks_for_the_person_not_only_the_device(cast: Cast) -> None:
    client = at_localhost(cast.alice.client)
    authenticator = add_passkey(client)
    request = RequestFactory().get("/", HTTP_HOST=HOST)
    request.session = client.session
    options = passkeys.unlock_options(request, cast.alice.user)
    assert options is not None and options["userVerification"] == "required"
    assert not passkeys.confirm_presence(
        request, cast.alice.user, authenticator.get(options, verified=False)
    )
    options = passkeys.unlock_options(request, cast.alice.user)
    assert options is not None
    assert passkeys.confirm_presence(request, cast.alice.user, authenticator.get(options))
    assert not passkeys.confirm_presence(request, cast.alice.user, authenticator.get(options))
    # Bob has no passkey: nothing to offer him.
    assert passkeys.unlock_options(request, cast.bob.user) is None


# -- system checks ----------------------------------------------------------------------


def ids(**overrides: Any) -> list[str]:
    with override_settings(**overrides):
        return [m.id or "" for m in check_passkey_settings(None)]


def test_the_defaults_pass() -> None:
    assert ids() == []
    assert (
        ids(
            OTP_WEBAUTHN_RP_ID="example.org",
            OTP_WEBAUTHN_ALLOWED_ORIGINS=[
                "https://tending.example.org",
                "https://example.org:8443",
            ],
        )
        == []
    )


@pytest.mark.parametrize(
    ("rp_id", "origins", "expected"),
    [
        ("https://tending.example.org", ["https://tending.example.org"], ["accounts.E010"]),
        ("tending.example.org:443", ["https://tending.example.org"], ["accounts.E010"]),
        ("", ["https://tending.example.org"], ["accounts.E010"]),
        ("tending.example.org", ["tending.example.org"], ["accounts.E011"]),
        ("tending.example.org", ["https://tending.example.org/app"], ["accounts.E011"]),
        ("tending.example.org", ["ftp://tending.example.org"], ["accounts.E011"]),
        ("tending.example.org", ["https://tending.example.org:x"], ["accounts.E011"]),
        ("tending.example.org", ["https://example.org"], ["accounts.E012"]),
        ("example.org", ["https://notexample.org"], ["accounts.E012"]),
        ("tending.example.org", [], ["accounts.E013"]),
        ("tending.lan", ["http://tending.lan:8000"], ["accounts.W010"]),
        ("192.168.1.5", ["http://192.168.1.5:8000"], ["accounts.W011"]),
    ],
)
def test_obviously_wrong_values_are_named(
    rp_id: str, origins: list[str], expected: list[str]
) -> None:
    found = ids(OTP_WEBAUTHN_RP_ID=rp_id, OTP_WEBAUTHN_ALLOWED_ORIGINS=origins)
    assert found == expected


def test_plain_http_and_ip_addresses_only_warn_so_tending_still_starts() -> None:
    with override_settings(
        OTP_WEBAUTHN_RP_ID="tending.lan", OTP_WEBAUTHN_ALLOWED_ORIGINS=["http://tending.lan"]
    ):
        assert all(isinstance(m, Warning) for m in check_passkey_settings(None))
    with override_settings(
        OTP_WEBAUTHN_RP_ID="e.org", OTP_WEBAUTHN_ALLOWED_ORIGINS=["https://x.org"]
    ):
        assert all(isinstance(m, Error) for m in check_passkey_settings(None))


def test_deleting_the_account_deletes_its_passkeys(cast: Cast) -> None:
    from django_otp_webauthn.models import WebAuthnAttestation, WebAuthnUserHandle

    add_passkey(at_localhost(cast.alice.client))
    add_passkey(at_localhost(cast.bob.client))
    assert WebAuthnAttestation.objects.count() == 2
    gone = cast.alice.client.post("/account/delete/", {"password": PASSWORD})
    assert gone.status_code == 302
    assert list(WebAuthnCredential.objects.values_list("user", flat=True)) == [cast.bob.user.pk]
    assert WebAuthnAttestation.objects.count() == 1
    assert list(WebAuthnUserHandle.objects.values_list("user", flat=True)) == [cast.bob.user.pk]
