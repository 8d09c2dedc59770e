"""Devices and sign-ins (a person's own sessions, signed out one by one or all others) and
the idle lock for a shared device (server-enforced; the page's script is the browser test's)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts import signins
from accounts.models import SignedInSession, User
from conftest import PASSWORD, Cast
from outbox.models import OutboxEmail
from tests.support import is_signed_in, text

DEVICES = "/account/devices/"
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Mobile Safari/537.36"
)
MAC_FIREFOX = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0"
IPAD_SAFARI = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def device(user: User, agent: str = PHONE_UA) -> Client:
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post("/account/sign-in/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize(
    ("agent", "described"),
    [
        (PHONE_UA, ("phone", "Chrome", "Android")),
        (MAC_FIREFOX, ("computer", "Firefox", "Mac")),
        (IPAD_SAFARI, ("tablet", "Safari", "iPad")),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5) CriOS/126.0 Mobile Safari/604.1",
            ("phone", "Chrome", "iPhone"),
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0) Chrome/126.0 Safari/537.36 Edg/126.0",
            ("computer", "Edge", "Windows"),
        ),
        ("", ("", "A browser", "")),
    ],
)
def test_a_user_agent_becomes_plain_words(agent: str, described: tuple[str, str, str]) -> None:
    assert signins.describe_agent(agent) == described


def test_each_sign_in_is_listed_for_its_person_only(cast: Cast) -> None:
    alice = cast.alice.user
    before = SignedInSession.objects.filter(user=alice).count()
    phone, mac = device(alice, PHONE_UA), device(alice, MAC_FIREFOX)

    rows = SignedInSession.objects.filter(user=alice)
    assert rows.count() == before + 2
    page = text(mac.get(DEVICES))
    assert "Chrome on Android" in page and "Firefox on Mac" in page
    assert "this device" in page
    # The session key itself is never stored in clear: only a keyed hash and a sealed copy.
    keys = {s.session_key for s in Session.objects.all()}
    for row in rows:
        assert row.key_hash not in keys
        assert row.sealed_key is None or all(k.encode() not in bytes(row.sealed_key) for k in keys)
    # bob's page lists his own sessions only, never hers.
    bobs = text(cast.bob.client.get(DEVICES))
    assert "Chrome on Android" not in bobs and "Firefox on Mac" not in bobs
    assert is_signed_in(phone)


def test_sign_out_this_one_ends_that_session_at_once(cast: Cast) -> None:
    alice = cast.alice.user
    phone, mac = device(alice, PHONE_UA), device(alice, MAC_FIREFOX)
    phones = SignedInSession.objects.get(user=alice, browser="Chrome", system="Android")

    response = mac.post(f"/account/devices/{phones.pk}/sign-out/")

    assert response.status_code == 302 and response["Location"] == DEVICES
    assert not SignedInSession.objects.filter(pk=phones.pk).exists()
    assert not is_signed_in(phone)
    assert is_signed_in(mac)


def test_sign_out_all_others_keeps_this_one(cast: Cast) -> None:
    alice = cast.alice.user
    phone, ipad, mac = device(alice), device(alice, IPAD_SAFARI), device(alice, MAC_FIREFOX)

    mac.post("/account/devices/sign-out-others/")

    assert (
        not is_signed_in(phone) and not is_signed_in(ipad) and not is_signed_in(cast.alice.client)
    )
    assert is_signed_in(mac)
    assert SignedInSession.objects.filter(user=alice).count() == 1


def test_a_session_ended_by_its_row_alone_ends_within_a_minute(cast: Cast) -> None:
    """Without the sealed key (a session whose keys weren't open), removing the row is
    enough: the next touch, at most a minute later, finds it gone and signs out."""
    phone = device(cast.alice.user)
    row = SignedInSession.objects.filter(user=cast.alice.user).latest("first_seen")
    row.sealed_key = None
    row.save(update_fields=["sealed_key"])
    cast.alice.client.post(f"/account/devices/{row.pk}/sign-out/")
    with time_machine.travel(timezone.now() + timedelta(seconds=90)):
        assert not is_signed_in(phone)
        assert "signed out from another one" in text(phone.get("/account/sign-in/"))


def test_another_persons_session_is_not_found(cast: Cast) -> None:
    bobs = SignedInSession.objects.filter(user=cast.bob.user).first()
    assert bobs is not None
    for url in (
        f"/account/devices/{bobs.pk}/sign-out/",
        f"/account/devices/{uuid.uuid4()}/sign-out/",
    ):
        assert cast.alice.client.post(url).status_code == 404
    assert cast.alice.client.post("/account/devices/not-a-uuid/sign-out/").status_code == 404
    assert SignedInSession.objects.filter(pk=bobs.pk).exists()
    assert is_signed_in(cast.bob.client)


def test_signing_out_and_sign_out_everywhere_remove_the_rows(cast: Cast) -> None:
    alice = cast.alice.user
    phone = device(alice)
    count = SignedInSession.objects.filter(user=alice).count()
    phone.post("/account/sign-out/")
    assert SignedInSession.objects.filter(user=alice).count() == count - 1
    cast.alice.client.post("/account/settings/sign-out-everywhere/", {"password": PASSWORD})
    assert not SignedInSession.objects.filter(user=alice).exists()


def test_last_seen_moves_at_most_once_a_minute(cast: Cast) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        phone = device(cast.alice.user)
        row = SignedInSession.objects.filter(user=cast.alice.user).latest("first_seen")
        clock.shift(30)
        phone.get("/")
        row.refresh_from_db()
        assert row.last_seen == start
        clock.shift(40)
        phone.get("/")
        row.refresh_from_db()
        assert row.last_seen == start + timedelta(seconds=70)
        assert row.first_seen == start


def test_a_new_sign_in_is_told_by_email_only_when_chosen(cast: Cast) -> None:
    alice = cast.alice.user
    device(alice)
    assert not OutboxEmail.objects.filter(to=alice.email).exists()

    cast.alice.client.post(DEVICES, {"idle_lock_minutes": "0", "tell_new_sign_ins": "on"})
    device(alice, IPAD_SAFARI)
    email = OutboxEmail.objects.get(to=alice.email)
    assert "tablet, in Safari on iPad" in email.body
    assert "/account/devices/" in email.body


# -- the idle lock -----------------------------------------------------------------------------


def choose_lock(client: Client, minutes: int) -> None:
    response = client.post(DEVICES, {"idle_lock_minutes": str(minutes)})
    assert response.status_code == 302


def test_off_by_default_and_a_long_quiet_changes_nothing(cast: Cast) -> None:
    assert cast.alice.user.idle_lock_minutes == 0
    with time_machine.travel(timezone.now() + timedelta(hours=5)):
        assert is_signed_in(cast.alice.client)
    assert "data-idle-lock" not in text(cast.alice.client.get("/"))


def test_after_the_chosen_quiet_time_it_asks_for_the_password_again(cast: Cast) -> None:
    client = cast.alice.client
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        choose_lock(client, 15)
        assert 'data-idle-lock="15"' in text(client.get("/"))
        clock.shift(timedelta(minutes=10))
        assert client.get("/more/").status_code == 200  # activity: the clock starts again
        clock.shift(timedelta(minutes=14))
        assert client.get("/").status_code == 200
        clock.shift(timedelta(minutes=17))
        response = client.get("/notes/")

    assert response.status_code == 302
    assert response["Location"] == "/account/sign-in/?next=/notes/"
    # The keys went with the session: the key cookie is dropped too.
    assert response.cookies[settings.KEY_COOKIE_NAME].value == ""
    assert not is_signed_in(client)
    assert "locked itself after a quiet while" in text(client.get(response["Location"]))
    # Signing in again leads back to where the person was.
    again = client.post(
        response["Location"], {"email": cast.alice.user.email, "password": PASSWORD}
    )
    assert again["Location"] == "/notes/"


def test_polling_does_not_keep_a_forgotten_phone_open_but_typing_does(cast: Cast) -> None:
    client = cast.alice.client
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        choose_lock(client, 5)
        for _ in range(6):  # a conversation's screen polling, unattended
            clock.shift(timedelta(minutes=1))
            client.get("/", headers={"HX-Request": "true"})
        clock.shift(timedelta(seconds=30))
        assert not is_signed_in(client)

    typist = Client()
    typist.post("/account/sign-in/", {"email": cast.bob.user.email, "password": PASSWORD})
    with time_machine.travel(start, tick=False) as clock:
        choose_lock(typist, 5)
        for _ in range(8):  # typing a long draft: the page's script says so once a minute
            clock.shift(timedelta(minutes=1, seconds=5))
            assert typist.get("/account/still-here/").status_code == 204
        assert is_signed_in(typist)


def test_the_lock_page_signs_out_and_keeps_the_way_back(cast: Cast) -> None:
    client = cast.alice.client
    response = client.get("/account/locked/", {"next": "/calendar/"})
    assert response["Location"] == "/account/sign-in/?next=%2Fcalendar%2F"
    assert not is_signed_in(client)
    # Another site is never where it leads.
    away = Client().get("/account/locked/", {"next": "https://elsewhere.example/"})
    assert away["Location"] == "/account/sign-in/?next=%2F"


@pytest.mark.parametrize("bad", ["7", "-5", "abc", "100000"])
def test_an_idle_time_not_offered_is_refused_kindly(cast: Cast, bad: str) -> None:
    response = cast.alice.client.post(DEVICES, {"idle_lock_minutes": bad})
    assert response.status_code == 200
    assert "Please choose one of these times." in text(response)
    cast.alice.user.refresh_from_db()
    assert cast.alice.user.idle_lock_minutes == 0
