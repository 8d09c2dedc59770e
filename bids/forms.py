"""What a person sends on the bid pages, parsed. The rules are decided again by
`bids.services`; these forms give each problem plain words."""

from __future__ import annotations

from typing import Any

from django import forms

from bids.models import WORDS_MAX, Kind, Response, Who

NOT_OFFERED = "That isn't one of the choices Tending offers. Nothing was saved."
STALE = "This form is out of date. Please start again from the first step."


class NoteForm(forms.Form):
    """The third tap: who and kind ride along as hidden fields; the button says how it was met."""

    who = forms.ChoiceField(
        choices=Who.choices, error_messages={"invalid_choice": NOT_OFFERED, "required": STALE}
    )
    kind = forms.ChoiceField(
        choices=Kind.choices, error_messages={"invalid_choice": NOT_OFFERED, "required": STALE}
    )
    response = forms.ChoiceField(
        choices=Response.choices,
        error_messages={"invalid_choice": NOT_OFFERED, "required": "Please choose how it was met."},
    )
    token = forms.UUIDField(error_messages={"invalid": STALE, "required": STALE})


class DetailForm(forms.Form):
    """Changing a bid afterwards, by its author: every part of it can be corrected."""

    who = forms.ChoiceField(
        label="Who reached out",
        choices=Who.choices,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": NOT_OFFERED,
            "required": "Please choose who reached out.",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of reach",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": NOT_OFFERED, "required": "Please choose what kind."},
    )
    response = forms.ChoiceField(
        label="How it was met",
        choices=Response.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": NOT_OFFERED, "required": "Please choose how it was met."},
    )
    words = forms.CharField(
        label="A few words, if you like",
        required=False,
        max_length=WORDS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Optional, up to {WORDS_MAX} characters. "
        "They stay yours unless you share this bid.",
        error_messages={
            "max_length": f"A few words can be up to {WORDS_MAX} characters; "
            "this has %(show_value)d."
        },
    )
    when = forms.DateTimeField(
        label="When it happened",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": "Please give a time, or leave it as it was.",
            "invalid": "Please give a date and a time, such as 2026-03-11 18:30.",
        },
    )

    def __init__(self, *args: Any, partner: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        who: Any = self.fields["who"]
        who.choices = [
            (Who.ME, "I reached out"),
            (Who.PARTNER, f"{partner or 'My partner'} reached out"),
        ]


class ShareForm(forms.Form):
    """The share step: the reach alone, or with how it felt to its author."""

    how = forms.ChoiceField(
        choices=[("reach", "reach"), ("felt", "felt")],
        error_messages={"invalid_choice": NOT_OFFERED, "required": NOT_OFFERED},
    )
