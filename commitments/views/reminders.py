"""Reminder emails: a person chooses whether to get one, and at which time on their clock."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from commitments import reminders
from commitments.presenters import reminders as presenters
from tending.http import signed_in_user

CHOICE_PROBLEM = "Please choose yes or no."
TIME_PROBLEM = "Please give a time of day like 08:00 or 19:30 (hours 00 to 23, minutes 00 to 59)."


class ReminderForm(forms.Form):
    enabled = forms.TypedChoiceField(
        label="Reminder email",
        choices=(("on", "Yes, email me on days that hold something"), ("off", "No, thank you")),
        coerce=lambda value: value == "on",
        widget=forms.RadioSelect,
        error_messages={"required": CHOICE_PROBLEM, "invalid_choice": CHOICE_PROBLEM},
    )
    local_time = forms.TimeField(
        label="At what time",
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time"}),
        error_messages={"required": TIME_PROBLEM, "invalid": TIME_PROBLEM},
    )


@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    current = reminders.setting_for(user)
    form = ReminderForm(request.POST or None, initial=presenters.initial(current))
    form.fields["local_time"].help_text = presenters.time_help(user)
    if request.method == "POST" and form.is_valid():
        saved = reminders.save_setting(
            user, enabled=form.cleaned_data["enabled"], local_time=form.cleaned_data["local_time"]
        )
        messages.success(request, presenters.saved_words(saved))
        return redirect("commitments:reminders")
    context = {"form": form, **presenters.settings_context(user, current)}
    return render(request, "commitments/reminders.html", context)
