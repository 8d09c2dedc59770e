"""Forms for passkeys: a name people choose, and the browser's answer in a hidden field
(filled by accounts/static/accounts/passkeys.js, checked by accounts.passkeys)."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.passkeys import NAME_MAX

NO_ANSWER = "Your browser didn't make a passkey. Please try again; nothing has changed."


def answer_field() -> forms.CharField:
    return forms.CharField(
        widget=forms.HiddenInput(attrs={"data-passkey-answer": ""}),
        # Checked in accounts.passkeys (an answer too long for one is refused there): a
        # hidden field's own errors would never be shown.
        required=False,
        strip=False,
    )


class NewPasskeyForm(forms.Form):
    name = forms.CharField(
        label="A name for it",
        max_length=NAME_MAX,
        help_text="So you can tell your passkeys apart, such as “My phone”. It is kept as "
        "you type it, not encrypted, so leave out anything private.",
        error_messages={
            "required": "Please give it a name, such as “My phone”.",
            "max_length": f"Please keep the name under {NAME_MAX} characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    credential = answer_field()

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if not self.errors and not cleaned.get("credential"):
            raise forms.ValidationError(NO_ANSWER)
        return cleaned


class PasskeyAnswerForm(forms.Form):
    credential = answer_field()
