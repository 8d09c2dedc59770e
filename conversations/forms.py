"""What a person sends on the conversation pages, parsed. Every rule is decided again by
`conversations.services`; these forms only give each problem plain words. The words said in
a conversation are passed on as typed: the services tidy them and say when they're too long."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from commitments import services as commitments
from conversations.models import TOPIC_MAX, Kind, Mode

NOT_OFFERED = "That isn't one of the choices here. Nothing changed."
STALE = "This page was a little out of date, so nothing changed. Please try again."
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

KIND_LABELS = {Kind.WEEKLY: "Our weekly conversation", Kind.TOPIC: "About one thing"}

# What the conversation page's buttons send: `act`'s actions, and the ones that need the
# revision the screen showed (a pause, and stopping or resuming, must always work).
ACTIONS = (
    "begin",
    "said_it",
    "reflect",
    "heard",
    "not_quite",
    "closing",
    "another_round",
    "pause",
    "resume",
    "end_for_today",
    "resume_later",
)
NEEDS_REVISION = frozenset(
    {"begin", "said_it", "reflect", "heard", "not_quite", "another_round", "closing"}
)


class StartForm(forms.Form):
    kind = forms.ChoiceField(
        label="What would you like to talk about?",
        choices=list(KIND_LABELS.items()),
        widget=forms.RadioSelect,
        initial=Kind.WEEKLY,
        error_messages={
            "required": "Choose the weekly conversation or one about a single thing.",
            "invalid_choice": "Choose the weekly conversation or one about a single thing.",
        },
    )
    topic = forms.CharField(
        label="In a few words, what is it about?",
        required=False,
        max_length=TOPIC_MAX,
        help_text="Only the two of you will see it.",
        error_messages={
            "max_length": f"The topic can be up to {TOPIC_MAX} characters; this has %(show_value)d."
        },
    )
    # "agreement:<id>" or "concern:<id>": something that waits for a conversation.
    about = forms.CharField(required=False)
    mode = forms.ChoiceField(
        label="How will you hold it?",
        choices=Mode.choices,
        widget=forms.RadioSelect,
        initial=Mode.TOGETHER,
        error_messages={
            "required": "Choose one phone passed between you, or one device each.",
            "invalid_choice": "Choose one phone passed between you, or one device each.",
        },
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"invalid": STALE, "required": STALE}
    )

    def clean_about(self) -> tuple[str, str] | None:
        value = str(self.cleaned_data.get("about") or "").strip()
        if not value:
            return None
        what, _, pk = value.partition(":")
        if what not in {"agreement", "concern"} or not pk:
            raise forms.ValidationError(NOT_OFFERED)
        return what, pk


class ActForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(a, a) for a in ACTIONS],
        error_messages={"required": NOT_OFFERED, "invalid_choice": NOT_OFFERED},
    )
    revision = forms.IntegerField(
        required=False, min_value=0, error_messages={"invalid": STALE, "min_value": STALE}
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("action") in NEEDS_REVISION and cleaned.get("revision") is None:
            self.add_error("revision", STALE)
        return cleaned


class ConfirmItemForm(forms.Form):
    """How often an item from a conversation becomes a commitment, and from when."""

    action = forms.ChoiceField(
        choices=[("confirm", "confirm"), ("set_aside", "set aside")],
        initial="confirm",
        error_messages={"required": NOT_OFFERED, "invalid_choice": NOT_OFFERED},
    )
    cadence = forms.ChoiceField(
        label="How often",
        choices=[
            (commitments.Cadence.ONCE, "Once, on the day below"),
            (commitments.Cadence.DAILY, "Every day"),
            (commitments.Cadence.WEEKLY, "Weekly, on chosen days"),
        ],
        widget=forms.RadioSelect,
        initial=commitments.Cadence.DAILY,
        required=False,
        error_messages={"invalid_choice": "Choose how often."},
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Weekly, on these days",
        coerce=int,
        choices=list(enumerate(WEEKDAY_NAMES)),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Days of the week go from Monday to Sunday."},
    )
    starts_on = forms.DateField(
        label="Starting on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "That doesn't look like a date."},
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = today

    @property
    def setting_aside(self) -> bool:
        return self.cleaned_data.get("action") == "set_aside"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or cleaned.get("action") == "set_aside":
            return cleaned
        if not cleaned.get("cadence"):
            self.add_error("cadence", "Choose how often.")
        elif cleaned["cadence"] == commitments.Cadence.WEEKLY and not cleaned.get("weekdays"):
            self.add_error("weekdays", "Choose at least one day of the week.")
        if cleaned.get("starts_on") is None:
            self.add_error("starts_on", "Choose the day it starts.")
        return cleaned

    def rule(self) -> commitments.Rule:
        cadence = str(self.cleaned_data["cadence"])
        if cadence == commitments.Cadence.WEEKLY:
            weekdays = tuple(sorted(set(self.cleaned_data["weekdays"])))
            return commitments.Rule(cadence, weekdays=weekdays)
        return commitments.Rule(cadence)
