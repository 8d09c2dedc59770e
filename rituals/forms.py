from __future__ import annotations

from django import forms

from rituals.ideas import IDEAS
from rituals.models import TITLE_MAX
from rituals.services import WEEKDAYS

STALE = "This form is out of date. Please open the page again. Nothing was sent."


class RitualForm(forms.Form):
    idea = forms.ChoiceField(
        label="Choose an idea",
        required=False,
        choices=[("", "Or write your own below")] + [(i.key, i.title) for i in IDEAS],
        error_messages={"invalid_choice": "That isn't one of the ideas. Nothing was sent."},
    )
    title = forms.CharField(
        label="Your own ritual (if you like)",
        required=False,
        max_length=TITLE_MAX,
        error_messages={
            "max_length": f"A ritual can be up to {TITLE_MAX} characters; this has %(show_value)d."
        },
    )
    weekday = forms.TypedChoiceField(
        label="Which day of the week",
        coerce=int,
        choices=list(enumerate(WEEKDAYS)),
        initial=6,
        error_messages={
            "required": "Please choose a day of the week.",
            "invalid_choice": "Please choose a day of the week.",
        },
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"invalid": STALE, "required": STALE}
    )
