"""One query for a page's small questions; the person's key row comes with the person."""

from __future__ import annotations

import pytest
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    authenticate,
    get_user,
)
from django.db import connection
from django.db.models import Exists, Subquery
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts import probes
from accounts.backends import BACKEND, PLAIN_BACKEND, PersonBackend
from accounts.models import User
from accounts.request_scope import forget, request_scope
from conftest import PASSWORD, Cast
from privacy import keys
from privacy.models import PersonKeys


def test_several_probes_are_answered_by_one_query(cast: Cast) -> None:
    alice = cast.alice.user
    bob = User.objects.filter(pk=cast.bob.user.pk)
    asked = {
        "is there": Exists(User.objects.filter(pk=alice.pk)),
        "is not": Exists(User.objects.filter(pk=alice.pk, is_active=False)),
        "can't be": Exists(User.objects.filter(pk__in=[])),  # Django won't even compile it
        "called": Subquery(bob.values("display_name")[:1]),
        "active": Subquery(bob.values("is_active")[:1]),
        "joined": Subquery(bob.values("date_joined")[:1]),
        "nobody's": Subquery(User.objects.filter(pk=-1).values("date_joined")[:1]),
    }
    with CaptureQueriesContext(connection) as seen:
        answers = probes.ask(asked)
    # Values as the ORM gives them, whatever the database: a bool, an aware datetime.
    assert answers == {
        "is there": True,
        "is not": False,
        "can't be": False,
        "called": "Bob",
        "active": True,
        "joined": cast.bob.user.date_joined,
        "nobody's": None,
    }
    assert answers["active"] is True and answers["is not"] is False
    assert len(seen) == 1
    with CaptureQueriesContext(connection) as seen:
        assert probes.ask({}) == {}
    assert len(seen) == 0


def test_the_person_arrives_with_their_key_row_read_once(cast: Cast) -> None:
    alice = PersonBackend().get_user(cast.alice.user.pk)
    assert alice is not None
    with request_scope():
        with CaptureQueriesContext(connection) as seen:
            first = keys._person_keys(alice)
        assert len(seen) == 0 and first is not None and first.user_id == alice.pk
        # Changed keys are read again, never the copy that came with the person.
        PersonKeys.objects.filter(user=alice).update(public_key=b"new")
        forget("privacy.person_keys")
        with CaptureQueriesContext(connection) as seen:
            again = keys._person_keys(alice)
        assert len(seen) == 1 and again is not None and bytes(again.public_key) == b"new"


def test_a_session_from_before_the_backend_still_loads_the_person(cast: Cast) -> None:
    alice = cast.alice.user
    for path in (BACKEND, PLAIN_BACKEND):
        request = RequestFactory().get("/")
        request.session = cast.alice.client.session
        request.session[SESSION_KEY] = str(alice.pk)
        request.session[BACKEND_SESSION_KEY] = path
        request.session[HASH_SESSION_KEY] = alice.get_session_auth_hash()
        assert get_user(request) == alice


def test_a_wrong_password_is_checked_once_not_once_per_backend(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:

    checked: list[str] = []
    real = User.check_password

    def counting(user: User, raw: str) -> bool:
        checked.append(raw)
        return real(user, raw)

    monkeypatch.setattr(User, "check_password", counting)
    assert authenticate(None, email=cast.alice.user.email, password="not it") is None
    assert checked == ["not it"]
    assert authenticate(None, email=cast.alice.user.email, password=PASSWORD) == cast.alice.user
