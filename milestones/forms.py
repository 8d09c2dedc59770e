from __future__ import annotations

from django import forms

from milestones.models import NOTE_MAX


class QuietDateForm(forms.Form):
    day = forms.DateField(
        label="A date to keep quiet",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Every year on this day, Tending marks nothing and nudges no one. "
        "Only you know it's here.",
        error_messages={
            "required": "Please choose a date.",
            "invalid": "Please give a date, such as 2026-03-11.",
        },
    )
    note = forms.CharField(
        label="A few words for yourself (if you like)",
        required=False,
        max_length=NOTE_MAX,
        error_messages={
            "max_length": f"A note can be up to {NOTE_MAX} characters; this has %(show_value)d."
        },
    )


class OnForm(forms.Form):
    on = forms.BooleanField(required=False)
