"""The private journal: free writing that is only ever its author's.

There is no share control and no share URL: a journal entry can't be shared (the privacy
core refuses it too, see `JournalEntry.SHAREABLE`). Thin on purpose: parse, call
`checkins.services`, render what `checkins.presenters.journal` builds. Messages never carry
what a person wrote.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from checkins import services
from checkins.forms import JournalForm
from checkins.models import JournalEntry
from checkins.presenters import journal as presenters
from privacy.access import own_or_404
from privacy.kept_pages import kept_briefly
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user


def _render(request: HtmxHttpRequest, form: JournalForm, status: int = 200) -> HttpResponse:
    context = presenters.journal_context(
        keyring_for(request), signed_in_user(request), form, asked_page=request.GET.get("page")
    )
    template = "checkins/journal.html#journal-entries" if request.htmx else "checkins/journal.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
@kept_briefly
def journal(request: HtmxHttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, JournalForm())
    form = JournalForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=422)
    try:
        services.write_journal(keyring_for(request), form.cleaned_data["body"])
    except services.CheckInProblem as reason:
        form.add_error("body", str(reason))
        return _render(request, form, status=422)
    messages.success(request, "Kept in your journal. Only you can read it.")
    return redirect("checkins:journal")


@require_POST
def delete(request: HtmxHttpRequest, journal_id: UUID) -> HttpResponse:
    entry = own_or_404(JournalEntry, signed_in_user(request), journal_id)
    services.delete_journal(entry)
    messages.info(request, "Deleted from your journal.")
    return redirect(presenters.back_after_delete(entry.author, request.POST.get("page", "")))
