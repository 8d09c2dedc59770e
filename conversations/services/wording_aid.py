"""Whether a person wants the wording aid while they write (on unless they turned it off)."""

from __future__ import annotations

from accounts.models import User
from conversations.models import WordingPreference


def wording_aid_on(user: User) -> bool:
    found = WordingPreference.objects.filter(user=user).values_list("aid_on", flat=True).first()
    return True if found is None else bool(found)


def set_wording_aid(user: User, on: bool) -> None:
    WordingPreference.objects.update_or_create(user=user, defaults={"aid_on": on})
