"""The reminder emails' settings page: the time field's hint in the person's own time zone,
the line after saving, and the page's values (when the next one comes, and a preview)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from accounts.models import User
from commitments import reminders
from commitments.models import ReminderSetting


def initial(current: ReminderSetting) -> dict[str, Any]:
    return {"enabled": "on" if current.enabled else "off", "local_time": current.local_time}


def time_help(user: User) -> str:
    return (
        f"On your own clock ({user.time_zone.replace('_', ' ')}); it stays put when the "
        "clocks change."
    )


def saved_words(saved: ReminderSetting) -> str:
    return "Saved. " + reminders.next_reminder_text(saved)


def settings_context(user: User, current: ReminderSetting) -> dict[str, Any]:
    """The form is the view's."""
    return {
        "next_text": reminders.next_reminder_text(current),
        "preview": reminders.preview(user),
        "today": timezone.localdate(timezone=user.zone),
    }
