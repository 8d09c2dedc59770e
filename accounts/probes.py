"""Small questions about one person, from several practices, answered by one query.

A page such as Today asks every practice something small: "did they check in today?",
"is a note of appreciation waiting?". Each practice builds its question in its own
services, over its own tables and with its own visibility rule (an `Exists` or a scalar
`Subquery`, not tied to an outer query), and names it after itself. The page gathers them
and `ask` answers them all in one round trip. A practice whose answer is "nothing
waiting" then asks nothing more.

Each question is compiled by Django on its own, exactly as `.exists()` or a one-value
query would compile it, and the parts are joined as `SELECT EXISTS(...), (...)`: putting
them on a row of some table with `.annotate()` made Django copy and re-alias every
subquery first, which cost more than the queries it saved (issue 18).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Exists, Subquery

from accounts.models import User

Probes = Mapping[str, Exists | Subquery]
Answers = Mapping[str, Any]


def ask(probes: Probes) -> dict[str, Any]:
    """Every probe's answer, by name, in one query (none when there is nothing to ask)."""
    if not probes:
        return {}
    alias = router.db_for_read(User)
    connection = connections[alias]
    parts: list[str] = []
    params: list[Any] = []
    for probe in probes.values():
        try:
            sql, part_params = probe.query.get_compiler(connection=connection).as_sql()
        except EmptyResultSet:  # a question that can't match anything (an empty `__in`)
            parts.append("NULL")
            continue
        parts.append(f"EXISTS({sql})" if isinstance(probe, Exists) else f"({sql})")
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {
        name: _value(probe, raw, connection)
        for (name, probe), raw in zip(probes.items(), row, strict=True)
    }


def _value(probe: Exists | Subquery, raw: Any, connection: Any) -> Any:
    """The answer as the ORM would give it: a bool for `Exists`, the field's own value
    (a date, a bool ...) for a `Subquery`, through the same converters."""
    if isinstance(probe, Exists):
        return bool(raw)
    field = probe.output_field
    for convert in [*connection.ops.get_db_converters(probe), *field.get_db_converters(connection)]:
        raw = convert(raw, probe, connection)
    return raw
