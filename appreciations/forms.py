"""What a person sends on the appreciation pages; `appreciations.services` decides again."""

from __future__ import annotations

from django import forms

from appreciations.models import ABOUT_MAX, DID_MAX, MEANT_MAX, WORD_MAX

STALE = "This form is out of date. Please open the page again. Nothing was sent."


def _too_long(limit: int) -> dict[str, str]:
    return {"max_length": f"This can be up to {limit} characters; it has %(show_value)d."}


class AppreciationForm(forms.Form):
    what_they_did = forms.CharField(
        label="What they did",
        max_length=DID_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Something small counts: a cup of tea, a text, how they listened.",
        error_messages={"required": "Please say what they did.", **_too_long(DID_MAX)},
    )
    what_it_meant = forms.CharField(
        label="What it meant to me",
        max_length=MEANT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Please say what it meant to you.", **_too_long(MEANT_MAX)},
    )
    says_about_them = forms.CharField(
        label="What it says about them (if you like)",
        required=False,
        max_length=ABOUT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_too_long(ABOUT_MAX),
    )
    token = forms.UUIDField(
        widget=forms.HiddenInput, error_messages={"invalid": STALE, "required": STALE}
    )


class AnswerForm(forms.Form):
    meant_a_lot = forms.BooleanField(required=False, label="This meant a lot")
    words = forms.CharField(
        label="A word back (if you like)",
        required=False,
        max_length=WORD_MAX,
        error_messages=_too_long(WORD_MAX),
    )
