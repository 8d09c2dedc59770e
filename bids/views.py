"""Noting a bid in three taps, adding a few words later, the log and the weekly rates.

Thin on purpose: parse with a form, call `bids.services` (which decides every rule again),
render what `bids.presenters` builds. Every page works without JavaScript; every POST
redirects once it has done its work. Messages never carry what a person noted.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bids import presenters, services
from bids.forms import NOT_OFFERED, DetailForm, NoteForm, ShareForm
from bids.models import Bid, Kind, Who
from privacy import entries
from privacy.access import own_or_404, visible_or_404
from privacy.kept_pages import kept_briefly
from privacy.keyring import keyring_for
from privacy.sharing import change_sharing
from tending.http import HtmxHttpRequest, signed_in_user

# -- noting a bid: three taps ---------------------------------------------------------------


def _step(
    request: HtmxHttpRequest,
    *,
    who: str = "",
    kind: str = "",
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    context = presenters.step_context(user, who=who, kind=kind, problem=problem)
    return render(request, "bids/new.html", context, status=status)


@require_http_methods(["GET", "POST"])
def new(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request)
    who, kind = request.GET.get("who", ""), request.GET.get("kind", "")
    if who and who not in Who.values:
        return _step(request, problem=NOT_OFFERED, status=400)
    if kind and kind not in Kind.values:
        return _step(request, who=who, problem=NOT_OFFERED, status=400)
    if kind and not who:
        return _step(request)
    return _step(request, who=who, kind=kind)


def _save(request: HtmxHttpRequest) -> HttpResponse:
    form = NoteForm(request.POST)
    if not form.is_valid():
        problem = str(next(iter(form.errors.values()))[0])
        who = request.POST.get("who", "")
        kind = request.POST.get("kind", "")
        # Back to the last step that still makes sense, with the reason.
        who = who if who in Who.values else ""
        kind = kind if who and kind in Kind.values else ""
        return _step(request, who=who, kind=kind, problem=problem, status=400)
    data = form.cleaned_data
    try:
        bid, created = services.note_bid(
            keyring_for(request),
            who=data["who"],
            kind=data["kind"],
            response=data["response"],
            token=data["token"],
        )
    except services.BidProblem as problem:
        return _step(request, problem=str(problem), status=400)
    if created:
        messages.success(request, "Noted. Thank you for noticing.")
    else:
        messages.info(
            request,
            "That bid was already noted, so nothing was added. You can change it here.",
        )
    return redirect("bids:more", bid_id=bid.pk)


# -- the optional second step: a few words, another time ----------------------------------


def _render_more(
    request: HtmxHttpRequest, bid: Bid, form: DetailForm | None = None, status: int = 200
) -> HttpResponse:
    context = presenters.more_context(keyring_for(request), signed_in_user(request), bid, form)
    return render(request, "bids/more.html", context, status=status)


@require_http_methods(["GET", "POST"])
def more(request: HtmxHttpRequest, bid_id: UUID) -> HttpResponse:
    """One bid: its author may add a few words and another time; a partner it was shared
    with reads it, as the author's view."""
    user = signed_in_user(request)
    if request.method != "POST":
        return _render_more(request, visible_or_404(Bid, user, bid_id))
    bid = own_or_404(Bid, user, bid_id)
    form = DetailForm(request.POST, partner=services.partner_name(user))
    if not form.is_valid():
        return _render_more(request, bid, form, status=422)
    try:
        services.change_bid(
            keyring_for(request),
            bid,
            who=form.cleaned_data["who"],
            kind=form.cleaned_data["kind"],
            response=form.cleaned_data["response"],
            words=form.cleaned_data["words"],
            at=form.cleaned_data["when"],
        )
    except services.BidProblem as problem:
        form.add_error(None, str(problem))
        return _render_more(request, own_or_404(Bid, user, bid_id), form, status=422)
    # "Saved", not "Kept": kept is what a commitment is.
    messages.success(request, "Saved.")
    return redirect("bids:log")


@require_POST
def delete(request: HtmxHttpRequest, bid_id: UUID) -> HttpResponse:
    bid = own_or_404(Bid, signed_in_user(request), bid_id)
    services.delete_bid(keyring_for(request), bid)
    messages.info(request, "Removed from your log.")
    return redirect(presenters.log_url(request.POST.get("page", "")))


# -- the log and the rates -------------------------------------------------------------------


@require_GET
@kept_briefly
def log(request: HtmxHttpRequest) -> HttpResponse:
    context = presenters.log_context(
        keyring_for(request),
        signed_in_user(request),
        partners=request.GET.get("whose") == "partner",
        asked_page=request.GET.get("page"),
        csrf_token=get_token(request),
    )
    return render(request, "bids/log.html", context)


@require_POST
def nudge(request: HtmxHttpRequest) -> HttpResponse:
    """Switch the daily "notice one bid" line on the home page off, or on again."""
    on = request.POST.get("on")
    if on not in {"yes", "no"}:
        messages.error(request, "That choice isn't one Tending offers; nothing changed.")
        return redirect("bids:log")
    services.set_nudge(signed_in_user(request), on == "yes")
    if on == "yes":
        messages.success(request, "The daily reminder to notice a bid is back on Today.")
    else:
        messages.info(request, "Today won't suggest noticing a bid any more.")
    return redirect("today" if request.POST.get("back") == "today" else "bids:log")


@require_GET
def about(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "bids/about.html")


# -- sharing ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def share(request: HtmxHttpRequest, bid_id: UUID) -> HttpResponse:
    """The share step: says how the bid will read to the partner, and lets its author share
    the reach alone or with how it felt to them."""
    user = signed_in_user(request)
    if request.method == "GET":
        seen = visible_or_404(Bid, user, bid_id)
        if seen.author_id != user.pk:  # the partner reading a shared bid: its own page
            return redirect("bids:more", bid_id=seen.pk)
    bid = own_or_404(Bid, user, bid_id)
    form = ShareForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        return _share(request, bid, with_response=form.cleaned_data["how"] == "felt")
    not_offered = form is not None and bool(request.POST.get("how"))
    context = presenters.share_context(
        keyring_for(request),
        user,
        bid,
        page_number=request.POST.get("page") or request.GET.get("page", ""),
        not_offered=not_offered,
    )
    return render(request, "bids/share.html", context, status=400 if not_offered else 200)


def _share(request: HtmxHttpRequest, bid: Bid, *, with_response: bool) -> HttpResponse:
    name = services.partner_name(signed_in_user(request))
    try:
        services.share_bid(keyring_for(request), bid, with_response=with_response)
    except entries.NotReady as reason:
        messages.error(request, str(reason))
    else:
        messages.success(
            request,
            f"Shared with {name or 'your partner'}, as your own view. "
            "You can stop sharing at any time.",
        )
    return redirect(presenters.log_url(request.POST.get("page", "")))


@require_POST
def unshare(request: HtmxHttpRequest, bid_id: UUID) -> HttpResponse:
    return change_sharing(
        request,
        Bid,
        bid_id,
        shared=False,
        back=presenters.log_url(request.POST.get("page", "")),
        said="Only you can see this bid now.",
        act=lambda bid, ring: services.unshare_bid(ring, bid),
    )
