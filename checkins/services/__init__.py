"""Check-ins: every rule lives in this package, by sub-domain: `checkin` (a day's check-in,
sharing it, reflections and the journal) and `trends` (weekly averages from each reader's
own encrypted weekly summaries). Everything is imported from `checkins.services`."""

from __future__ import annotations

from checkins.services.checkin import (
    CLOSENESS,
    HEAVINESS,
    SAFETY,
    CheckInProblem,
    check_day,
    check_in,
    checked_in_on,
    delete_journal,
    last_checkin_before,
    local_today,
    nth_checkin_day,
    partner_shares_checkins,
    reflect,
    reveal_checkins,
    set_starts_shared,
    share_checkin,
    starts_shared,
    today_probes,
    unshare_checkin,
    write_journal,
)
from checkins.services.trends import (
    WeekAverage,
    refresh_summaries,
    weekly_averages,
    weekly_averages_from_scratch,
    weekly_averages_of,
)

__all__ = [
    "CLOSENESS",
    "HEAVINESS",
    "SAFETY",
    "CheckInProblem",
    "WeekAverage",
    "check_day",
    "check_in",
    "checked_in_on",
    "delete_journal",
    "last_checkin_before",
    "local_today",
    "nth_checkin_day",
    "partner_shares_checkins",
    "reflect",
    "refresh_summaries",
    "reveal_checkins",
    "set_starts_shared",
    "share_checkin",
    "starts_shared",
    "today_probes",
    "unshare_checkin",
    "weekly_averages",
    "weekly_averages_from_scratch",
    "weekly_averages_of",
    "write_journal",
]
