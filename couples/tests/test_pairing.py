"""Couple spaces through real URLs: start, invite, join, roles, withdraw and leave."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import User
from conftest import PASSWORD, Cast, make_user, signed_in
from couples import services
from couples.models import CoupleSpace, Invite, Membership, Role
from tests.support import finish_sign_up, text

TODAY = "/"
COUPLE = "/couple/"
START = "/couple/start/"
INVITE = "/couple/invite/"
LEAVE = "/couple/leave/"
START_OVER = "/couple/start-over/"
JOIN_CODE = "/join/"
ACCEPT = "/join/accept/"


def make_invite(client: Client) -> tuple[str, str]:
    """Make an invitation through the page; return the (token, code) shown there."""
    response = client.post(INVITE)
    assert response.status_code == 200
    page = text(response)
    token = re.search(r'id="invite_link"[^>]*value="http://testserver/join/([^/"]+)/"', page)
    code = re.search(r'<p class="code" id="invite_code">([^<]+)</p>', page)
    assert token and code, page
    return token.group(1), code.group(1)


def snapshot() -> tuple[list[Any], ...]:
    return (
        list(Membership.objects.order_by("pk").values()),
        list(Invite.objects.order_by("pk").values()),
        list(CoupleSpace.objects.order_by("pk").values()),
    )


def couple_of(user: User) -> int:
    return Membership.objects.current().get(user=user).couple_id


def current_couple(user: User) -> int | None:
    membership = Membership.objects.current().filter(user=user).first()
    return membership.couple_id if membership else None


@pytest.fixture
def frank(db: None) -> Iterator[tuple[User, Client]]:
    user = make_user("Frank")
    yield user, signed_in(user)


@pytest.fixture
def erin_invite(cast: Cast) -> tuple[str, str]:
    cast.erin.client.post(START, {"role": Role.REPAIRING})
    return make_invite(cast.erin.client)


def test_partners_see_each_other_on_today(cast: Cast) -> None:
    assert "You and Bob" in text(cast.alice.client.get(TODAY))
    assert "You and Alice" in text(cast.bob.client.get(TODAY))
    assert "You and" not in text(cast.erin.client.get(TODAY))
    assert "You and Dan" in text(cast.carol.client.get(TODAY))


# --- Starting a space --------------------------------------------------------------------------


def test_start_a_space_saves_the_chosen_role(cast: Cast) -> None:
    response = cast.erin.client.post(START, {"role": "hurt"})
    assert response.status_code == 302
    membership = Membership.objects.current().get(user=cast.erin.user)
    assert membership.role == Role.HURT
    assert membership.couple.ended_at is None
    assert "Invite your partner" in text(cast.erin.client.get(TODAY))


def test_a_second_space_is_refused_with_a_message(cast: Cast) -> None:
    cast.erin.client.post(START, {"role": "both"})
    before = snapshot()
    response = cast.erin.client.post(START, {"role": "hurt"}, follow=True)
    assert services.ALREADY_IN_SPACE in text(response)
    assert snapshot() == before


def test_starting_a_space_needs_a_valid_role(cast: Cast) -> None:
    response = cast.erin.client.post(START, {"role": "boss"}, follow=True)
    assert "Please choose one of the three options." in text(response)
    assert not Membership.objects.filter(user=cast.erin.user).exists()


# --- Invitations -------------------------------------------------------------------------------


def test_invite_secrets_are_stored_only_as_hashes(cast: Cast) -> None:
    cast.erin.client.post(START, {"role": "both"})
    response = cast.erin.client.post(INVITE)
    assert "no-store" in response["Cache-Control"]
    token, code = make_invite(cast.erin.client)
    plain_code = code.replace("-", "")
    assert len(token) >= 32
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", code)

    for row in Invite.objects.values():
        stored = " ".join(str(value) for value in row.values())
        assert token not in stored
        assert plain_code not in stored
        assert code not in stored
        assert re.fullmatch(r"[0-9a-f]{64}", row["token_hash"])
        assert re.fullmatch(r"[0-9a-f]{64}", row["code_hash"])


def test_a_new_invite_withdraws_the_previous_one(cast: Cast) -> None:
    cast.erin.client.post(START, {"role": "both"})
    old_token, _old_code = make_invite(cast.erin.client)
    new_token, _ = make_invite(cast.erin.client)

    invites = list(Invite.objects.filter(created_by=cast.erin.user).order_by("created_at"))
    assert len(invites) == 2
    assert invites[0].revoked_at is not None
    assert invites[1].revoked_at is None

    stale = cast.anonymous.get(f"/join/{old_token}/")
    assert stale.status_code == 410
    assert services.REVOKED in text(stale)
    assert cast.anonymous.get(f"/join/{new_token}/").status_code == 200


def test_invite_from_a_full_space_is_refused(cast: Cast) -> None:
    before = snapshot()
    response = cast.alice.client.post(INVITE, follow=True)
    assert services.SPACE_FULL in text(response)
    assert snapshot() == before


def test_today_shows_a_waiting_invitation(cast: Cast, erin_invite: tuple[str, str]) -> None:
    page = text(cast.erin.client.get(TODAY))
    assert "An invitation is waiting." in page
    assert "Withdraw the invitation" in page


# --- Joining -----------------------------------------------------------------------------------


def test_join_by_link_then_sign_up_then_accept(cast: Cast, erin_invite: tuple[str, str]) -> None:
    token, _ = erin_invite
    browser = Client()

    welcome = browser.get(f"/join/{token}/")
    assert welcome.status_code == 200
    assert "Erin has invited you" in text(welcome)
    assert f"/account/sign-up/?next={ACCEPT}" in text(welcome)

    signed_up = browser.post(
        f"/account/sign-up/?next={ACCEPT}",
        {
            "display_name": "Gina",
            "email": "gina@example.test",
            "password": "a long and gentle phrase",
            "time_zone": "Europe/Lisbon",
            "next": ACCEPT,
        },
    )
    # The emailed link, the password again, the recovery code and the safety check's
    # offer come first; `next` is carried through them all.
    landed = finish_sign_up(browser, signed_up, "gina@example.test", "a long and gentle phrase")
    assert landed == ACCEPT
    gina = User.objects.get(email="gina@example.test")
    assert current_couple(gina) is None

    accept_page = browser.get(ACCEPT)
    assert accept_page.status_code == 200
    assert "Join Erin" in text(accept_page)

    accepted = browser.post(ACCEPT, {"role": "hurt"})
    assert accepted.status_code == 302
    assert accepted["Location"] == TODAY

    erins = Membership.objects.current().get(user=cast.erin.user)
    ginas = Membership.objects.current().get(user=gina)
    assert ginas.couple_id == erins.couple_id
    assert ginas.role == Role.HURT
    invite = Invite.objects.get(couple_id=erins.couple_id)
    assert invite.used_at is not None
    assert invite.used_by_id == gina.pk
    assert "You and Erin" in text(browser.get(TODAY))
    assert "You and Gina" in text(cast.erin.client.get(TODAY))


def test_join_by_link_with_an_existing_account(cast: Cast, erin_invite: tuple[str, str]) -> None:
    token, _ = erin_invite
    make_user("Gina")
    browser = Client()
    browser.get(f"/join/{token}/")
    signed = browser.post(
        f"/account/sign-in/?next={ACCEPT}",
        {"email": "gina@example.test", "password": PASSWORD, "next": ACCEPT},
    )
    assert signed["Location"] == ACCEPT
    assert browser.post(ACCEPT, {"role": "both"}).status_code == 302
    gina = User.objects.get(email="gina@example.test")
    assert current_couple(gina) == current_couple(cast.erin.user)


def test_signed_in_person_opening_a_link_goes_to_accept(
    cast: Cast, erin_invite: tuple[str, str], frank: tuple[User, Client]
) -> None:
    token, _ = erin_invite
    user, client = frank
    response = client.get(f"/join/{token}/")
    assert response.status_code == 302
    assert response["Location"] == ACCEPT
    assert client.post(ACCEPT, {"role": "repairing"}).status_code == 302
    assert current_couple(user) == current_couple(cast.erin.user)


@pytest.mark.parametrize(
    "typed",
    ["{code}", "{lower}", "  {plain}  ", "{spaced}", "{dashes}"],
)
def test_join_by_code_ignores_case_spaces_and_dashes(
    cast: Cast, erin_invite: tuple[str, str], frank: tuple[User, Client], typed: str
) -> None:
    _, code = erin_invite
    plain = code.replace("-", "")
    entry = typed.format(
        code=code,
        lower=code.lower(),
        plain=plain,
        spaced=" ".join(plain),
        dashes="-".join([plain[:2], plain[2:5], plain[5:]]),
    )
    user, client = frank
    response = client.post(JOIN_CODE, {"code": entry})
    assert response.status_code == 302, text(response)
    assert response["Location"] == ACCEPT
    client.post(ACCEPT, {"role": "both"})
    assert current_couple(user) == current_couple(cast.erin.user)


def test_join_by_code_forgives_look_alike_letters(
    cast: Cast, frank: tuple[User, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A code holding 0, 1 and V, so O, I, L and U typed by mistake can be tried.
    letters = iter("0V1AB2CD")
    monkeypatch.setattr(
        services,
        "secrets",
        SimpleNamespace(token_urlsafe=secrets.token_urlsafe, choice=lambda _: next(letters)),
    )
    cast.erin.client.post(START, {"role": "both"})
    _, code = make_invite(cast.erin.client)
    assert code == "0V1A-B2CD"

    user, client = frank
    response = client.post(JOIN_CODE, {"code": "ou-lab 2cd"})
    assert response.status_code == 302, text(response)
    client.post(ACCEPT, {"role": "both"})
    assert current_couple(user) == current_couple(cast.erin.user)
    assert services.normalize_code("oui-Lab2cd") == "0V11AB2CD"


# --- Every bad case: a plain message, and nothing changes --------------------------------------


def test_a_used_invite_cannot_be_used_again(cast: Cast, erin_invite: tuple[str, str]) -> None:
    token, code = erin_invite
    late = make_user("Gina")
    late_client = signed_in(late)
    assert late_client.get(f"/join/{token}/")["Location"] == ACCEPT  # pending, before it's used

    first = make_user("Frank")
    first_client = signed_in(first)
    first_client.get(f"/join/{token}/")
    assert first_client.post(ACCEPT, {"role": "both"}).status_code == 302
    before = snapshot()

    by_link = Client().get(f"/join/{token}/")
    assert by_link.status_code == 410
    assert services.USED in text(by_link)
    by_code = signed_in(make_user("Hana")).post(JOIN_CODE, {"code": code})
    assert services.USED in text(by_code)
    stale_tab = late_client.post(ACCEPT, {"role": "both"})
    assert stale_tab.status_code == 409
    assert services.USED in text(stale_tab)

    assert snapshot() == before
    assert current_couple(late) is None


def test_a_double_submitted_accept_changes_nothing_more(
    cast: Cast, erin_invite: tuple[str, str], frank: tuple[User, Client]
) -> None:
    token, _ = erin_invite
    _, client = frank
    client.get(f"/join/{token}/")
    client.post(ACCEPT, {"role": "both"})
    before = snapshot()
    again = client.post(ACCEPT, {"role": "hurt"})
    assert again.status_code in {302, 409}
    assert snapshot() == before


def test_an_expired_invite_is_refused(
    cast: Cast, erin_invite: tuple[str, str], frank: tuple[User, Client]
) -> None:
    token, code = erin_invite
    user, client = frank
    client.get(f"/join/{token}/")  # remembered in the session before it expires
    made = Invite.objects.get(created_by=cast.erin.user).created_at

    with time_machine.travel(made + timedelta(days=7, minutes=-1), tick=False):
        assert Client().get(f"/join/{token}/").status_code == 200

    before = snapshot()
    with time_machine.travel(made + timedelta(days=7, minutes=1), tick=False):
        by_link = Client().get(f"/join/{token}/")
        assert by_link.status_code == 410
        assert services.EXPIRED in text(by_link)
        by_code = signed_in(make_user("Hana")).post(JOIN_CODE, {"code": code})
        assert services.EXPIRED in text(by_code)
        accept = client.post(ACCEPT, {"role": "both"})
        assert accept.status_code == 409
        assert services.EXPIRED in text(accept)
    after = snapshot()
    assert after[0] == before[0] and after[1] == before[1]
    assert current_couple(user) is None


def test_a_withdrawn_invite_is_refused(
    cast: Cast, erin_invite: tuple[str, str], frank: tuple[User, Client]
) -> None:
    token, code = erin_invite
    _, client = frank
    client.get(f"/join/{token}/")
    invite = Invite.objects.get(created_by=cast.erin.user)
    withdrawn = cast.erin.client.post(f"/couple/invites/{invite.pk}/withdraw/", follow=True)
    assert "The invitation is withdrawn." in text(withdrawn)
    invite.refresh_from_db()
    assert invite.revoked_at is not None
    before = snapshot()

    by_link = Client().get(f"/join/{token}/")
    assert by_link.status_code == 410
    assert services.REVOKED in text(by_link)
    assert services.REVOKED in text(client.post(JOIN_CODE, {"code": code}))
    accept = client.post(ACCEPT, {"role": "both"})
    assert accept.status_code == 409
    assert services.REVOKED in text(accept)
    assert snapshot() == before


def test_your_own_invite_is_refused(cast: Cast, erin_invite: tuple[str, str]) -> None:
    token, _ = erin_invite
    before = snapshot()
    assert cast.erin.client.get(f"/join/{token}/")["Location"] == ACCEPT
    response = cast.erin.client.post(ACCEPT, {"role": "both"})
    assert response.status_code == 409
    assert services.OWN_INVITE in text(response)
    assert snapshot() == before


def test_someone_already_in_a_space_cannot_accept(cast: Cast, erin_invite: tuple[str, str]) -> None:
    token, _ = erin_invite
    before = snapshot()
    cast.carol.client.get(f"/join/{token}/")
    page = cast.carol.client.get(ACCEPT)
    assert page.status_code == 409
    assert services.ALREADY_IN_SPACE in text(page)
    response = cast.carol.client.post(ACCEPT, {"role": "both"})
    assert response.status_code == 409
    assert snapshot() == before
    assert current_couple(cast.carol.user) == current_couple(cast.dan.user)


def test_a_full_space_takes_no_third_person(cast: Cast, frank: tuple[User, Client]) -> None:
    # A live invitation left over in a space that has since filled up.
    leftover = Invite.objects.create(
        couple_id=couple_of(cast.alice.user),
        created_by=cast.alice.user,
        token_hash="a" * 64,
        code_hash="b" * 64,
        expires_at=timezone.now() + timedelta(days=3),
    )
    user, client = frank
    session = client.session
    session["pending_invite"] = str(leftover.pk)
    session.save()
    before = snapshot()

    response = client.post(ACCEPT, {"role": "both"})
    assert response.status_code == 409
    assert services.SPACE_FULL in text(response)
    assert snapshot() == before
    assert current_couple(user) is None


def test_an_unknown_code_or_link_is_refused(cast: Cast, frank: tuple[User, Client]) -> None:
    _, client = frank
    before = snapshot()
    response = client.post(JOIN_CODE, {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 200
    assert services.UNKNOWN_INVITE in text(response)
    by_link = Client().get("/join/not-a-real-token/")
    assert by_link.status_code == 410
    assert services.UNKNOWN_INVITE in text(by_link)
    assert client.get(ACCEPT)["Location"] == JOIN_CODE
    assert snapshot() == before


def test_guessing_codes_is_throttled(cast: Cast, erin_invite: tuple[str, str]) -> None:
    _, code = erin_invite
    guesser = make_user("Gina")
    client = signed_in(guesser)
    client.defaults["REMOTE_ADDR"] = "198.51.100.50"
    for n in range(5):
        wrong = client.post(JOIN_CODE, {"code": f"ZZZZ-ZZZ{n}"})
        assert services.UNKNOWN_INVITE in text(wrong)

    refused = client.post(JOIN_CODE, {"code": code})
    assert refused.status_code == 200
    assert "Too many tries from this device." in text(refused)
    assert "pending_invite" not in client.session

    elsewhere = signed_in(make_user("Hana"))
    elsewhere.defaults["REMOTE_ADDR"] = "198.51.100.51"
    assert elsewhere.post(JOIN_CODE, {"code": code})["Location"] == ACCEPT


# --- Withdrawing -------------------------------------------------------------------------------


def leftover_invite(cast: Cast) -> Invite:
    return Invite.objects.create(
        couple_id=couple_of(cast.alice.user),
        created_by=cast.alice.user,
        token_hash="c" * 64,
        code_hash="d" * 64,
        expires_at=timezone.now() + timedelta(days=3),
    )


def test_the_creator_can_withdraw_an_invite(cast: Cast) -> None:
    invite = leftover_invite(cast)
    response = cast.alice.client.post(f"/couple/invites/{invite.pk}/withdraw/")
    assert response.status_code == 302
    invite.refresh_from_db()
    assert invite.revoked_at is not None


@pytest.mark.parametrize("intruder", ["bob", "carol", "erin"])
def test_nobody_else_can_withdraw_an_invite(cast: Cast, intruder: str) -> None:
    invite = leftover_invite(cast)
    before = snapshot()
    client: Client = getattr(cast, intruder).client
    assert client.post(f"/couple/invites/{invite.pk}/withdraw/").status_code == 404
    assert cast.anonymous.post(f"/couple/invites/{invite.pk}/withdraw/").status_code == 302
    assert snapshot() == before


def test_withdraw_is_post_only(cast: Cast) -> None:
    invite = leftover_invite(cast)
    assert cast.alice.client.get(f"/couple/invites/{invite.pk}/withdraw/").status_code == 405
    invite.refresh_from_db()
    assert invite.revoked_at is None


# --- Roles -------------------------------------------------------------------------------------


def test_change_role_with_a_normal_post(cast: Cast) -> None:
    response = cast.bob.client.post(COUPLE, {"role": "both"}, follow=True)
    assert "Your role is saved." in text(response)
    assert Membership.objects.current().get(user=cast.bob.user).role == Role.BOTH
    assert Membership.objects.current().get(user=cast.alice.user).role == Role.REPAIRING


def test_change_role_with_htmx_returns_only_the_form(cast: Cast) -> None:
    response = cast.bob.client.post(COUPLE, {"role": "both"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = text(response).strip()
    assert body.startswith('<form id="role-form"')
    assert body.endswith("</form>")
    assert "<html" not in body and "<nav" not in body
    assert "Saved." in body
    vary = [part.strip().lower() for part in response["Vary"].split(",")]
    assert "hx-request" in vary
    assert Membership.objects.current().get(user=cast.bob.user).role == Role.BOTH

    full = cast.bob.client.get(COUPLE)
    assert "<html" in text(full)
    assert "hx-request" in full["Vary"].lower()


def test_an_invalid_role_changes_nothing(cast: Cast) -> None:
    response = cast.bob.client.post(COUPLE, {"role": "boss"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Please choose one of the options shown." in text(response)
    assert "Saved." not in text(response)
    assert Membership.objects.current().get(user=cast.bob.user).role == Role.HURT


def test_the_couple_page_needs_a_space(cast: Cast) -> None:
    assert cast.erin.client.get(COUPLE).status_code == 404
    assert cast.erin.client.get(LEAVE).status_code == 404


# --- Leaving -----------------------------------------------------------------------------------


def test_leaving_needs_the_right_password(cast: Cast) -> None:
    before = snapshot()
    response = cast.bob.client.post(LEAVE, {"password": "not it"})
    assert response.status_code == 200
    assert "That password doesn't match. Nothing has changed." in text(response)
    assert snapshot() == before


def test_leaving_alone_and_what_each_partner_sees_after(cast: Cast) -> None:
    page = cast.bob.client.get(LEAVE)
    assert "Alice won't be asked" in text(page)

    response = cast.bob.client.post(LEAVE, {"password": PASSWORD}, follow=True)
    assert "You've left the couple space." in text(response)

    assert current_couple(cast.bob.user) is None
    old = Membership.objects.get(user=cast.alice.user)
    assert old.left_at is None
    assert old.couple.ended_at is not None
    assert "You're on your own here now" in text(cast.alice.client.get(TODAY))
    assert "No one, for now" in text(cast.alice.client.get(COUPLE))
    assert "Hello, Bob" in text(cast.bob.client.get(TODAY))

    # The closed space takes no new partner.
    refused = cast.alice.client.post(INVITE, follow=True)
    assert services.SPACE_ENDED in text(refused)
    assert not Invite.objects.filter(couple_id=old.couple_id, used_at__isnull=True).exists()

    # Both can begin again, each on their own.
    assert cast.alice.client.post(START_OVER).status_code == 302
    fresh = Membership.objects.current().get(user=cast.alice.user)
    assert fresh.couple_id != old.couple_id
    assert fresh.role == Role.REPAIRING
    assert Membership.objects.get(pk=old.pk).left_at is not None
    assert "Invite your partner" in text(cast.alice.client.get(TODAY))

    assert cast.bob.client.post(START, {"role": "hurt"}).status_code == 302
    bobs = Membership.objects.current().get(user=cast.bob.user)
    assert bobs.couple_id not in {old.couple_id, fresh.couple_id}


def test_leaving_revokes_a_waiting_invitation(cast: Cast, erin_invite: tuple[str, str]) -> None:
    token, _ = erin_invite
    cast.erin.client.post(LEAVE, {"password": PASSWORD})
    response = Client().get(f"/join/{token}/")
    assert response.status_code == 410
    assert services.REVOKED in text(response)


def test_start_over_is_refused_while_the_space_is_open(cast: Cast) -> None:
    before = snapshot()
    response = cast.alice.client.post(START_OVER, follow=True)
    assert services.ALREADY_IN_SPACE in text(response)
    assert snapshot() == before


def test_a_person_is_never_in_two_current_spaces(cast: Cast) -> None:
    other = CoupleSpace.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(couple=other, user=cast.alice.user, role=Role.BOTH)
    assert Membership.objects.filter(user=cast.alice.user).count() == 1

    # A past membership does not count.
    Membership.objects.create(
        couple=other, user=cast.alice.user, role=Role.BOTH, left_at=timezone.now()
    )
    assert Membership.objects.filter(user=cast.alice.user).count() == 2


# --- Joining again after a partner left (issue 13, bug 2) -------------------------------------


def test_the_one_who_was_left_can_join_a_new_invitation(cast: Cast) -> None:
    cast.bob.client.post("/notes/", {"body": "bob shared words in the old space", "shared": "on"})
    cast.alice.client.post(LEAVE, {"password": PASSWORD})
    old = Membership.objects.current().get(user=cast.bob.user)
    assert old.couple.ended_at is not None

    # Us offers a way on: join with a code, or open a new space.
    us = text(cast.bob.client.get(COUPLE))
    assert f'href="{JOIN_CODE}"' in us and f'action="{START_OVER}"' in us
    assert f'href="{JOIN_CODE}"' in text(cast.bob.client.get(TODAY))

    # Erin, someone new, invites him; he types the code.
    cast.erin.client.post(START, {"role": "hurt"})
    _, code = make_invite(cast.erin.client)
    assert cast.bob.client.post(JOIN_CODE, {"code": code})["Location"] == ACCEPT
    page = cast.bob.client.get(ACCEPT)
    assert page.status_code == 200
    words = text(page)
    assert "What happens to your old couple space" in words
    assert "Nothing from your old space is shown to" in words
    assert "/account/export/" in words

    response = cast.bob.client.post(ACCEPT, {"role": "repairing"})
    assert response.status_code == 302
    assert current_couple(cast.bob.user) == current_couple(cast.erin.user)
    assert Membership.objects.get(pk=old.pk).left_at is not None

    # The new partner gets the new space's key only, and never the old shared words.
    from privacy.models import CoupleKeyCopy

    cast.erin.client.get(TODAY)  # hands the new couple key to bob
    assert not CoupleKeyCopy.objects.filter(couple_id=old.couple_id, user=cast.erin.user).exists()
    assert "bob shared words" not in text(cast.erin.client.get("/notes/"))
    # ...while Bob still reads his own.
    assert "bob shared words in the old space" in text(cast.bob.client.get("/notes/"))


def test_opening_a_new_space_first_does_not_stop_joining(cast: Cast) -> None:
    cast.alice.client.post(LEAVE, {"password": PASSWORD})
    assert cast.bob.client.post(START_OVER).status_code == 302
    unused = Membership.objects.current().get(user=cast.bob.user)
    make_invite(cast.bob.client)

    cast.alice.client.post(START, {"role": "hurt"})
    token, _ = make_invite(cast.alice.client)
    assert cast.bob.client.get(f"/join/{token}/")["Location"] == ACCEPT
    page = cast.bob.client.get(ACCEPT)
    assert page.status_code == 200
    assert "which no one has joined, closes" in text(page)
    assert cast.bob.client.post(ACCEPT, {"role": "both"}).status_code == 302

    assert current_couple(cast.bob.user) == current_couple(cast.alice.user)
    closed = CoupleSpace.objects.get(pk=unused.couple_id)
    assert closed.ended_at is not None
    assert not Invite.objects.filter(couple=closed, revoked_at__isnull=True, used_at__isnull=True)


def test_someone_with_a_partner_still_cannot_join_elsewhere(cast: Cast) -> None:
    cast.erin.client.post(START, {"role": "hurt"})
    token, _ = make_invite(cast.erin.client)
    before = snapshot()
    cast.bob.client.get(f"/join/{token}/")
    assert cast.bob.client.post(ACCEPT, {"role": "both"}).status_code == 409
    assert snapshot() == before
