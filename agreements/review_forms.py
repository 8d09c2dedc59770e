"""What a person sends on the monthly review and concern pages, parsed. The rules (which
agreements, which choices, what a concern needs) are decided again by
`agreements.services`; these forms only give each problem plain words next to the field it
is about, and keep everything typed for the page shown again."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.urls import reverse

from agreements.models import CONCERN_MAX, REVIEW_NOTE_MAX, Agreement, Choice

NOT_OFFERED = "Keep it, revise it or retire it are the choices here. Nothing was saved."
NOTE_WITHOUT_CHOICE = "To keep a note, please also choose keep, revise or retire."
SEND_NOT_OFFERED = "That isn't one of the buttons on this page. Nothing was saved."

CHOICE_PREFIX = "choice-"
NOTE_PREFIX = "note-"


# -- the monthly review -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    """One agreement on the review form, with the title to show (already opened)."""

    agreement: Agreement
    title: str
    stepped_back_by: str = ""  # "You" or the partner's name, as this reader sees it

    @property
    def stepped_back(self) -> bool:
        return self.agreement.stepped_back


@dataclass(frozen=True)
class ReviewRow:
    item: ReviewItem
    choice: forms.BoundField
    note: forms.BoundField


def choice_field_name(agreement_id: Any) -> str:
    return f"{CHOICE_PREFIX}{agreement_id}"


def note_field_name(agreement_id: Any) -> str:
    return f"{NOTE_PREFIX}{agreement_id}"


class ReviewForm(forms.Form):
    """Keep, revise or retire, and a note, for each agreement in effect. Nothing is required
    here: "Save for now" keeps what has been chosen so far; finishing asks for every one."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        items: Sequence[ReviewItem],
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.items = list(items)
        for item in self.items:
            pk = item.agreement.pk
            self.fields[choice_field_name(pk)] = forms.ChoiceField(
                label="What would you like to do with it?",
                choices=Choice.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": NOT_OFFERED},
            )
            self.fields[note_field_name(pk)] = forms.CharField(
                label="A note, if you like",
                required=False,
                max_length=REVIEW_NOTE_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=f"Optional, up to {REVIEW_NOTE_MAX} characters.",
                error_messages={
                    "max_length": f"A note can be up to {REVIEW_NOTE_MAX} characters; "
                    "this one has %(show_value)d."
                },
            )

    @property
    def rows(self) -> list[ReviewRow]:
        return [
            ReviewRow(
                item,
                self[choice_field_name(item.agreement.pk)],
                self[note_field_name(item.agreement.pk)],
            )
            for item in self.items
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for item in self.items:
            choice_name = choice_field_name(item.agreement.pk)
            note_name = note_field_name(item.agreement.pk)
            if choice_name in self.errors or note_name in self.errors:
                continue
            if (cleaned.get(note_name) or "").strip() and not cleaned.get(choice_name):
                self.add_error(choice_name, NOTE_WITHOUT_CHOICE)
        return cleaned

    def answers(self) -> dict[Any, tuple[str, str]]:
        """{agreement id: (choice, note)} for every agreement with a choice picked. Answers
        about agreements that are no longer on the page are passed on too, so that the
        service can say plainly that things changed instead of dropping them silently."""
        chosen: dict[Any, tuple[str, str]] = {}
        for item in self.items:
            pk = item.agreement.pk
            choice = self.cleaned_data.get(choice_field_name(pk)) or ""
            if choice:
                chosen[pk] = (choice, self.cleaned_data.get(note_field_name(pk)) or "")
        for name, value in (self.data or {}).items():
            if not name.startswith(CHOICE_PREFIX) or name in self.fields or not value:
                continue
            try:
                pk = uuid.UUID(name.removeprefix(CHOICE_PREFIX))
            except ValueError:
                continue  # names no agreement at all
            chosen[pk] = (str(value), str(self.data.get(note_field_name(pk), "")))
        return chosen


def review_initial(answers: Mapping[Any, Any]) -> dict[str, Any]:
    """The form's starting values from one's saved answers (already opened)."""
    initial: dict[str, Any] = {}
    for agreement_id, answer in answers.items():
        if answer.unreadable or answer.waiting:
            continue
        initial[choice_field_name(agreement_id)] = answer.plain.get("choice") or ""
        initial[note_field_name(agreement_id)] = answer.plain.get("note") or ""
    return initial


# -- concerns ---------------------------------------------------------------------------------


def _text(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,  # what must be written is decided by the service, in plain words
        max_length=CONCERN_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=help_text,
        error_messages={
            "max_length": f"Each answer can be up to {CONCERN_MAX:,} characters; "
            "this one has %(show_value)d."
        },
    )


class SendingForm(forms.Form):
    """Two buttons share one form: keep it as a private draft, or send it."""

    send = forms.ChoiceField(
        choices=(("draft", "Keep as a private draft"), ("send", "Send")),
        required=False,
        error_messages={"invalid_choice": SEND_NOT_OFFERED},
    )

    @property
    def sending(self) -> bool:
        # Anything but a clear "send" keeps it private: the safer way to be wrong.
        return bool(self.cleaned_data.get("send") == "send")


class ConcernForm(SendingForm):
    what_happened = _text(
        "What happened",
        "Describe the moment as plainly as you can: what you saw or heard, and when. "
        "Describing it, rather than judging it, makes it easier to hear.",
    )
    how_it_felt = _text(
        "How it felt",
        "Start from yourself, with \u201cI felt\u2026\u201d. There is no wrong way to have "
        "felt about it.",
    )
    what_i_need = _text(
        "What I need now",
        "Something small and concrete that would help, even if it is only to talk it "
        "through together.",
    )


class ConcernAnswerForm(SendingForm):
    what_i_did = _text(
        "What I did",
        "Name your part plainly. Reasons can wait for the conversation; for now, just what "
        "happened on your side.",
    )
    how_it_affected = _text(
        "How I see it affected you",
        "Say back, in your own words, what you understood about how it landed for them.",
    )
    what_i_will_do = _text(
        "What I will do",
        "One thing you will do from now on, concrete enough that you would both notice it.",
    )


def agreement_title(agreement: Agreement | None) -> str:
    """The words to show for an agreement (its accepted version, or else the proposal
    waiting, already opened)."""
    if agreement is None:
        return "An agreement that was removed when its author deleted their account"
    version = agreement.current or agreement.pending
    if version is None:
        return "An agreement"
    if version.unreadable:
        return "An agreement whose words can't be opened any more"
    if version.waiting:
        return "An agreement (its words open once your partner next visits Tending)"
    return str(version.plain.get("title") or "An agreement")


# -- the gentle wording aid ------------------------------------------------------------------


def offer_wording_aid(form: forms.Form, names: Sequence[str]) -> None:
    """Let each of these boxes ask the conversations' wording aid for hints while typing.
    Only the box being typed in is sent (`hx-params`); the hints land under it."""
    url = reverse("conversations:wording")
    for name in names:
        form.fields[name].widget.attrs.update(
            {
                "hx-post": url,
                "hx-trigger": "input changed delay:700ms",
                "hx-target": f"#cn-hints-{name}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
                "hx-params": f"csrfmiddlewaretoken,{name}",
            }
        )
