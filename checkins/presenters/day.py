"""One day's check-in and the history of check-ins, as the pages show them.

A check-in is never scored or compared: the partner's shared ones are listed on their own,
as their view of their own days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from accounts.models import User
from checkins import services
from checkins.forms import CheckInForm, SharingPreferenceForm
from checkins.models import LATE_DAYS, CheckIn, HardDay
from couples import services as couples
from privacy.keyring import Keyring
from tending.paging import page_of

PER_PAGE = 30
BAD_PAGE = "There's no such page, so here are the newest check-ins."
MOMENT_WORDS = dict(HardDay.choices)


def partner_display_name(user: User) -> str | None:
    """The partner's name for the forms' wording; None with nobody to share with."""
    partner = couples.partner_of(user)
    return partner.display_name if partner else None


# -- one day's check-in -------------------------------------------------------------------


def day_url(day: date, today: date) -> str:
    return reverse("checkins:today") if day == today else reverse("checkins:day", args=[day])


def _existing(user: User, day: date) -> CheckIn | None:
    return CheckIn.objects.authored_by(user).filter(day=day).first()


def _initial(user: User, entry: CheckIn | None) -> dict[str, Any]:
    if entry is None or entry.unreadable or entry.waiting:
        return {"shared": services.starts_shared(user)}
    plain = entry.plain
    return {
        "safety": plain.get("safety"),
        "closeness": plain.get("closeness"),
        "heaviness": plain.get("heaviness"),
        "moments": plain.get("moments") or [],
        "words": plain.get("words") or "",
        "shared": entry.is_shared,
    }


def day_context(
    ring: Keyring, user: User, day: date, form: CheckInForm | None = None
) -> dict[str, Any]:
    """The day's form, filled with what was already kept that day (or a fresh one)."""
    partner = couples.partner_of(user)
    today = services.local_today(user)
    entry = _existing(user, day)
    if entry is not None:
        services.reveal_checkins(ring, [entry])
    if form is None:
        form = CheckInForm(
            initial=_initial(user, entry),
            partner_name=partner.display_name if partner else None,
        )
    return {
        "form": form,
        "day": day,
        "today": today,
        "late": day < today,
        "entry": entry,
        "partner": partner,
        "action": day_url(day, today),
        # The days a missed check-in can still be filled in, newest first.
        "earlier_days": [today - timedelta(days=n) for n in range(1, LATE_DAYS + 1)],
    }


def refused_context(user: User, problem: str) -> dict[str, Any]:
    """A day that can't be filled in: a plain reason, and the way back."""
    return {"refused": problem, "today": services.local_today(user)}


# -- the history ----------------------------------------------------------------------------


@dataclass
class Row:
    """One check-in in the history, with what the page offers for it."""

    entry: CheckIn
    moments: list[str]
    mine: bool
    may_change: bool


def _history_rows(user: User, theirs: bool) -> QuerySet[CheckIn]:
    if theirs:
        # What the partner shared with this person: the reading rule, minus their own.
        return CheckIn.objects.visible_to(user).exclude(author_id=user.pk)
    return CheckIn.objects.authored_by(user)


def history_context(
    ring: Keyring,
    user: User,
    *,
    partners: bool,
    asked_page: str | None,
    preference_form: SharingPreferenceForm | None = None,
) -> dict[str, Any]:
    """One's own check-ins, or (`partners`) the ones the partner shared, a page of them."""
    partner = couples.partner_of(user)
    today = services.local_today(user)
    theirs = partner is not None and partners
    rows = _history_rows(user, theirs).order_by("-day", "-created_at")
    page, page_problem = page_of(rows, asked_page, PER_PAGE, BAD_PAGE)
    opened = services.reveal_checkins(ring, page.object_list)
    history = [
        Row(
            entry=c,
            moments=[MOMENT_WORDS.get(m, "") for m in (c.plain.get("moments") or [])],
            mine=not theirs,
            may_change=not theirs and today - timedelta(days=LATE_DAYS) <= c.day <= today,
        )
        for c in opened
    ]
    if preference_form is None and partner is not None and not theirs:
        start = "shared" if services.starts_shared(user) else "private"
        preference_form = SharingPreferenceForm(
            initial={"start": start}, partner_name=partner.display_name
        )
    return {
        "rows": history,
        "page": page,
        "page_problem": page_problem,
        "theirs": theirs,
        "partner": partner,
        "today": today,
        "preference_form": preference_form,
    }


def history_url(asked_page: str) -> str:
    """The page of the history the person was on."""
    url = reverse("checkins:history")
    if asked_page.isdigit() and int(asked_page) > 1:
        url += f"?page={int(asked_page)}"
    return url
