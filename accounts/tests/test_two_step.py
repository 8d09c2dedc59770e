"""Two-step sign-in (issue 17): an authenticator app and single-use recovery codes, end to
end through the test client, with codes computed by the library's own TOTP."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import time_machine
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services, two_factor
from conftest import PASSWORD, Cast
from privacy.keyring import SESSION_FIELD
from tests.support import form_errors, is_signed_in, text

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

SIGN_IN = "/account/sign-in/"
SECOND_STEP = "/account/sign-in/code/"
TWO_STEP = "/account/settings/two-step/"
AUTHENTICATOR = "/account/settings/two-step/authenticator/"
CODES = "/account/settings/two-step/recovery-codes/"
OFF = "/account/settings/two-step/off/"
NOTES = "/notes/"


def code_now(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def turn_on(client: Client) -> tuple[TOTPDevice, list[str]]:
    """Through the settings pages: password, the app's key, its first code, the codes."""
    assert client.post(TWO_STEP, {"password": PASSWORD})["Location"] == AUTHENTICATOR
    page = text(client.get(AUTHENTICATOR))
    secret = re.search(r'id="authenticator_key">([A-Z2-7]+)<', page)
    assert secret, "the key for the app is shown"
    device = TOTPDevice.objects.get(confirmed=False)
    assert "otpauth://totp/Tending" in page
    confirmed = client.post(AUTHENTICATOR, {"code": code_now(device)})
    assert confirmed.status_code == 302 and confirmed["Location"] == CODES
    shown = text(client.get(CODES))
    codes = re.findall(r'<li class="code">([a-z0-9-]+)</li>', shown)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    assert not re.findall(r'<li class="code">', text(client.get(CODES))), "shown once"
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def password_step(email: str = "alice@example.test") -> tuple[Client, Response]:
    client = Client()
    response = client.post(SIGN_IN, {"email": email, "password": PASSWORD, "next": NOTES})
    return client, response


def test_turning_on_the_app_then_signing_in_needs_its_code(cast: Cast) -> None:
    device, _ = turn_on(cast.alice.client)

    client, response = password_step()
    assert response.status_code == 302
    assert response["Location"].startswith(SECOND_STEP)
    # Not signed in yet, and no page opens the keys.
    assert not is_signed_in(client)
    assert client.get(NOTES).status_code == 302
    assert SESSION_FIELD in client.session and "_auth_user_id" not in client.session

    wrong = client.post(SECOND_STEP, {"code": "000000", "next": NOTES})
    assert two_factor.WRONG_CODE in form_errors(wrong)
    assert not is_signed_in(client)

    with time_machine.travel(device.last_t * device.step + 2 * device.step + 1, tick=False):
        fresh = code_now(TOTPDevice.objects.get(pk=device.pk))
        done = client.post(SECOND_STEP, {"code": fresh, "next": NOTES})
        assert done.status_code == 302 and done["Location"] == NOTES
        assert client.get(NOTES).status_code == 200  # the keys open: the notes page works
        # The same code can't be used twice.
        again, _ = password_step()
        replay = again.post(SECOND_STEP, {"code": fresh})
        assert two_factor.WRONG_CODE in form_errors(replay)


def test_a_recovery_code_signs_in_once(cast: Cast) -> None:
    _, codes = turn_on(cast.alice.client)
    client, _ = password_step()
    assert client.post(SECOND_STEP, {"code": codes[0].upper()})["Location"] == "/"
    assert is_signed_in(client)
    assert StaticToken.objects.count() == two_factor.RECOVERY_CODE_COUNT - 1
    # Stored as keyed hashes, never as typed.
    assert not StaticToken.objects.filter(token=codes[1].replace("-", "")).exists()

    second, _ = password_step()
    assert two_factor.WRONG_CODE in form_errors(second.post(SECOND_STEP, {"code": codes[0]}))
    assert second.post(SECOND_STEP, {"code": codes[1]}).status_code == 302


def test_new_recovery_codes_need_the_password_and_replace_the_old(cast: Cast) -> None:
    _, old = turn_on(cast.alice.client)
    refused = cast.alice.client.post(CODES, {"password": "not it"})
    assert "That password doesn't match" in text(refused)
    made = cast.alice.client.post(CODES, {"password": PASSWORD})
    assert made["Location"] == CODES
    new = re.findall(r'<li class="code">([a-z0-9-]+)</li>', text(cast.alice.client.get(CODES)))
    assert len(new) == two_factor.RECOVERY_CODE_COUNT and not set(new) & set(old)
    client, _ = password_step()
    assert two_factor.WRONG_CODE in form_errors(client.post(SECOND_STEP, {"code": old[2]}))
    assert client.post(SECOND_STEP, {"code": new[2]}).status_code == 302


def test_turning_it_off_needs_the_password(cast: Cast) -> None:
    turn_on(cast.alice.client)
    assert "That password doesn't match" in text(cast.alice.client.post(OFF, {"password": "no"}))
    assert TOTPDevice.objects.filter(confirmed=True).exists()
    assert cast.alice.client.post(OFF, {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.exists() and not StaticToken.objects.exists()
    client, response = password_step()
    assert response["Location"] == NOTES and is_signed_in(client)


def test_a_wrong_first_code_leaves_it_off(cast: Cast) -> None:
    cast.alice.client.post(TWO_STEP, {"password": PASSWORD})
    response = cast.alice.client.post(AUTHENTICATOR, {"code": "12345x"})
    assert response.status_code == 200 and "That code didn't match" in text(response)
    assert not two_factor.has_second_step(cast.alice.user)
    client, response = password_step()
    assert response["Location"] == NOTES and is_signed_in(client)


def test_the_second_step_waits_only_a_few_minutes(cast: Cast) -> None:
    _, codes = turn_on(cast.alice.client)
    client, _ = password_step()
    session = client.session
    session[two_factor.PENDING]["at"] -= 3600
    session.save()
    response = client.post(SECOND_STEP, {"code": codes[0]})
    assert response.status_code == 302 and response["Location"].startswith(SIGN_IN)
    assert not is_signed_in(client)
    assert StaticToken.objects.count() == two_factor.RECOVERY_CODE_COUNT, "nothing used"


def test_the_partners_wrong_codes_never_slow_alices_own_device(cast: Cast) -> None:
    _, codes = turn_on(cast.alice.client)
    alices_laptop = Client(REMOTE_ADDR="192.0.2.44")
    alices_laptop.post(SIGN_IN, {"email": "alice@example.test", "password": PASSWORD})
    assert alices_laptop.post(SECOND_STEP, {"code": codes[0]}).status_code == 302
    alices_laptop.post("/account/sign-out/")

    # Bob knows her password and tries codes from his phone on the same Wi-Fi.
    bobs_phone = Client(REMOTE_ADDR="192.0.2.44")
    bobs_phone.post(SIGN_IN, {"email": "alice@example.test", "password": PASSWORD})
    for n in range(6):
        bobs_phone.post(SECOND_STEP, {"code": f"{n:06d}"})
    assert services.SLOW_DOWN in form_errors(bobs_phone.post(SECOND_STEP, {"code": codes[1]}))

    alices_laptop.post(SIGN_IN, {"email": "alice@example.test", "password": PASSWORD})
    assert alices_laptop.post(SECOND_STEP, {"code": codes[2]}).status_code == 302


def test_recovering_the_password_with_the_app_on_needs_its_code_too(cast: Cast) -> None:
    _, codes = turn_on(cast.alice.client)
    from privacy import keys

    # A known data-recovery code for alice, so the test can use it.
    from privacy.keyring import PasswordKeyring

    data_code = keys.new_recovery_code(
        cast.alice.user, PasswordKeyring(cast.alice.user, PASSWORD).data_key()
    )
    form = {
        "email": "alice@example.test",
        "recovery_code": data_code,
        "new_password": "a fresh long phrase",
    }
    refused = Client().post("/account/recover/", form)
    assert services.WRONG_RECOVERY in form_errors(refused)
    assert cast.alice.user.__class__.objects.get(pk=cast.alice.user.pk).check_password(PASSWORD)
    done = Client().post("/account/recover/", {**form, "second_code": codes[0]})
    assert done.status_code == 302
