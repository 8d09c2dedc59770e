"""What a person sends on the closeness pages, parsed. Every rule is decided again by
`closeness.services`; these forms only give each problem plain words. None of them ever
carries anything about the partner's answers: there is nothing of theirs to carry."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms

from closeness import services
from closeness.models import AFTERCARE_NOTE_MAX, OWN_STEP_MAX, Feeling
from closeness.steps import TIER_KEYS, TIERS, Step

NOT_OFFERED = "That isn't one of the choices here, so nothing was changed."
STALE = "This form is out of date. Please look again and try once more."
UNANSWERED = ""
# The order the choices appear in, with the open one last: it is where everyone starts.
ANSWER_CHOICES = (*services.ANSWER_CHOICES, (UNANSWERED, "Not answered"))


def tiers_up_to(tier: str) -> str:
    """ "being near and affection": the kinds of closeness a slow-down stays with."""
    # Each a noun, so the list reads in a sentence ("stay with being near and affection").
    nouns = {"sensual": "sensual touch"}
    names = [nouns.get(t.key, t.name.lower()) for t in TIERS[: TIER_KEYS.index(tier) + 1]]
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


WEEK_CHOICES = [(n, "1 week" if n == 1 else f"{n} weeks") for n in services.SLOW_DOWN_WEEKS]
SLOW_TIER_CHOICES = [(key, tiers_up_to(key).capitalize()) for key in TIER_KEYS[:-1]]


def _weeks_field(label: str) -> forms.TypedChoiceField:
    choose = "Please choose from one to twelve weeks."
    return forms.TypedChoiceField(
        label=label,
        choices=WEEK_CHOICES,
        coerce=int,
        initial=4,
        error_messages={"required": choose, "invalid_choice": choose},
    )


# -- one's own answers ---------------------------------------------------------------------


def answer_name(step: Step) -> str:
    return f"answer-{step.key}"


def hide_name(step: Step) -> str:
    return f"hide-{step.key}"


class AnswersForm(forms.Form):
    """Every step on this person's list: one set of radios and a "hide" box for each."""

    def __init__(self, *args: Any, steps: Iterable[Step], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps = list(steps)
        for step in self.steps:
            self.fields[answer_name(step)] = forms.ChoiceField(
                label=step.words,
                choices=ANSWER_CHOICES,
                required=False,
                initial=UNANSWERED,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": NOT_OFFERED},
            )
            self.fields[hide_name(step)] = forms.BooleanField(
                label="Hide from my list", required=False
            )

    @classmethod
    def initial_for(cls, steps: Iterable[Step], mine: services.MyAnswers) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for step in steps:
            initial[answer_name(step)] = mine.answers.get(step.key, UNANSWERED)
            initial[hide_name(step)] = step.key in mine.hidden
        return initial

    def answers(self) -> dict[str, str]:
        return {s.key: self.cleaned_data[answer_name(s)] or UNANSWERED for s in self.steps}

    def hidden(self) -> list[str]:
        return [s.key for s in self.steps if self.cleaned_data[hide_name(s)]]


class AddStepForm(forms.Form):
    words = forms.CharField(
        label="In a few words",
        max_length=OWN_STEP_MAX,
        help_text=f"Up to {OWN_STEP_MAX} characters. It joins both your lists, unanswered; "
        "each of you answers it privately, like every other step.",
        error_messages={
            "required": "Please describe the step in a few words.",
            "max_length": f"A step can be up to {OWN_STEP_MAX} characters; "
            "this has %(show_value)d.",
        },
    )
    tier = forms.ChoiceField(
        label="Which kind of closeness it belongs with",
        choices=[("", "Choose one"), *((t.key, t.name) for t in TIERS)],
        error_messages={
            "required": "Choose which kind of closeness this step belongs with.",
            "invalid_choice": NOT_OFFERED,
        },
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"invalid": STALE, "required": STALE}
    )


# -- slowing down, and email -----------------------------------------------------------------


class ProposeSlowDownForm(forms.Form):
    up_to_tier = forms.ChoiceField(
        label="Stay with",
        choices=SLOW_TIER_CHOICES,
        initial=TIER_KEYS[0],
        error_messages={
            "required": "Choose which kinds of closeness to stay with for now.",
            "invalid_choice": NOT_OFFERED,
        },
    )
    weeks = _weeks_field("For")


class ExtendSlowDownForm(forms.Form):
    slow_down = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"invalid": STALE, "required": STALE}
    )
    weeks = _weeks_field("Add")


class SlowDownAnswerForm(forms.Form):
    slow_down = forms.UUIDField(error_messages={"invalid": STALE, "required": STALE})


EMAIL_OFF, EMAIL_ON = "off", "on"


class EmailSettingForm(forms.Form):
    email = forms.ChoiceField(
        label="When a check-in before a moment is waiting",
        choices=(
            (EMAIL_OFF, "Only in Tending"),
            (EMAIL_ON, "Also a short email that only says something is waiting"),
        ),
        widget=forms.RadioSelect,
        help_text="The email never says what is waiting, or for when.",
        error_messages={"required": NOT_OFFERED, "invalid_choice": NOT_OFFERED},
    )


# -- planning a moment -----------------------------------------------------------------------

NOT_SHARED = "A moment can only be planned from your shared yes, as it is now. Please look again."


class PlanForm(forms.Form):
    at = forms.DateTimeField(
        label="When",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": "Please choose a day and a time.",
            "invalid": "Please give a day and a time, such as 2026-03-11 19:30.",
        },
    )
    steps = forms.MultipleChoiceField(
        label="From your shared yes",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one step from your shared yes.",
            "invalid_choice": NOT_SHARED,
        },
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"invalid": STALE, "required": STALE}
    )

    def __init__(
        self, *args: Any, shared: Iterable[Step], zone_name: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        zone = f" ({zone_name.replace('_', ' ')})" if zone_name else ""
        self.fields["at"].help_text = f"On your own clock{zone}, within the next three months."
        steps_field = self.fields["steps"]
        assert isinstance(steps_field, forms.MultipleChoiceField)
        steps_field.choices = [(s.key, s.words) for s in shared]


# -- afterwards ------------------------------------------------------------------------------


class AftercareForm(forms.Form):
    feeling = forms.ChoiceField(
        label="The words closest to how it was",
        choices=Feeling.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the words closest to how it was.",
            "invalid_choice": NOT_OFFERED,
        },
    )
    note = forms.CharField(
        label="A few words, if you like",
        required=False,
        max_length=AFTERCARE_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"Optional, up to {AFTERCARE_NOTE_MAX:,} characters. Only you will ever see it.",
        error_messages={
            "max_length": f"A note can be up to {AFTERCARE_NOTE_MAX:,} characters; "
            "this has %(show_value)d."
        },
    )
