"""Why nothing changed, and the checks every change to an agreement makes first: the couple
is two, the agreement is still theirs to change, and the revision it names is the current one
(used by versions, the review and concerns)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db.models import F
from django.utils import timezone

from accounts.models import User
from agreements.models import Agreement
from couples import services as couples
from couples.models import CoupleSpace
from privacy import entries


class AgreementProblem(Exception):
    """A plain reason why nothing changed."""


class StaleAgreement(AgreementProblem):
    """The agreement changed since the form was opened."""

    def __init__(self, current: Agreement) -> None:
        super().__init__(
            "This agreement changed while you had it open. Here is how it stands now; "
            "what you typed is kept below, so nothing is lost."
        )
        self.current = current


def local_today(user: User) -> date:
    return timezone.localdate(timezone=user.zone)


def _couple_of(user: User) -> CoupleSpace:
    membership = couples.current_membership(user)
    if membership is None or couples.partner_of(user) is None:
        raise AgreementProblem("Agreements are made by two. Invite your partner first.")
    return membership.couple


def _check_open(agreement: Agreement) -> None:
    if (
        agreement.couple_id is None
        or CoupleSpace.objects.filter(pk=agreement.couple_id, ended_at__isnull=False).exists()
    ):
        raise AgreementProblem(
            "This agreement was made with a partner who has since left; it stays as history."
        )


def _claim(agreement: Agreement, expected_revision: int, **changes: Any) -> None:
    """Optimistic lock: only an action that saw the current revision may change it."""
    claimed = Agreement.objects.filter(pk=agreement.pk, revision=expected_revision).update(
        revision=F("revision") + 1, updated_at=timezone.now(), **changes
    )
    if claimed != 1:
        raise StaleAgreement(Agreement.objects.get(pk=agreement.pk))
    agreement.refresh_from_db()


@contextmanager
def _plainly() -> Iterator[None]:
    """A key that hasn't arrived yet is a plain reason, not an error page."""
    try:
        yield
    except entries.NotReady as reason:
        raise AgreementProblem(str(reason)) from None
