"""Keeping SQLite's query planner informed.

SQLite chooses an index from statistics that only `ANALYZE` writes. Without them, a query
such as a commitment's outcomes over a month (`visible_to`'s OR, then a date range) reads
every outcome of the author from an index on the author alone: 21 ms instead of 0.2 ms on
the 5-year couple (issue 18, bench.pages). `ANALYZE` with a row limit per index costs a few
milliseconds and is run when Tending starts and, by the worker, once an hour; PostgreSQL
keeps its own statistics (autovacuum), so there this does nothing.
"""

from __future__ import annotations

from django.db import connection

# Rows SQLite looks at per index (SQLite's `analysis_limit`), so the time stays bounded however
# large the database grows. It must see more than one person's history: at 1,000 the sample
# held one author's outcomes only, SQLite guessed a thousand rows per author and per
# commitment alike, and read one day's outcomes of the 5-year couple through the author
# index (11.7 ms instead of 0.03 ms; a full ANALYZE of that database takes 14 ms).
ANALYSIS_LIMIT = 100_000


def refresh_statistics() -> bool:
    """Refresh the planner's statistics on SQLite; True when it did."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True
