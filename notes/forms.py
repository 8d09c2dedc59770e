from django import forms

from notes.models import BODY_MAX


class NoteForm(forms.Form):
    body = forms.CharField(
        label="A note",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Please write something first.",
            "max_length": "Notes can be up to 2,000 characters; this one has %(show_value)d.",
        },
    )
    shared = forms.BooleanField(label="Share with my partner", required=False)

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Please write something first.")
        return body
