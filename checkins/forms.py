"""What a person types on the check-in, reflection and journal pages, parsed. The rules
(which days, which ranges) are decided again by `checkins.services`; these forms only give
each problem plain words next to the field it is about."""

from __future__ import annotations

from typing import Any

from django import forms

from checkins.models import ANSWER_MAX, JOURNAL_MAX, WORDS_MAX, HardDay

# -- check-in --


class ScaleField(forms.TypedChoiceField):
    """A whole number on a short scale, picked from a row of radio buttons. The words at its
    two ends say what the lowest and the highest number mean; no number is better than
    another, so none is coloured."""

    def __init__(
        self, *, label: str, low: int, high: int, low_word: str, high_word: str, what: str
    ) -> None:
        self.low_word, self.high_word = low_word, high_word
        self.low, self.high = low, high
        choose = f"Please choose {what}, from {low} to {high}."
        super().__init__(
            label=label,
            choices=[(n, str(n)) for n in range(low, high + 1)],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": choose, "invalid_choice": choose},
        )


class CheckInForm(forms.Form):
    safety = ScaleField(
        label="How safe do I feel with my partner today?",
        low=0,
        high=10,
        low_word="not at all",
        high_word="completely",
        what="how safe you feel",
    )
    closeness = ScaleField(
        label="How close do I feel?",
        low=0,
        high=10,
        low_word="not at all",
        high_word="very close",
        what="how close you feel",
    )
    heaviness = ScaleField(
        label="How heavy is today?",
        low=1,
        high=5,
        low_word="light",
        high_word="very heavy",
        what="how heavy today is",
    )
    moments = forms.MultipleChoiceField(
        label="If one of these is true today",
        choices=HardDay.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "One of those options isn't one Tending offers."},
    )
    words = forms.CharField(
        label="A few words, if you like",
        required=False,
        max_length=WORDS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Optional, up to {WORDS_MAX} characters.",
        error_messages={
            "max_length": f"A few words can be up to {WORDS_MAX} characters; "
            "this has %(show_value)d."
        },
    )
    shared = forms.BooleanField(label="Share this check-in with my partner", required=False)

    def __init__(self, *args: Any, partner_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if partner_name:
            self.fields["safety"].label = f"How safe do I feel with {partner_name} today?"
            self.fields["shared"].label = f"Share this check-in with {partner_name}"
        else:  # nobody to share with: the choice isn't offered, and nothing is shared
            del self.fields["shared"]

    def clean_words(self) -> str:
        words: str = self.cleaned_data["words"]
        return words.strip()

    @property
    def scales(self) -> list[forms.BoundField]:
        return [self["safety"], self["closeness"], self["heaviness"]]


class SharingPreferenceForm(forms.Form):
    start = forms.ChoiceField(
        label="New check-ins start",
        choices=[("private", "Private, only me"), ("shared", "Shared with my partner")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Please choose private or shared.",
            "invalid_choice": "Please choose private or shared.",
        },
    )

    def __init__(self, *args: Any, partner_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if partner_name:
            field: Any = self.fields["start"]
            field.choices = [
                ("private", "Private, only me"),
                ("shared", f"Shared with {partner_name}"),
            ]


# -- reflections and journal --


def _stripped(value: str, empty: str) -> str:
    text = value.strip()
    if not text:
        raise forms.ValidationError(empty)
    return text


class ReflectionForm(forms.Form):
    """An answer to one prompt. The prompt is checked by the view and the service."""

    prompt = forms.CharField(widget=forms.HiddenInput, max_length=40)
    answer = forms.CharField(
        label="Your answer",
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Please write something first, or leave this one for another day.",
            "max_length": f"An answer can be up to {ANSWER_MAX:,} characters; "
            "this one has %(show_value)d.",
        },
    )
    shared = forms.BooleanField(required=False)

    def __init__(self, *args: Any, question: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if question:  # the question itself labels the box: read together by a screen reader
            self.fields["answer"].label = question

    def clean_answer(self) -> str:
        return _stripped(
            self.cleaned_data["answer"],
            "Please write something first, or leave this one for another day.",
        )


class JournalForm(forms.Form):
    """Free writing. There is deliberately no sharing field: a journal is only ever yours."""

    body = forms.CharField(
        label="Write whatever you like",
        max_length=JOURNAL_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": "An empty page isn't kept. Write a little, or come back later.",
            "max_length": f"A journal entry can be up to {JOURNAL_MAX:,} characters; "
            "this one has %(show_value)d.",
        },
    )

    def clean_body(self) -> str:
        return _stripped(
            self.cleaned_data["body"],
            "An empty page isn't kept. Write a little, or come back later.",
        )
