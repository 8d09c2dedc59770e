from __future__ import annotations

from django import forms

from safety.check import ANSWERS, QUESTIONS

PLEASE_ANSWER = "Please choose one answer here; \u201cI'd rather not say\u201d is fine too."


class SafetyCheckForm(forms.Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for question in QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=ANSWERS,
                widget=forms.RadioSelect,
                error_messages={"required": PLEASE_ANSWER, "invalid_choice": PLEASE_ANSWER},
            )
