from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from couples import services as couples
from notes import services
from notes.forms import NoteForm
from notes.models import Note
from privacy import entries
from privacy.access import own_or_404, visible_or_404
from privacy.keyring import keyring_for
from privacy.sharing import change_sharing
from tending.http import HtmxHttpRequest, signed_in_user


def _render_list(request: HtmxHttpRequest, form: NoteForm, status: int = 200) -> HttpResponse:
    ring = keyring_for(request)
    context = {
        "notes": services.recent_notes(ring, limit=50),
        "form": form,
        "partner": couples.partner_of(signed_in_user(request)),
    }
    template = "notes/notes.html#note-list" if request.htmx else "notes/notes.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def note_list(request: HtmxHttpRequest) -> HttpResponse:
    form = NoteForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            return _render_list(request, form, status=422)
        try:
            services.write_note(
                keyring_for(request), form.cleaned_data["body"], shared=form.cleaned_data["shared"]
            )
        except entries.NotReady as reason:
            form.add_error(None, str(reason))
            return _render_list(request, form, status=409)
        if not request.htmx:
            messages.success(request, "Kept.")
            return redirect("today" if request.POST.get("back") == "today" else "notes:list")
        form = NoteForm()
    return _render_list(request, form)


@require_http_methods(["GET"])
def note_detail(request: HtmxHttpRequest, note_id: UUID) -> HttpResponse:
    note = visible_or_404(Note, signed_in_user(request), note_id)
    entries.reveal([note], keyring_for(request))
    return render(request, "notes/note.html", {"note": note})


@require_POST
def share(request: HtmxHttpRequest, note_id: UUID) -> HttpResponse:
    # The list shows the note as shared: no line needed.
    return change_sharing(request, Note, note_id, shared=True, back="notes:list")


@require_POST
def unshare(request: HtmxHttpRequest, note_id: UUID) -> HttpResponse:
    said = "Only you can see this note now."
    return change_sharing(request, Note, note_id, shared=False, back="notes:list", said=said)


@require_POST
def delete(request: HtmxHttpRequest, note_id: UUID) -> HttpResponse:
    note = own_or_404(Note, signed_in_user(request), note_id)
    services.delete_note(note)
    messages.info(request, "Deleted.")
    return redirect("notes:list")
