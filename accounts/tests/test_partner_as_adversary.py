"""Issue 17, findings 1 and 2, and issue 13 bugs 9 and 12: what a partner on the same home
network can do with the sign-in pages. Two clients from one address; work measured as the
number of password hashes and key derivations, never as wall time."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from accounts import services
from accounts.models import PendingSignUp, User
from conftest import PASSWORD, Cast, make_user, sqlite_files_only
from outbox.models import OutboxEmail
from privacy import crypto
from tending.testing import FastArgon2PasswordHasher
from tests.support import form_errors, is_signed_in, text

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

SIGN_IN = "/account/sign-in/"
SIGN_OUT = "/account/sign-out/"
SIGN_UP = "/account/sign-up/"
RECOVER = "/account/recover/"
RESET = "/account/reset/"
HOME = "192.0.2.44"  # one home router: every device behind it has this address


def sign_in(client: Client, email: str, password: str) -> Response:
    return client.post(SIGN_IN, {"email": email, "password": password})


def device_that_signed_in_before(email: str, address: str = HOME) -> Client:
    client = Client(REMOTE_ADDR=address)
    assert sign_in(client, email, PASSWORD).status_code == 302
    assert client.post(SIGN_OUT).status_code == 302
    return client


# --- Finding 1: no lock-out from another device --------------------------------------------


def test_the_partners_failures_never_refuse_alices_own_device_on_the_same_wifi(
    cast: Cast,
) -> None:
    alices_laptop = device_that_signed_in_before("alice@example.test")
    bobs_phone = Client(REMOTE_ADDR=HOME)
    for _ in range(12):
        sign_in(bobs_phone, "alice@example.test", "guessing")
    assert services.SLOW_DOWN in form_errors(sign_in(bobs_phone, "alice@example.test", PASSWORD))

    response = sign_in(alices_laptop, "alice@example.test", PASSWORD)

    assert response.status_code == 302
    assert is_signed_in(alices_laptop)


def test_guessing_stays_slow_on_a_device_that_never_signed_in(cast: Cast) -> None:
    bobs_phone = Client(REMOTE_ADDR=HOME)
    for _ in range(5):
        sign_in(bobs_phone, "alice@example.test", "guessing")
    # Another unknown device behind the same router is refused too: a fresh browser profile
    # doesn't reset the count.
    another_browser = Client(REMOTE_ADDR=HOME)
    refused = sign_in(another_browser, "alice@example.test", PASSWORD)
    assert services.SLOW_DOWN in form_errors(refused)
    assert not is_signed_in(another_browser)


def test_failures_spread_over_many_addresses_still_limit_unknown_devices(
    cast: Cast, settings: Settings
) -> None:
    settings.SIGN_IN_THROTTLE_PER_ACCOUNT = 3
    alices_laptop = device_that_signed_in_before("alice@example.test", "203.0.113.9")
    for n in range(3):
        sign_in(Client(REMOTE_ADDR=f"198.51.100.{n}"), "alice@example.test", "guessing")

    assert services.SLOW_DOWN in form_errors(
        sign_in(Client(REMOTE_ADDR="198.51.100.99"), "alice@example.test", PASSWORD)
    )
    assert sign_in(alices_laptop, "alice@example.test", PASSWORD).status_code == 302


def test_an_address_wide_limit_leaves_known_devices_behind_the_router_alone(
    cast: Cast, settings: Settings
) -> None:
    settings.SIGN_IN_THROTTLE_PER_ADDRESS = 4
    erins_phone = device_that_signed_in_before("erin@example.test")
    sprayer = Client(REMOTE_ADDR=HOME)
    for name in ("bob", "carol", "dan", "nobody"):
        sign_in(sprayer, f"{name}@example.test", "guessing")

    # An unknown device at that address is refused for any account...
    assert services.SLOW_DOWN in form_errors(
        sign_in(Client(REMOTE_ADDR=HOME), "erin@example.test", PASSWORD)
    )
    # ...but erin's own phone, where she signed in before, is not.
    assert sign_in(erins_phone, "erin@example.test", PASSWORD).status_code == 302


def test_a_known_device_has_its_own_budget_which_only_it_uses(
    cast: Cast, settings: Settings
) -> None:
    settings.SIGN_IN_THROTTLE_PER_KNOWN_DEVICE = 6
    laptop = device_that_signed_in_before("alice@example.test")
    phone = device_that_signed_in_before("alice@example.test")
    for _ in range(6):
        assert services.WRONG_DETAILS in form_errors(sign_in(laptop, "alice@example.test", "x"))

    assert services.SLOW_DOWN in form_errors(sign_in(laptop, "alice@example.test", PASSWORD))
    assert sign_in(phone, "alice@example.test", PASSWORD).status_code == 302


def test_a_device_known_for_bob_is_unknown_for_alice(cast: Cast) -> None:
    bobs_phone = device_that_signed_in_before("bob@example.test")
    for _ in range(5):
        sign_in(bobs_phone, "alice@example.test", "guessing")
    assert services.SLOW_DOWN in form_errors(sign_in(bobs_phone, "alice@example.test", PASSWORD))
    assert sign_in(bobs_phone, "bob@example.test", PASSWORD).status_code == 302


def test_the_device_cookie_is_signed_httponly_and_names_no_one(
    cast: Cast, settings: Settings
) -> None:
    client = Client(REMOTE_ADDR=HOME)
    response = sign_in(client, "alice@example.test", PASSWORD)
    cookie = response.cookies[settings.DEVICE_COOKIE_NAME]
    assert cookie["httponly"]
    assert int(cookie["max-age"]) >= 300 * 24 * 3600
    assert "alice" not in cookie.value and str(cast.alice.user.pk) not in cookie.value.split(":")

    # A forged or altered cookie counts as an unknown device.
    bobs_phone = Client(REMOTE_ADDR=HOME)
    for _ in range(5):
        sign_in(bobs_phone, "alice@example.test", "guessing")
    forged = Client(REMOTE_ADDR=HOME)
    forged.cookies[settings.DEVICE_COOKIE_NAME] = cookie.value[:-2] + "xx"
    assert services.SLOW_DOWN in form_errors(sign_in(forged, "alice@example.test", PASSWORD))


# --- Finding 2: which accounts exist --------------------------------------------------------


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Counts the expensive work: password hashes (made or checked) and key derivations."""
    counts: Counter[str] = Counter()
    derive = crypto.derive_key

    def counting_derive(*args: Any, **kwargs: Any) -> bytes:
        counts["key derivations"] += 1
        return derive(*args, **kwargs)

    monkeypatch.setattr(crypto, "derive_key", counting_derive)
    for name in ("encode", "verify"):
        original = getattr(FastArgon2PasswordHasher, name)

        def counting(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            counts["password hashes"] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(FastArgon2PasswordHasher, name, counting)
    yield counts


def without_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_sign_in_does_the_same_work_and_says_the_same_for_an_unknown_email(
    cast: Cast, work: Counter[str]
) -> None:
    real = sign_in(Client(), "alice@example.test", "not the password")
    real_work = Counter(work)
    work.clear()
    unknown = sign_in(Client(), "nobody@example.test", "not the password")

    assert real_work == work and real_work["password hashes"] == 1
    assert real.status_code == unknown.status_code == 200
    assert without_tokens(text(real)).replace("alice@", "X@") == without_tokens(
        text(unknown)
    ).replace("nobody@", "X@")


def test_a_right_password_costs_one_hash_and_one_key_derivation_like_a_wrong_one(
    cast: Cast, work: Counter[str]
) -> None:
    """Issue 18: the key derivation runs beside the password check, never twice, and a
    right password does the same expensive work as a wrong one."""
    assert sign_in(Client(), "alice@example.test", PASSWORD).status_code == 302
    right = Counter(work)
    work.clear()
    sign_in(Client(), "alice@example.test", "not the password")
    assert right == work == Counter({"password hashes": 1, "key derivations": 1})


def test_recover_does_the_same_work_and_says_the_same_for_an_unknown_email(
    cast: Cast, work: Counter[str]
) -> None:
    data = {"recovery_code": "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01", "new_password": "a long new phrase"}
    real = Client().post(RECOVER, {"email": "alice@example.test", **data})
    real_work = Counter(work)
    work.clear()
    unknown = Client().post(RECOVER, {"email": "nobody@example.test", **data})

    assert real_work == work and real_work["key derivations"] == 1
    assert real.status_code == unknown.status_code == 200
    assert without_tokens(text(real)).replace("alice@", "X@") == without_tokens(
        text(unknown)
    ).replace("nobody@", "X@")


def test_reset_queues_the_same_work_and_says_the_same_for_an_unknown_email(
    cast: Cast, work: Counter[str], django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        real = Client().post(RESET, {"email": "alice@example.test"})
    queued_for_real = DBTaskResult.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = Client().post(RESET, {"email": "nobody@example.test"})

    assert queued_for_real == 1 and DBTaskResult.objects.count() == 2
    assert sum(work.values()) == 0
    assert without_tokens(text(real)) == without_tokens(text(unknown))


def sign_up_data(email: str) -> dict[str, str]:
    return {
        "display_name": "Frank",
        "email": email,
        "password": "slow mornings with coffee",
        "time_zone": "UTC",
    }


def confirm_link(email: str) -> str:
    """The path of the newest sign-up link emailed to `email`."""
    sent = OutboxEmail.objects.filter(to=email).order_by("-pk").first()
    assert sent is not None, f"no email to {email}"
    found = re.search(r"https?://[^/\s]+(/account/sign-up/[\w-]+/)", sent.body)
    assert found, "no sign-up link in the email"
    return found.group(1)


NEW_PASSWORD = "slow mornings with coffee"


def test_sign_up_with_a_taken_email_answers_as_if_new_and_tells_the_owner(
    cast: Cast, work: Counter[str]
) -> None:
    new_client, taken_client = Client(), Client()
    new = new_client.post(SIGN_UP, {**sign_up_data("frank@example.test"), "next": "/couple/"})
    new_work = Counter(work)
    work.clear()
    alices_password = User.objects.get(email="alice@example.test").password
    taken = taken_client.post(SIGN_UP, {**sign_up_data("Alice@Example.test"), "next": "/couple/"})

    # The same answer, the same page after it, the same expensive work: one password hash,
    # no key derivation (keys are made when the emailed link is opened).
    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"] == "/account/sign-up/sent/"
    assert new_work == work and new_work["password hashes"] == 1
    assert new_work["key derivations"] == 0
    sent_new = text(new_client.get(new["Location"])).replace("frank@", "X@")
    sent_taken = text(taken_client.get(taken["Location"])).replace("alice@", "X@")
    assert without_tokens(sent_new) == without_tokens(sent_taken)
    # Nothing is made for either yet, and alice's account is untouched.
    assert User.objects.count() == 5
    assert User.objects.get(email="alice@example.test").password == alices_password
    assert PendingSignUp.objects.filter(email="frank@example.test").count() == 1
    assert not PendingSignUp.objects.filter(email="alice@example.test").exists()
    # Each address gets one email: the link for frank, a note for alice.
    assert "/account/sign-up/" in OutboxEmail.objects.get(to="frank@example.test").body
    email = OutboxEmail.objects.get(to="alice@example.test")
    assert "tried to make a new Tending account" in email.body
    assert "/account/sign-up/" not in email.body
    # Trying again within the hour doesn't flood her inbox.
    Client().post(SIGN_UP, sign_up_data("alice@example.test"))
    assert OutboxEmail.objects.filter(to="alice@example.test").count() == 1


def test_the_emailed_link_and_the_same_password_make_the_account(cast: Cast) -> None:
    client = Client()
    client.post(SIGN_UP, {**sign_up_data("frank@example.test"), "next": "/couple/"})
    link = confirm_link("frank@example.test")
    page = text(client.get(link))
    assert "frank@example.test" in page

    wrong = client.post(link, {"password": "not what I chose"})
    assert services.CONFIRM_WRONG_PASSWORD in form_errors(wrong)
    assert not User.objects.filter(email="frank@example.test").exists()
    assert client.post(link, {}).status_code == 200

    done = client.post(link, {"password": NEW_PASSWORD})
    assert done.status_code == 302
    # The recovery code first, then the safety check offered, then where sign-up began.
    assert done["Location"].startswith("/account/recovery-code/")
    assert "safety-check" in done["Location"] and "couple" in done["Location"]
    frank = User.objects.get(email="frank@example.test")
    assert frank.display_name == "Frank" and frank.check_password(NEW_PASSWORD)
    assert is_signed_in(client)
    # The link works once.
    assert Client().get(link).status_code == 410
    assert not PendingSignUp.objects.exists()


def test_a_link_without_a_waiting_sign_up_or_too_old_cant_be_used(cast: Cast) -> None:
    Client().post(SIGN_UP, sign_up_data("frank@example.test"))
    link = confirm_link("frank@example.test")
    assert Client().get("/account/sign-up/not-a-real-token/").status_code == 410
    with time_machine.travel(timezone.now() + timedelta(days=services.PENDING_DAYS, hours=1)):
        late = Client().get(link)
    assert late.status_code == 410 and "This link can't be used" in text(late)


def test_a_second_link_for_an_address_that_got_an_account_meanwhile_is_calm(
    cast: Cast,
) -> None:
    first, second = Client(), Client()
    first.post(SIGN_UP, sign_up_data("same@example.test"))
    link_one = confirm_link("same@example.test")
    second.post(SIGN_UP, sign_up_data("same@example.test"))
    link_two = confirm_link("same@example.test")
    assert link_one != link_two

    assert first.post(link_two, {"password": NEW_PASSWORD}).status_code == 302
    # Every waiting sign-up for the address went with the account.
    assert second.get(link_one).status_code == 410
    assert User.objects.filter(email="same@example.test").count() == 1


def test_a_confirm_that_loses_the_race_for_an_email_gets_a_calm_answer(cast: Cast) -> None:
    # The race, made deterministic: the account appears between the link and the insert.
    client = Client(raise_request_exception=True)
    client.post(SIGN_UP, sign_up_data("frank@example.test"))
    link = confirm_link("frank@example.test")
    PendingSignUp.objects.create(
        email="frank@example.test", display_name="x", password="!", token_hash="keep-me"
    )
    make_user("Frank")  # frank@example.test, by another link, first

    response = client.post(link, {"password": NEW_PASSWORD})

    assert response.status_code == 200
    assert services.CONFIRM_TAKEN in form_errors(response)
    assert User.objects.filter(email="frank@example.test").count() == 1
    assert not is_signed_in(client)


def test_an_account_and_the_end_of_its_links_are_one_step(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client()
    client.post(SIGN_UP, sign_up_data("frank@example.test"))
    link = confirm_link("frank@example.test")
    ending_links = QuerySet.delete

    def fails_for_links(queryset: QuerySet[Any]) -> tuple[int, dict[str, int]]:
        if queryset.model is PendingSignUp:
            raise DatabaseError("the connection went away")
        return ending_links(queryset)

    monkeypatch.setattr(QuerySet, "delete", fails_for_links)
    with pytest.raises(DatabaseError):
        client.post(link, {"password": NEW_PASSWORD})
    assert not User.objects.filter(email="frank@example.test").exists()

    monkeypatch.setattr(QuerySet, "delete", ending_links)
    assert client.post(link, {"password": NEW_PASSWORD}).status_code == 302
    assert User.objects.filter(email="frank@example.test").count() == 1
    assert not PendingSignUp.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_six_confirms_at_once_with_one_new_email_make_one_account_and_no_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        # The suite's SQLite database lives in memory, where a second writer on another
        # thread is refused at once ("table is locked") instead of waiting its turn as on a
        # database file; the next test runs this one on a file.
        pytest.skip("threads can't write at once to the in-memory SQLite test database")
    links = []
    for _ in range(6):
        Client().post(SIGN_UP, sign_up_data("same@example.test"))
        links.append(confirm_link("same@example.test"))
    # "At once" means each confirm has found its waiting sign-up before any of them makes
    # the account. A barrier only before the request let a thread the scheduler started late
    # look its link up after the winner had finished, and rightly be told the link was used
    # (410, as a second link used later is): that, not a lost account, failed a CI run.
    found_together = threading.Barrier(6, timeout=10)
    looked_up = services.pending_sign_up

    def pending_sign_up(token: str) -> PendingSignUp | None:
        pending = looked_up(token)
        with suppress(threading.BrokenBarrierError):  # one waiting on a lock goes on alone
            found_together.wait()
        return pending

    monkeypatch.setattr(services, "pending_sign_up", pending_sign_up)
    answers: list[tuple[int, str]] = []

    def attempt(link: str) -> None:
        try:
            response = Client().post(link, {"password": NEW_PASSWORD})
            answers.append((response.status_code, form_errors(response)))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(link,)) for link in links]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = [status for status, _ in answers]
    assert sorted(statuses)[-1] == 302 and set(statuses) <= {200, 302, 410}
    assert User.objects.filter(email="same@example.test").count() == 1
    assert len(statuses) == 6 and statuses.count(302) == 1, statuses
    assert all(services.CONFIRM_TAKEN in said for status, said in answers if status == 200)


@sqlite_files_only
def test_six_confirms_at_once_on_a_sqlite_file_make_one_account_too(tmp_path: Path) -> None:
    """The test above, in a pytest of its own whose test database is a file, configured as
    the app's (WAL, writers take the lock up front and wait up to 20 s for it)."""
    (tmp_path / "confirms_on_a_file.py").write_text(
        "from tending.settings import *  # noqa: F403\n"
        f'DATABASES["default"]["TEST"] = {{"NAME": {str(tmp_path / "race.sqlite3")!r}}}'
        "  # noqa: F405\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(tmp_path)
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-n", "0", "-q", "--ds", "confirms_on_a_file"),
            *("-W", "error::pytest.PytestUnhandledThreadExceptionWarning"),
            f"{__file__}::test_six_confirms_at_once_with_one_new_email_make_one_account_and_no_error",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0 and "1 passed" in result.stdout, result.stdout[-4000:]


# --- Issue 13, bug 9: a recovery code works once --------------------------------------------


def shown_code(client: Client, location: str) -> str:
    found = re.search(r'id="recovery_code">\s*([0-9A-Z-]+)\s*<', text(client.get(location)))
    assert found, "no recovery code shown"
    return found.group(1)


def test_a_recovery_code_works_once_and_its_replacement_is_shown_once(cast: Cast) -> None:
    signer = Client()
    signer.post(SIGN_UP, sign_up_data("gina@example.test"))
    made = signer.post(confirm_link("gina@example.test"), {"password": NEW_PASSWORD})
    first_code = shown_code(signer, made["Location"])

    used = Client()
    response = used.post(
        RECOVER,
        {
            "email": "gina@example.test",
            "recovery_code": first_code,
            "new_password": "a second long phrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/account/recovery-code/")
    second_code = shown_code(used, response["Location"])
    assert second_code != first_code
    assert used.post(response["Location"]).status_code == 302  # "I've kept it"
    assert "recovery_code" not in text(used.get("/account/recovery-code/"))

    again = Client().post(
        RECOVER,
        {
            "email": "gina@example.test",
            "recovery_code": first_code,
            "new_password": "a third long phrase",
        },
    )
    assert services.WRONG_RECOVERY in form_errors(again)
    with_new = Client().post(
        RECOVER,
        {
            "email": "gina@example.test",
            "recovery_code": second_code,
            "new_password": "a third long phrase",
        },
    )
    assert with_new.status_code == 302
