from __future__ import annotations

from typing import Any

from django import forms

from push.models import Kind


class SubscribeForm(forms.Form):
    endpoint = forms.CharField(max_length=1000)
    p256dh = forms.CharField(max_length=200)
    auth = forms.CharField(max_length=100)
    label = forms.CharField(max_length=100, required=False)


class KindsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Tell this device about",
    )


class QuietHoursForm(forms.Form):
    starts = forms.TimeField(
        required=False, label="Quiet from", widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends = forms.TimeField(
        required=False, label="Until", widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("starts")) != bool(data.get("ends")):
            raise forms.ValidationError(
                "Please give both times for quiet hours, or leave both empty to have none."
            )
        return data
