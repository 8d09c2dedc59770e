"""Small questions about one person, from several practices, answered by one query.

A page such as Today asks every practice something small: "did they check in today?",
"is a note of appreciation waiting?". Each practice builds its question in its own
services, over its own tables and with its own visibility rule (an `Exists` or a scalar
`Subquery` about this person), and names it after itself. The page gathers them and `ask`
answers them all in one round trip, as annotations on the person's own row. A practice
whose answer is "nothing waiting" then asks nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models.expressions import BaseExpression

from accounts.models import User

Probes = Mapping[str, BaseExpression]
Answers = Mapping[str, Any]


def ask(user: User, probes: Probes) -> dict[str, Any]:
    """Every probe's answer, by name, in one query (none when there is nothing to ask)."""
    if not probes:
        return {}
    aliases = {f"probe_{n}": name for n, name in enumerate(probes)}
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(**{alias: probes[name] for alias, name in aliases.items()})
        .values(*aliases)
        .get()
    )
    return {name: row[alias] for alias, name in aliases.items()}
