"""Shared by tests that check how an occasion went (it is encrypted since issue 17)."""

from __future__ import annotations

from commitments.models import Outcome
from conftest import PASSWORD
from privacy.entries import reveal
from privacy.keyring import PasswordKeyring


def how_it_went(outcome: Outcome) -> str:
    """Kept, partly or missed, opened with its author's keys the way their page does."""
    reveal([outcome], PasswordKeyring(outcome.author, PASSWORD))
    return outcome.outcome_result
