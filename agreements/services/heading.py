"""Where we're heading: an agreement of its own kind, one per couple, made and changed
through the same versions (its page lives in projects)."""

from __future__ import annotations

import uuid

from accounts.models import User
from agreements.models import FIELD_MAX, Agreement, Kind, Status
from agreements.services.guards import StaleAgreement
from agreements.services.reading import visible_agreements
from agreements.services.terms import Terms
from agreements.services.versions import _version_by_token, propose, revise
from privacy.keyring import Keyring

HEADING_TITLE = "Where we're heading"
HEADING_MAX = FIELD_MAX * 2  # the `text` field's limit


def heading_of(user: User) -> Agreement | None:
    """The couple's shared picture of the future: their one "heading" agreement that is
    proposed or in effect (the first, should two have been started at once)."""
    found: Agreement | None = (
        visible_agreements(user)
        .filter(kind=Kind.HEADING, status__in=(Status.PROPOSED, Status.IN_EFFECT))
        .first()
    )
    return found


def propose_heading(
    ring: Keyring, text: str, *, expected_revision: int | None, token: uuid.UUID | None = None
) -> Agreement:
    """New words for where we're heading: the first proposal, or a change to the words in
    effect (or waiting), which holds once the partner accepts it. `expected_revision` is the
    revision the form saw (None: it saw no heading yet)."""
    terms = Terms(title=HEADING_TITLE, text=text)
    current = heading_of(ring.user)
    if current is None:
        return propose(ring, Kind.HEADING, terms, token=token)
    if expected_revision is None:
        earlier = _version_by_token(ring.user, token)
        if earlier is not None and earlier.agreement_id == current.pk:
            return current  # the same first proposal, sent twice
        raise StaleAgreement(current)
    revise(ring, current, terms, expected_revision=expected_revision, token=token)
    return current
