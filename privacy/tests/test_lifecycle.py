"""Who can read what after each change of state, through the real pages where they exist:
sharing and unsharing, export, password change, reset with and without the recovery code,
the partner re-granting the couple key, leaving, account deletion, and a lost key cookie.
"""

from __future__ import annotations

import base64
import io
import json
import re
import uuid
import zipfile
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts import services as accounts
from accounts.models import User
from conftest import PASSWORD, Cast, make_user, signed_in
from couples import services as couples
from couples.models import Membership, Role
from notes.models import Note
from outbox.models import OutboxEmail
from privacy import entries
from privacy.entries import entry_models
from privacy.keyring import PasswordKeyring, keyring_for
from privacy.models import CoupleKeyCopy, PersonKeys
from privacy.tests.test_canary import write_entry_markers

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

NEW_PASSWORD = "a different calm phrase"
GONE = "can't be opened any more"
SIGN_IN = reverse("accounts:sign_in")


def words(label: str) -> str:
    return f"{label} words {uuid.uuid4().hex}"


def write(client: Client, author: User, text: str, *, shared: bool = False) -> Note:
    form = {"body": text, **({"shared": "on"} if shared else {})}
    response = client.post(reverse("notes:list"), form)
    assert response.status_code == 302, response.content.decode()[:500]
    note: Note | None = Note.objects.authored_by(author).order_by("-created_at").first()
    assert note is not None and note.is_shared == shared
    return note


def page(client: Client, url: str = reverse("notes:list")) -> str:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response.content.decode()


def detail(note: Note) -> str:
    return reverse("notes:detail", args=[note.pk])


def export(client: Client, password: str = PASSWORD) -> tuple[dict[str, Any], str]:
    """The export zip, opened: (the JSON, the JSON and Markdown texts together)."""
    response = client.post(reverse("privacy:export"), {"password": password})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert set(archive.namelist()) == {"tending-export.json", "tending-export.md"}
        raw_json = archive.read("tending-export.json").decode()
        markdown = archive.read("tending-export.md").decode()
    return json.loads(raw_json), raw_json + "\n" + markdown


def exported_bodies(data: dict[str, Any], part: str) -> set[str]:
    return {
        item["fields"].get("body")
        for item in data[part].get(Note.export_label(), [])
        if item["readable"]
    }


def is_sent_to_sign_in(response: Response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(SIGN_IN)


def client_after(service: Callable[[HttpRequest], object]) -> Client:
    """Run an account service with a real request and session, then hand its cookies to a
    browser, the way the response would have: the session id and the key cookie."""
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    service(request)
    request.session.save()
    ring = keyring_for(request)
    assert ring.new_cookie_secret is not None
    browser = Client()
    browser.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key or ""
    browser.cookies[settings.KEY_COOKIE_NAME] = base64.urlsafe_b64encode(
        ring.new_cookie_secret
    ).decode()
    return browser


# -- sharing, unsharing and export ---------------------------------------------------------------


def test_sharing_then_unsharing_reaches_the_partner_then_at_once_no_longer(cast: Cast) -> None:
    alice, bob = cast.alice, cast.bob
    text = words("alice")
    note = write(alice.client, alice.user, text)
    private_blob = bytes(note.body)
    assert text not in page(bob.client)
    assert bob.client.get(detail(note)).status_code == 404

    assert alice.client.post(reverse("notes:share", args=[note.pk])).status_code == 302
    note.refresh_from_db()
    assert note.is_shared and bytes(note.body) != private_blob, "sharing re-encrypts"
    for url in (reverse("notes:list"), reverse("today"), detail(note)):
        assert text in page(bob.client, url), url
    data, everything = export(bob.client)
    assert text in exported_bodies(data, "shared_with_me") and text in everything
    assert text not in page(cast.carol.client) and text not in export(cast.carol.client)[1]

    assert alice.client.post(reverse("notes:unshare", args=[note.pk])).status_code == 302
    note.refresh_from_db()
    assert not note.is_shared
    for url in (reverse("notes:list"), reverse("today")):
        assert text not in page(bob.client, url), url
    assert bob.client.get(detail(note)).status_code == 404
    data, everything = export(bob.client)
    # Only joint records of the couple remain (this week's "our question", chosen on Today).
    assert set(data["shared_with_me"]) <= {"Rounds"} and text not in everything
    assert text in page(alice.client)
    mine, _ = export(alice.client)
    assert [item["shared"] for item in mine["my_entries"]["Notes"]] == [False]
    assert exported_bodies(mine, "my_entries") == {text}


def test_the_export_holds_ones_own_entries_and_what_is_shared_with_one_now(cast: Cast) -> None:
    alice, bob = cast.alice, cast.bob
    mine_private, mine_shared = words("alice private"), words("alice shared")
    theirs_shared, theirs_private = words("bob shared"), words("bob private")
    write(alice.client, alice.user, mine_private)
    write(alice.client, alice.user, mine_shared, shared=True)
    write(bob.client, bob.user, theirs_shared, shared=True)
    write(bob.client, bob.user, theirs_private)
    data, everything = export(alice.client)
    assert data["format"] == "tending-export-1"
    assert data["person"]["email"] == alice.user.email and data["partner"] == "Bob"
    assert exported_bodies(data, "my_entries") == {mine_private, mine_shared}
    assert exported_bodies(data, "shared_with_me") == {theirs_shared}
    assert theirs_private not in everything
    markdown = everything.split("\n# Tending: what Alice wrote", 1)[1]
    for text in (mine_private, mine_shared, theirs_shared):
        assert text in markdown


def test_the_export_needs_the_right_password(cast: Cast) -> None:
    text = words("alice")
    write(cast.alice.client, cast.alice.user, text)
    asked = cast.alice.client.get(reverse("privacy:export"))
    assert asked.status_code == 200 and "Content-Disposition" not in asked
    refused = cast.alice.client.post(reverse("privacy:export"), {"password": PASSWORD + "?"})
    assert refused.status_code == 200
    assert refused["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in refused
    body = refused.content.decode()
    assert "That password doesn&#x27;t match" in body or "That password doesn't match" in body
    assert text not in body
    # An empty password is refused too.
    other = cast.alice.client.post(reverse("privacy:export"), {"password": ""})
    assert "Content-Disposition" not in other
    assert text in export(cast.alice.client)[1]


# -- password change and resets ------------------------------------------------------------------


def test_a_password_change_keeps_everything_readable(cast: Cast) -> None:
    alice, bob = cast.alice, cast.bob
    private, shared, partners = words("private"), words("shared"), words("partner")
    note = write(alice.client, alice.user, private)
    write(alice.client, alice.user, shared, shared=True)
    write(bob.client, bob.user, partners, shared=True)
    other_device = signed_in(alice.user)
    before_keys = PersonKeys.objects.get(user=alice.user)
    blob = bytes(note.body)

    changed = alice.client.post(
        reverse("accounts:change_password"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302
    after_keys = PersonKeys.objects.get(user=alice.user)
    assert bytes(after_keys.data_key_by_password) != bytes(before_keys.data_key_by_password)
    assert bytes(after_keys.password_salt) != bytes(before_keys.password_salt)
    note.refresh_from_db()
    assert bytes(note.body) == blob, "a password change re-wraps the key, not the entries"

    here = page(alice.client)
    assert private in here and shared in here and partners in here
    assert is_sent_to_sign_in(other_device.get(reverse("notes:list")))
    old = Client().post(SIGN_IN, {"email": alice.user.email, "password": PASSWORD})
    assert old.status_code == 200, "the old password no longer signs in"
    fresh = signed_in(alice.user, NEW_PASSWORD)
    there = page(fresh)
    assert private in there and shared in there and partners in there
    assert export(fresh, NEW_PASSWORD)[1].count(private) >= 1
    assert "Content-Disposition" not in fresh.post(
        reverse("privacy:export"), {"password": PASSWORD}
    )


def _sign_up(email: str, name: str) -> tuple[Client, str]:
    """Sign up through the form, and read the recovery code from the page shown once."""
    browser = Client()
    response = browser.post(
        reverse("accounts:sign_up"),
        {
            "display_name": name,
            "email": email,
            "password": PASSWORD,
            "time_zone": "Europe/Amsterdam",
        },
    )
    # Sign-up is confirmed from the emailed link, with the password once more.
    assert response.status_code == 302 and response["Location"] == "/account/sign-up/sent/"
    sent = OutboxEmail.objects.filter(to=email).order_by("-pk").first()
    assert sent is not None
    link = re.search(r"https?://[^/\s]+(/account/sign-up/[\w-]+/)", sent.body)
    assert link, "no sign-up link in the email"
    response = browser.post(link.group(1), {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:recovery_code"))
    shown = page(browser, response["Location"])
    found = re.search(r'id="recovery_code">\s*([0-9A-Z-]+)\s*<', shown)
    assert found, "the recovery code page shows no code"
    assert browser.post(response["Location"]).status_code == 302  # "I've kept it"
    assert browser.get(reverse("accounts:recovery_code")).status_code == 302, "shown once only"
    return browser, found.group(1)


def test_the_recovery_code_from_sign_up_resets_the_password_and_keeps_everything(
    cast: Cast,
) -> None:
    frida_client, code = _sign_up("frida@example.test", "Frida")
    frida = User.objects.get(email="frida@example.test")
    erin = cast.erin
    couples.create_couple_space(frida, Role.BOTH)
    invite = couples.create_invite(frida)
    couples.accept_invite(erin.user, invite.invite.pk, Role.BOTH)
    page(frida_client, reverse("today"))  # frida's visit hands erin the couple key
    private, shared, partners = words("private"), words("shared"), words("erin")
    write(frida_client, frida, private)
    write(frida_client, frida, shared, shared=True)
    write(erin.client, erin.user, partners, shared=True)

    typed = code.lower().replace("-", " ")
    recovered = Client()
    response = recovered.post(
        reverse("accounts:recover"),
        {"email": "Frida@Example.test", "recovery_code": typed, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:800]
    here = page(recovered)
    assert private in here and shared in here and partners in here
    assert GONE not in here
    assert is_sent_to_sign_in(frida_client.get(reverse("notes:list"))), "old sessions end"
    assert Client().post(SIGN_IN, {"email": frida.email, "password": PASSWORD}).status_code == 200
    there = page(signed_in(frida, NEW_PASSWORD))
    assert private in there and shared in there and partners in there
    assert shared in page(erin.client) and private not in page(erin.client)


def test_a_wrong_recovery_code_and_an_unknown_email_get_the_same_answer(cast: Cast) -> None:
    alice = cast.alice.user
    hashed = User.objects.get(pk=alice.pk).password
    answers = []
    for email in (alice.email, "nobody@example.test"):
        response = Client().post(
            reverse("accounts:recover"),
            {
                "email": email,
                "recovery_code": "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01",
                "new_password": NEW_PASSWORD,
            },
        )
        assert response.status_code == 200
        answers.append(list(response.context["form"].non_field_errors()))
    assert answers[0] == answers[1] == [accounts.WRONG_RECOVERY]
    assert User.objects.get(pk=alice.pk).password == hashed, "nothing has changed"
    assert signed_in(alice)  # the old password still works


def test_a_reset_without_the_code_loses_private_text_and_the_partner_brings_shared_back(
    cast: Cast,
) -> None:
    alice, bob = cast.alice, cast.bob
    private, shared = words("alice private"), words("alice shared")
    bobs_shared, bobs_private = words("bob shared"), words("bob private")
    private_note = write(alice.client, alice.user, private)
    shared_note = write(alice.client, alice.user, shared, shared=True)
    write(bob.client, bob.user, bobs_shared, shared=True)
    write(bob.client, bob.user, bobs_private)

    fresh = client_after(
        lambda request: accounts.reset_without_recovery_code(request, alice.user, NEW_PASSWORD)
    )
    assert is_sent_to_sign_in(alice.client.get(reverse("notes:list"))), "old sessions end"
    assert not CoupleKeyCopy.objects.filter(user=alice.user).exists()
    # Before bob's next visit: the private note is gone for good, shared text not yet back.
    ring = PasswordKeyring(alice.user, NEW_PASSWORD)
    (opened,) = entries.reveal([Note.objects.get(pk=private_note.pk)], ring)
    assert opened.unreadable and opened.plain == {}
    (waiting,) = entries.reveal([Note.objects.get(pk=shared_note.pk)], ring)
    assert waiting.waiting and not waiting.unreadable and waiting.plain == {}

    page(bob.client, reverse("today"))  # bob's visit seals the couple key to alice's new keys
    assert CoupleKeyCopy.objects.filter(user=alice.user).exists()
    here = page(fresh)
    assert shared in here and bobs_shared in here
    assert private not in here and bobs_private not in here
    assert GONE in here
    gone_page = page(fresh, detail(private_note))
    assert GONE in gone_page and private not in gone_page
    data, everything = export(fresh, NEW_PASSWORD)
    assert exported_bodies(data, "my_entries") == {shared}
    assert [i["readable"] for i in data["my_entries"]["Notes"]].count(False) == 1
    assert exported_bodies(data, "shared_with_me") == {bobs_shared}
    assert private not in everything
    assert shared in page(bob.client) and private not in page(bob.client)
    # A new recovery code was made for the new keys, to be shown once.
    code_page = page(fresh, reverse("accounts:recovery_code"))
    assert re.search(r'id="recovery_code">\s*[0-9A-Z]{4}(-[0-9A-Z]{4}){5}\s*<', code_page)


def test_after_a_reset_without_the_code_pages_work_before_the_partner_visits(cast: Cast) -> None:
    alice, bob = cast.alice, cast.bob
    private, shared, bobs = words("private"), words("shared"), words("bob")
    write(alice.client, alice.user, private)
    write(alice.client, alice.user, shared, shared=True)
    write(bob.client, bob.user, bobs, shared=True)
    fresh = client_after(
        lambda request: accounts.reset_without_recovery_code(request, alice.user, NEW_PASSWORD)
    )
    for url in (reverse("today"), reverse("notes:list")):
        here = page(fresh, url)
        assert private not in here and shared not in here and bobs not in here
    data, _ = export(fresh, NEW_PASSWORD)
    assert exported_bodies(data, "my_entries") == set()


def test_sharing_alone_is_refused_and_a_partner_joining_later_sees_nothing(db: None) -> None:
    first, second = make_user("Gia"), make_user("Hal")
    couples.create_couple_space(first, Role.BOTH)
    first_client = signed_in(first)
    text = words("solo")
    refused = first_client.post(reverse("notes:list"), {"body": text, "shared": "on"})
    assert refused.status_code == 409
    assert "Sharing needs a partner" in refused.content.decode()
    assert text in refused.content.decode(), "what was typed is still in the form"
    assert not Note.objects.exists(), "nothing is stored when the share is refused"
    invite = couples.create_invite(first)
    couples.accept_invite(second, invite.invite.pk, Role.BOTH)
    second_client = signed_in(second)
    for url in (reverse("today"), reverse("notes:list")):
        assert text not in page(second_client, url)


def test_a_partner_without_the_couple_key_yet_sees_shared_notes_waiting(db: None) -> None:
    first, second = make_user("Gia"), make_user("Hal")
    couples.create_couple_space(first, Role.BOTH)
    invite = couples.create_invite(first)
    couples.accept_invite(second, invite.invite.pk, Role.BOTH)
    first_client = signed_in(first)
    text = words("early")
    page(first_client, reverse("today"))  # hands the couple key to the partner
    second_client = signed_in(second)
    # The partner now shares before the first person has opened anything since.
    write(second_client, second, text, shared=True)
    CoupleKeyCopy.objects.filter(user=first).delete()  # as after a reset of the first person
    for url in (reverse("today"), reverse("notes:list")):
        here = page(first_client, url)
        assert text not in here and "opens once your partner next visits" in here
    page(second_client, reverse("today"))
    assert text in page(first_client, reverse("notes:list"))


# -- leaving and deleting ------------------------------------------------------------------------


def test_after_leaving_neither_sees_the_others_shared_entries_and_each_keeps_their_own(
    cast: Cast,
) -> None:
    alice, bob = cast.alice, cast.bob
    alices_shared, alices_private = words("alice shared"), words("alice private")
    bobs_shared, bobs_private = words("bob shared"), words("bob private")
    alice_note = write(alice.client, alice.user, alices_shared, shared=True)
    write(alice.client, alice.user, alices_private)
    bob_note = write(bob.client, bob.user, bobs_shared, shared=True)
    write(bob.client, bob.user, bobs_private)
    assert bobs_shared in page(alice.client) and alices_shared in page(bob.client)

    refused = bob.client.post(reverse("couples:leave"), {"password": PASSWORD + "?"})
    assert refused.status_code == 200 and couples.current_membership(bob.user) is not None
    assert bob.client.post(reverse("couples:leave"), {"password": PASSWORD}).status_code == 302
    assert couples.current_membership(bob.user) is None

    alices_view = page(alice.client) + page(alice.client, reverse("today"))
    assert bobs_shared not in alices_view and bobs_private not in alices_view
    assert alices_shared in alices_view and alices_private in alices_view
    assert alice.client.get(detail(bob_note)).status_code == 404
    data, everything = export(alice.client)
    assert data["shared_with_me"] == {} and bobs_shared not in everything
    assert exported_bodies(data, "my_entries") == {alices_shared, alices_private}

    bobs_view = page(bob.client) + page(bob.client, reverse("today"))
    assert bobs_shared in bobs_view and bobs_private in bobs_view
    assert alices_shared not in bobs_view and alices_private not in bobs_view
    assert bobs_shared in page(bob.client, detail(bob_note))
    assert bob.client.get(detail(alice_note)).status_code == 404
    data, everything = export(bob.client)
    assert exported_bodies(data, "my_entries") == {bobs_shared, bobs_private}
    assert data["shared_with_me"] == {} and alices_shared not in everything


def test_deleting_an_account_removes_its_entries_keys_and_memberships(cast: Cast) -> None:
    alice, bob = cast.alice, cast.bob
    alices = [words("alice shared"), words("alice private")]
    write(alice.client, alice.user, alices[0], shared=True)
    write(alice.client, alice.user, alices[1])
    bobs_shared = words("bob shared")
    write(bob.client, bob.user, bobs_shared, shared=True)
    write(bob.client, bob.user, words("bob private"))
    write_entry_markers(bob.user, PASSWORD, "bob")  # an entry of every kind there is
    bob_id = bob.user.pk
    assert any(model.objects.filter(author_id=bob_id).exists() for model in entry_models())

    refused = bob.client.post(reverse("privacy:delete_account"), {"password": "not it at all"})
    assert refused.status_code == 200 and User.objects.filter(pk=bob_id).exists()
    gone = bob.client.post(reverse("privacy:delete_account"), {"password": PASSWORD})
    assert is_sent_to_sign_in(gone)

    assert not User.objects.filter(pk=bob_id).exists()
    for model in entry_models():
        assert not model.objects.filter(author_id=bob_id).exists(), model._meta.label
    assert not PersonKeys.objects.filter(user_id=bob_id).exists()
    assert not CoupleKeyCopy.objects.filter(user_id=bob_id).exists()
    assert not Membership.objects.filter(user_id=bob_id).exists()
    assert is_sent_to_sign_in(bob.client.get(reverse("notes:list")))
    assert (
        Client().post(SIGN_IN, {"email": bob.user.email, "password": PASSWORD}).status_code == 200
    )

    assert Note.objects.authored_by(alice.user).count() == 2
    here = page(alice.client)
    assert all(text in here for text in alices) and bobs_shared not in here
    assert exported_bodies(export(alice.client)[0], "my_entries") == set(alices)


# -- a browser that lost its key cookie ----------------------------------------------------------


@pytest.mark.parametrize("cookie", ["removed", "someone else's", "garbage", "wrong length"])
def test_without_its_key_cookie_a_browser_is_signed_out_and_shown_no_text(
    cast: Cast, cookie: str
) -> None:
    alice = cast.alice
    text = words("alice")
    write(alice.client, alice.user, text)
    name = settings.KEY_COOKIE_NAME
    if cookie == "removed":
        del alice.client.cookies[name]
    elif cookie == "someone else's":
        alice.client.cookies[name] = cast.bob.client.cookies[name].value
    elif cookie == "garbage":
        alice.client.cookies[name] = "%%%not base64%%%"
    else:
        alice.client.cookies[name] = base64.urlsafe_b64encode(b"short").decode()
    response = alice.client.get(reverse("notes:list"))
    assert is_sent_to_sign_in(response)
    assert "next=" in response["Location"]
    assert text not in response.content.decode()
    followed = alice.client.get(response["Location"])
    assert followed.status_code == 200 and text not in followed.content.decode()
    # Today greets signed-out visitors, so ask for a page that needs a person.
    assert is_sent_to_sign_in(alice.client.get(reverse("accounts:settings"))), (
        "signed out, not only bounced"
    )
    again = signed_in(alice.user)
    assert text in page(again)
