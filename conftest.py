"""Test personas shared by every app's tests.

alice and bob are a couple; carol and dan are another couple; erin is not paired.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts import services as accounts
from accounts.models import User
from couples import services as couples
from couples.models import Role
from privacy.crypto import KdfParams

PASSWORD = "a calm test password"


@pytest.fixture(autouse=True)
def _fast_key_derivation(settings: Any) -> None:
    # Argon2 at production cost is measured by the benchmark (bench/), not paid by every
    # test; the code path is the same, only the cost parameters are the minimum.
    settings.PASSWORD_HASHERS = ["tending.testing.FastArgon2PasswordHasher"]
    settings.KEY_KDF_OPS = KdfParams.minimum().ops
    settings.KEY_KDF_MEM = KdfParams.minimum().mem


@dataclass
class Persona:
    user: User
    client: Client

    @property
    def name(self) -> str:
        return self.user.display_name


def make_user(name: str, time_zone: str = "Europe/Amsterdam") -> User:
    """A person with keys, made the way sign-up makes one."""
    user, _, _ = accounts.create_account(
        email=f"{name.lower()}@example.test",
        password=PASSWORD,
        display_name=name,
        time_zone=time_zone,
    )
    return user


def signed_in(user: User, password: str = PASSWORD) -> Client:
    """A client signed in through the real form, so it holds the key cookie too."""
    client = Client()
    response = client.post(reverse("accounts:sign_in"), {"email": user.email, "password": password})
    assert response.status_code == 302, "sign-in failed in test setup"
    return client


def pair(first: User, second: User) -> None:
    couples.create_couple_space(first, Role.REPAIRING)
    new = couples.create_invite(first)
    couples.accept_invite(second, new.invite.pk, Role.HURT)


@dataclass
class Cast:
    alice: Persona
    bob: Persona
    carol: Persona
    dan: Persona
    erin: Persona
    anonymous: Client


@pytest.fixture
def cast(db: None) -> Cast:
    people = {name: make_user(name) for name in ("Alice", "Bob", "Carol", "Dan", "Erin")}
    pair(people["Alice"], people["Bob"])
    pair(people["Carol"], people["Dan"])
    cast = Cast(
        anonymous=Client(),
        **{name.lower(): Persona(user, signed_in(user)) for name, user in people.items()},
    )
    # The first partners visit after their partner joined: this hands over the couple key.
    cast.alice.client.get(reverse("today"))
    cast.carol.client.get(reverse("today"))
    return cast


__all__ = ["PASSWORD", "Cast", "Persona", "make_user", "pair", "signed_in"]
