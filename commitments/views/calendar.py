"""Seeing it: the month calendar of every occasion a person may see, and their own calm
follow-through trend. Both pages only read; marking happens on the occasion page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import User
from commitments import services
from commitments.models import Kind
from commitments.presenters import calendar as presenters
from commitments.presenters.calendar import FIRST_YEAR, LAST_YEAR
from couples import services as couples
from privacy.kept_pages import kept_briefly
from privacy.keyring import keyring_for
from tending.http import signed_in_user


class CalendarFilter(forms.Form):
    who = forms.ChoiceField(
        label="Whose",
        required=False,
        choices=(("both", "Both of us"), ("me", "Mine"), ("partner", "My partner's")),
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=(("", "Every kind"), *Kind.choices),
    )

    def __init__(self, *args: Any, partner: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        who = self.fields["who"]
        if partner is not None and isinstance(who, forms.ChoiceField):
            who.choices = (
                ("both", "Both of us"),
                ("me", "Mine"),
                ("partner", f"{partner.display_name}'s"),
            )


def _no_such_month(request: HttpRequest, today: date) -> HttpResponse:
    return render(
        request,
        "commitments/calendar.html",
        {"no_such_month": True, "today": today},
        status=404,
    )


@require_GET
@kept_briefly
def month(request: HttpRequest, year: int | None = None, month: int | None = None) -> HttpResponse:
    user = signed_in_user(request)
    today = services.local_today(user)
    if year is None or month is None:
        year, month = today.year, today.month
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return _no_such_month(request, today)

    partner = couples.partner_of(user)
    form = CalendarFilter(request.GET or None, partner=partner)
    who, kind, status = "both", "", 200
    if form.is_bound:
        if form.is_valid():
            who = form.cleaned_data["who"] or "both"
            kind = form.cleaned_data["kind"]
        else:
            status = 400  # shown with a plain message, and the whole month unfiltered

    context = presenters.month_context(
        keyring_for(request), user, partner, year, month, today=today, who=who, kind=kind
    )
    context["form"] = form
    return render(request, "commitments/calendar.html", context, status=status)


@require_GET
@kept_briefly
def follow_through(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own trend: never their partner's, never a score."""
    context = presenters.follow_through_context(keyring_for(request), signed_in_user(request))
    return render(request, "commitments/follow_through.html", context)
