"""What a person types on the agreement pages, parsed. Every rule is decided again by
`agreements.services`; these forms only give each problem plain words next to its field.

The fields of a form follow `services.FIELD_LABELS` for the agreement's kind, so the
proposing page, the revising page and every comparison read the same labels."""

from __future__ import annotations

from typing import Any

from django import forms

from agreements import services
from agreements.models import FIELD_MAX, NOTES_MAX, TITLE_MAX, Area, Kind

OUT_OF_DATE = "This form was out of date; please look it over and send it again."

LIMITS = {
    "title": TITLE_MAX,
    "what": FIELD_MAX,
    "how_often": FIELD_MAX,
    "channel": FIELD_MAX,
    "text": FIELD_MAX * 2,
    "notes": NOTES_MAX,
}
OPTIONAL = frozenset({"notes"})

# A line of help under each field, in our own words. Boundary and "something else" read
# the same `text` field differently.
HELP = {
    "title": "A short name you'll both recognise.",
    "what": "What one of you will tell the other about.",
    "how_often": "For instance: each evening, whenever plans change, once a week.",
    "channel": "For instance: a message, a call, face to face over dinner.",
    "area": "",
    "notes": "Optional. Anything that helps you both read it the same way.",
}
TEXT_HELP: dict[str, str] = {
    Kind.BOUNDARY: "In plain words: what you'll do, or won't do, from now on.",
    Kind.OTHER: "In plain words, what the two of you agree.",
}
ROWS = {"what": 2, "text": 4, "notes": 3}


def _field(kind: str, name: str, label: str) -> forms.Field:
    required = name not in OPTIONAL
    messages = {"required": f"Please fill in \u201c{label}\u201d."}
    help_text = TEXT_HELP.get(kind, "") if name == "text" else HELP.get(name, "")
    if name == "area":
        return forms.ChoiceField(
            label=label,
            choices=[("", "Choose one"), *Area.choices],
            help_text=help_text,
            error_messages={
                "required": "Choose what the boundary is about.",
                "invalid_choice": "Choose what the boundary is about.",
            },
        )
    limit = LIMITS[name]
    messages["max_length"] = (
        f"\u201c{label}\u201d can be up to {limit:,} characters; this has %(show_value)d."
    )
    widget: forms.Widget = (
        forms.Textarea(attrs={"rows": ROWS[name]}) if name in ROWS else forms.TextInput()
    )
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=widget,
        help_text=help_text,
        error_messages=messages,
    )


class TermsForm(forms.Form):
    """The words of one agreement of one kind, and a token that makes a second submit of
    the same form change nothing."""

    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE},
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.labels = services.FIELD_LABELS[kind]
        for name, label in self.labels:
            self.fields[name] = _field(kind, name, label)

    def terms(self) -> services.Terms:
        data = self.cleaned_data
        return services.Terms(**{name: data.get(name) or "" for name, _ in self.labels})

    def visible_fields_in_order(self) -> list[forms.BoundField]:
        return [self[name] for name, _ in self.labels]


class ReviseForm(TermsForm):
    """New words for an agreement, and the revision of it the person was looking at."""

    expected_revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": OUT_OF_DATE,
            "invalid": OUT_OF_DATE,
            "min_value": OUT_OF_DATE,
        },
    )


def initial_from(plain: dict[str, Any], kind: str) -> dict[str, str]:
    """A version's words as a form's starting values."""
    return {name: str(plain.get(name) or "") for name, _ in services.FIELD_LABELS[kind]}
