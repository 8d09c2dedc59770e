"""The private journal: free writing that is only ever its author's.

There is no share control and no share URL: a journal entry can't be shared (the privacy
core refuses it too, see `JournalEntry.SHAREABLE`). Thin on purpose: parse, call
`checkins.services`, render. Messages never carry what a person wrote.
"""

from __future__ import annotations

from math import ceil
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Page
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from checkins import services
from checkins.forms import JournalForm
from checkins.models import JournalEntry
from privacy import entries
from privacy.access import own_or_404
from privacy.keyring import keyring_for
from tending.http import HtmxHttpRequest, signed_in_user
from tending.paging import page_or_first

PER_PAGE = 20
BAD_PAGE = "There's no such page in your journal, so here are your newest entries."


def _page(request: HtmxHttpRequest) -> tuple[Page[JournalEntry], str]:
    # Only ever the author's own: never `visible_to`, which would also admit shared entries.
    own = JournalEntry.objects.authored_by(signed_in_user(request)).order_by("-created_at", "-pk")
    return page_or_first(request, own, PER_PAGE, BAD_PAGE)


def _render(request: HtmxHttpRequest, form: JournalForm, status: int = 200) -> HttpResponse:
    page, page_problem = _page(request)
    entries.reveal(list(page.object_list), keyring_for(request))
    context = {"form": form, "page": page, "page_problem": page_problem}
    template = "checkins/journal.html#journal-entries" if request.htmx else "checkins/journal.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
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
    # Back to the page the person was on, or the last one left if that page is gone now.
    url = reverse("checkins:journal")
    asked = request.POST.get("page", "")
    remaining = JournalEntry.objects.authored_by(entry.author).count()
    page = min(int(asked), ceil(remaining / PER_PAGE)) if asked.isascii() and asked.isdigit() else 1
    return redirect(f"{url}?page={page}" if page > 1 else url)
