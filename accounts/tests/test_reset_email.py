"""Forgot both password and recovery code: a link by email, sent by the worker."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from conftest import PASSWORD, Cast

NEW_PASSWORD = "an entirely new passphrase"


def _request_and_deliver(client: Client, email: str, capture: Any) -> str:
    with capture(execute=True):
        page = client.post(reverse("accounts:reset"), {"email": email})
    assert page.status_code == 200
    run_queued_tasks()
    return page.content.decode()


def run_queued_tasks() -> None:
    """Do what the worker does with each ready row: claim it, call its task, record it.

    (The db_worker command itself closes database connections when it finishes, which
    would end the test's transaction on PostgreSQL.)"""
    for row in DBTaskResult.objects.ready():
        row.claim("test-worker")
        args = row.args_kwargs
        row.set_successful(row.task.call(*args["args"], **args["kwargs"]))


def test_reset_link_is_built_by_the_worker_and_works_once(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    page = _request_and_deliver(Client(), cast.alice.user.email, django_capture_on_commit_callbacks)
    assert "If there's a Tending account for that address" in page
    # The queued task names the person only: no link or token waits in the database.
    stored = " ".join(str(row.args_kwargs) for row in DBTaskResult.objects.all())
    assert str(cast.alice.user.pk) in stored and "reset" not in stored
    (message,) = mail.outbox
    assert message.to == [cast.alice.user.email]
    link = re.search(r"https?://\S+/account/reset/\S+/", str(message.body))
    assert link is not None
    path = link.group(0).split("testserver", 1)[1]

    client = Client()
    warning = client.get(path).content.decode()
    assert "Your private entries stay locked for good" in warning
    refused = client.post(path, {"new_password": NEW_PASSWORD})
    assert "Please confirm" in refused.content.decode()
    assert User.objects.get(pk=cast.alice.user.pk).check_password(PASSWORD)

    done = client.post(path, {"new_password": NEW_PASSWORD, "understood": "on"})
    assert done.status_code == 302 and reverse("accounts:recovery_code") in done["Location"]
    assert User.objects.get(pk=cast.alice.user.pk).check_password(NEW_PASSWORD)
    # The link was single use: the password it was made for has changed.
    assert Client().get(path).status_code == 410


def test_unknown_email_gets_the_same_reply_and_no_mail(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    page = _request_and_deliver(Client(), "nobody@example.test", django_capture_on_commit_callbacks)
    assert "If there's a Tending account for that address" in page
    assert mail.outbox == []


@pytest.mark.parametrize("path", ["/account/reset/Mg/not-a-token/", "/account/reset/%%%/x/"])
def test_bad_links_say_so_and_change_nothing(cast: Cast, path: str) -> None:
    before = User.objects.get(pk=cast.alice.user.pk).password
    page = Client().get(path)
    assert page.status_code == 410
    assert "This link can't be used" in page.content.decode()
    assert User.objects.get(pk=cast.alice.user.pk).password == before
