"""What a person sends on the "Our question" page; `questions.services` decides again."""

from __future__ import annotations

from django import forms

from questions.models import ANSWER_MAX, OWN_MAX, Cadence

STALE = "This form is out of date. Please open the page again. Nothing was saved."


class AnswerForm(forms.Form):
    text = forms.CharField(
        label="Your answer",
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your partner sees it only once you've both answered.",
        error_messages={
            "required": "Please write your answer first. Nothing was saved.",
            "max_length": f"An answer can be up to {ANSWER_MAX} characters; "
            "this has %(show_value)d.",
        },
    )


class CadenceForm(forms.Form):
    cadence = forms.ChoiceField(
        label="How often",
        choices=Cadence.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose a question each day or each week.",
            "invalid_choice": "Please choose a question each day or each week.",
        },
    )


class OwnForm(forms.Form):
    question = forms.CharField(
        label="A question of your own",
        max_length=OWN_MAX,
        help_text="It's asked before the ones Tending brings. Your partner can see it.",
        error_messages={
            "required": "Please write the question first. Nothing was saved.",
            "max_length": f"A question can be up to {OWN_MAX} characters; this has %(show_value)d.",
        },
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"invalid": STALE, "required": STALE}
    )
