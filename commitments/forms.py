"""What a person types on the commitment pages, parsed. Whether a plan makes sense is
decided by `services.check_plan`; these forms only ask it, and put its answer next to
the field it is about."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from accounts.models import User
from commitments import services
from commitments.models import (
    DETAILS_MAX,
    NOTICED_MAX,
    REFLECTION_MAX,
    TITLE_MAX,
    Cadence,
    Result,
    Status,
)
from commitments.occurrences import Rule

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEK_ORDINALS = ((1, "first"), (2, "second"), (3, "third"), (4, "fourth"), (-1, "last"))
SHORT_MONTHS = "In shorter months, the last day of the month is used."


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe_rule(rule: Rule, starts_on: date | None = None) -> str:
    """A cadence in plain words: "Weekly on Monday and Thursday"."""
    if rule.cadence == Cadence.ONCE:
        return f"Once, on {starts_on:%A} {starts_on.day} {starts_on:%B %Y}" if starts_on else "Once"
    if rule.cadence == Cadence.DAILY:
        return "Every day"
    if rule.cadence == Cadence.WEEKLY:
        days = sorted(set(rule.weekdays))
        if len(days) == 7:
            return "Every day of the week"
        return "Weekly on " + _and([WEEKDAY_NAMES[d] for d in days])
    if rule.month_day is not None:
        words = f"Monthly on the {ordinal(rule.month_day)}"
        return words + " (the last day in shorter months)" if rule.month_day > 28 else words
    if rule.month_weekday is not None:
        which = dict(WEEK_ORDINALS).get(rule.month_week or 1, "first")
        return f"Monthly on the {which} {WEEKDAY_NAMES[rule.month_weekday]}"
    return "Monthly"


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: str, limit: int, what: str, rows: int = 3, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": f"{what} can be up to {limit:,} characters; this has %(show_value)d."
        },
        **kwargs,
    )


class CadenceForm(forms.Form):
    """How often: once, daily, weekly on chosen days, or monthly (a day, or the Nth weekday)."""

    cadence = forms.ChoiceField(
        label="How often",
        choices=Cadence.choices,
        widget=forms.RadioSelect,
        initial=Cadence.DAILY,
        error_messages={"required": "Choose how often.", "invalid_choice": "Choose how often."},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Weekly, on these days",
        coerce=int,
        choices=list(enumerate(WEEKDAY_NAMES)),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Days of the week go from Monday to Sunday."},
    )
    monthly_by = forms.ChoiceField(
        label="Monthly, on",
        choices=[
            ("day", "A day of the month"),
            ("weekday", "A weekday, such as the second Sunday"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    month_day = forms.IntegerField(
        label="Day of the month",
        min_value=1,
        max_value=31,
        required=False,
        help_text=SHORT_MONTHS,
        error_messages={
            "invalid": "A day of the month is a number from 1 to 31.",
            "min_value": "A day of the month is a number from 1 to 31.",
            "max_value": "A day of the month is a number from 1 to 31.",
        },
    )
    month_week = forms.TypedChoiceField(
        label="Which one",
        coerce=int,
        empty_value=None,
        choices=[("", "Choose…"), *((n, word.capitalize()) for n, word in WEEK_ORDINALS)],
        required=False,
    )
    month_weekday = forms.TypedChoiceField(
        label="Weekday",
        coerce=int,
        empty_value=None,
        choices=[("", "Choose…"), *enumerate(WEEKDAY_NAMES)],
        required=False,
    )

    def __init__(self, *args: Any, allow_once: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_once:
            field = self.fields["cadence"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [c for c in Cadence.choices if c[0] != Cadence.ONCE]

    @classmethod
    def initial_for(cls, rule: Rule) -> dict[str, object]:
        by = (
            "day"
            if rule.month_day is not None
            else "weekday"
            if rule.month_weekday is not None
            else None
        )
        return {
            "cadence": rule.cadence,
            "weekdays": list(rule.weekdays),
            "monthly_by": by,
            "month_day": rule.month_day,
            "month_week": rule.month_week,
            "month_weekday": rule.month_weekday,
        }

    def rule(self) -> Rule:
        """The cadence asked for; only the parts the chosen cadence uses."""
        data = self.cleaned_data
        cadence = data.get("cadence")
        if cadence == Cadence.WEEKLY:
            return Rule(cadence, weekdays=tuple(sorted(set(data.get("weekdays") or ()))))
        if cadence == Cadence.MONTHLY:
            by = data.get("monthly_by")
            day = data.get("month_day") if by != "weekday" else None
            weekday = data.get("month_weekday") if by != "day" else None
            week = data.get("month_week") if weekday is not None else None
            return Rule(cadence, month_day=day, month_week=week, month_weekday=weekday)
        return Rule(str(cadence))

    def _rule_field(self) -> str | None:
        """Where a problem with the cadence belongs on the page."""
        cadence = self.cleaned_data.get("cadence")
        if cadence == Cadence.WEEKLY:
            return "weekdays"
        if cadence == Cadence.MONTHLY:
            by = self.cleaned_data.get("monthly_by")
            return {"day": "month_day", "weekday": "month_weekday"}.get(by or "", "monthly_by")
        return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        fields = ("cadence", "weekdays", "monthly_by", "month_day", "month_week", "month_weekday")
        if any(name in self.errors for name in fields):
            return cleaned
        if cleaned.get("cadence") == Cadence.MONTHLY:
            by = cleaned.get("monthly_by")
            if by == "day" and cleaned.get("month_day") is None:
                self.add_error("month_day", "Which day of the month? A number from 1 to 31.")
                return cleaned
            if by == "weekday" and (
                cleaned.get("month_week") is None or cleaned.get("month_weekday") is None
            ):
                self.add_error("month_weekday", "Choose which one and which weekday.")
                return cleaned
        try:
            # Only the cadence is judged here; dates have their own check below.
            services.check_plan(self.rule(), date.min, None)
        except services.CommitmentProblem as problem:
            self.add_error(self._rule_field(), str(problem))
        return cleaned


def _title() -> forms.CharField:
    return forms.CharField(
        label="What will you do?",
        max_length=TITLE_MAX,
        help_text="Something concrete, such as \u201ctext when I'm running late\u201d.",
        error_messages={
            "required": "Please give the commitment a few words.",
            "max_length": f"A title can be up to {TITLE_MAX} characters; this has %(show_value)d.",
        },
    )


def _ends_on() -> forms.DateField:
    return forms.DateField(
        label="Ending on (optional)",
        widget=_date_input(),
        required=False,
        help_text="Leave empty to keep it going.",
        error_messages={"invalid": "That doesn't look like a date."},
    )


class NewCommitmentForm(CadenceForm):
    title = _title()
    details = _text("Anything more (optional)", DETAILS_MAX, "Details", required=False)
    starts_on = forms.DateField(
        label="Starting on",
        widget=_date_input(),
        error_messages={
            "required": "Choose the day it starts.",
            "invalid": "That doesn't look like a date.",
        },
    )
    ends_on = _ends_on()
    sharing = forms.ChoiceField(
        label="Who sees it",
        widget=forms.RadioSelect,
        # Private by default (rule 1): nothing is shared unless its author chooses.
        initial="private",
        error_messages={
            "required": "Choose who sees it.",
            "invalid_choice": "Choose who sees it.",
        },
    )

    field_order = (
        "title",
        "details",
        "cadence",
        "weekdays",
        "monthly_by",
        "month_day",
        "month_week",
        "month_weekday",
        "starts_on",
        "ends_on",
        "sharing",
    )

    def __init__(self, *args: Any, partner: User | None, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = today
        if partner is None:
            del self.fields["sharing"]
        else:
            field = self.fields["sharing"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [
                ("private", "Keep it to myself"),
                ("shared", f"Shared with {partner.display_name}"),
            ]

    @property
    def shared(self) -> bool:
        return self.cleaned_data.get("sharing") == "shared"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if self.errors or starts is None:
            return cleaned
        try:
            services.check_plan(self.rule(), starts, ends)
        except services.CommitmentProblem as problem:
            self.add_error("ends_on", str(problem))  # the cadence already passed: it's the dates
        return cleaned


class RevisionMixin(forms.Form):
    # The version of the commitment the form was opened on (see services.StaleEdit).
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class EditForm(RevisionMixin):
    title = _title()
    details = _text("Anything more (optional)", DETAILS_MAX, "Details", required=False)
    ends_on = _ends_on()
    field_order = ("title", "details", "ends_on", "revision")


class ChangeCadenceForm(RevisionMixin, CadenceForm):
    pass


class StatusForm(RevisionMixin):
    status = forms.ChoiceField(choices=Status.choices)


class OutcomeForm(forms.Form):
    result = forms.ChoiceField(
        label="How did it go?",
        choices=Result.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose kept, partly kept, or missed.",
            "invalid_choice": "Choose kept, partly kept, or missed.",
        },
    )
    in_the_way = _text("What got in the way?", REFLECTION_MAX, "This", required=False)
    will_change = _text("What will you change?", REFLECTION_MAX, "This", required=False)


class NoticedForm(forms.Form):
    note = _text("A few words, if you like", NOTICED_MAX, "A note", rows=2, required=False)


class RhythmsForm(forms.Form):
    checkin = forms.BooleanField(label="A daily check-in, for me", required=False)
    conversation_weekday = forms.TypedChoiceField(
        label="A weekly conversation, together",
        coerce=int,
        empty_value=None,
        choices=[("", "Off"), *((n, f"Every {name}") for n, name in enumerate(WEEKDAY_NAMES))],
        required=False,
        error_messages={"invalid_choice": "Choose a day of the week, or off."},
    )
    review_day = forms.TypedChoiceField(
        label="A monthly review of our agreements, together",
        coerce=int,
        empty_value=None,
        choices=[("", "Off"), *((n, f"On the {ordinal(n)}") for n in range(1, 32))],
        required=False,
        help_text=SHORT_MONTHS,
        error_messages={"invalid_choice": "Choose a day from the 1st to the 31st, or off."},
    )

    def __init__(self, *args: Any, paired: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not paired:
            # Joint rhythms need a partner: the page says so instead of offering them.
            del self.fields["conversation_weekday"]
            del self.fields["review_day"]
