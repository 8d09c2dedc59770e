"""What a person sends on the project pages; `projects.services` decides again."""

from __future__ import annotations

from django import forms

from agreements.services import HEADING_MAX
from projects.models import STEP_MAX, TITLE_MAX

STALE = "This form is out of date. Please open the page again. Nothing was saved."
FIRST_STEPS = 4


def _too_long(limit: int) -> dict[str, str]:
    return {"max_length": f"This can be up to {limit} characters; it has %(show_value)d."}


def _day(label: str) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Please give a date, such as 2026-03-11."},
    )


class ProjectForm(forms.Form):
    title = forms.CharField(
        label="What are you taking on together?",
        max_length=TITLE_MAX,
        help_text="A trip, a room, a hobby: something with a few steps.",
        error_messages={"required": "Please give the project a few words.", **_too_long(TITLE_MAX)},
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"invalid": STALE, "required": STALE}
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for n in range(1, FIRST_STEPS + 1):
            self.fields[f"step_{n}"] = forms.CharField(
                label=f"Step {n}",
                required=False,
                max_length=STEP_MAX,
                error_messages=_too_long(STEP_MAX),
            )
            self.fields[f"step_{n}_on"] = _day(f"Step {n}: a date (if it has one)")

    def step_pairs(self) -> list[tuple[str, object]]:
        return [
            (self.cleaned_data.get(f"step_{n}", ""), self.cleaned_data.get(f"step_{n}_on"))
            for n in range(1, FIRST_STEPS + 1)
        ]

    def step_fields(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"step_{n}"], self[f"step_{n}_on"]) for n in range(1, FIRST_STEPS + 1)]


class StepForm(forms.Form):
    title = forms.CharField(
        label="Another step",
        max_length=STEP_MAX,
        error_messages={"required": "Please give the step a few words.", **_too_long(STEP_MAX)},
    )
    due_on = _day("A date (if it has one)")
    token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"invalid": STALE, "required": STALE}
    )


class HeadingForm(forms.Form):
    text = forms.CharField(
        label="Where we're heading",
        max_length=HEADING_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few lines about the life you'd like to build from here. "
        "It holds once you both accept it.",
        error_messages={
            "required": "Please write a few words about where you're heading.",
            **_too_long(HEADING_MAX),
        },
    )
    revision = forms.IntegerField(required=False, widget=forms.HiddenInput)
    token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"invalid": STALE, "required": STALE}
    )
