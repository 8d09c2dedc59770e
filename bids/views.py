"""Noting a bid in three taps, adding a few words later, the log and the weekly rates.

Thin on purpose: parse with a form, call `bids.services` (which decides every rule again),
render. Every page works without JavaScript; every POST redirects once it has done its
work. Messages never carry what a person noted. The partner's shared bids are shown as
theirs, their perception of their own days, and never set beside one's own.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bids import charts, services
from bids.forms import NOT_OFFERED, DetailForm, NoteForm, ShareForm
from bids.models import Bid, Kind, Response, Who
from privacy import entries
from privacy.access import own_or_404, visible_or_404
from privacy.keyring import keyring_for
from privacy.sharing import change_sharing
from tending.http import HtmxHttpRequest, signed_in_user
from tending.paging import page_or_first

PER_PAGE = 20
BAD_PAGE = "There's no such page, so here are the newest bids."
KIND_WORDS = dict(Kind.choices)
RESPONSE_WORDS = dict(Response.choices)


# -- noting a bid: three taps ---------------------------------------------------------------


def _step(
    request: HtmxHttpRequest,
    *,
    who: str = "",
    kind: str = "",
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    partner = services.partner_name(signed_in_user(request))
    step = 3 if who and kind else 2 if who else 1
    context: dict[str, Any] = {
        "step": step,
        "who": who,
        "kind": kind,
        "who_words": dict(services.who_choices(partner)).get(who, ""),
        "kind_words": KIND_WORDS.get(kind, ""),
        "partner": partner or "your partner",
        "whos": services.who_choices(partner),
        "kinds": Kind.choices,
        "responses": Response.choices,
        "token": uuid.uuid4(),
        "problem": problem,
    }
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
    user = signed_in_user(request)
    services.reveal_bids(keyring_for(request), [bid])
    mine = bid.author_id == user.pk
    if form is None and mine and not (bid.unreadable or bid.waiting):
        initial = {
            "who": bid.plain.get("who"),
            "kind": bid.plain.get("kind"),
            "response": bid.plain.get("response"),
            "words": bid.plain.get("words") or "",
            "when": timezone.localtime(bid.noted_at).replace(second=0, microsecond=0),
        }
        form = DetailForm(initial=initial, partner=services.partner_name(user))
    partner = services.partner_name(user)
    row = _row(bid, mine=mine, partner=partner or "")
    context = {"bid": bid, "row": row, "form": form, "partner": partner, "mine": mine}
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
    return _back_to_log(request)


# -- the log and the rates -------------------------------------------------------------------


# How a shared bid reads to the partner: its author's own experience, in the first person,
# never a verdict on the reader. Keyed by (who reached out, how it was met).
FELT_WORDS = {
    (Who.ME, Response.TOWARD): "It felt met to me.",
    (Who.ME, Response.AWAY): "It felt missed to me.",
    (Who.ME, Response.AGAINST): "It felt pushed away to me.",
    (Who.PARTNER, Response.TOWARD): "I turned toward it.",
    (Who.PARTNER, Response.AWAY): "I missed it, or let it pass.",
    (Who.PARTNER, Response.AGAINST): "I turned against it.",
}


@dataclass(frozen=True)
class Row:
    bid: Bid
    mine: bool
    who: str  # who reached out, as the author saw it, named for the reader
    kind: str
    response: str
    felt: str = ""  # for the partner: how it felt, in the author's own words


def _row(bid: Bid, *, mine: bool, partner: str = "") -> Row:
    plain = bid.plain
    if mine:
        who = (
            "You reached out"
            if plain.get("who") == Who.ME
            else f"{partner or 'Your partner'} reached out"
        )
    else:  # the partner's own perspective: "me" is them
        who = f"{partner} reached out" if plain.get("who") == Who.ME else "You reached out"
    response = plain.get("response", "")
    return Row(
        bid,
        mine,
        who,
        KIND_WORDS.get(plain.get("kind", ""), ""),
        RESPONSE_WORDS.get(response, "") if mine else "",
        "" if mine else FELT_WORDS.get((plain.get("who", ""), response), ""),
    )


@dataclass(frozen=True)
class WeekRow:
    label: str
    theirs: str
    mine: str


@require_GET
def log(request: HtmxHttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    ring = keyring_for(request)
    partner = services.partner_name(user)
    theirs = partner is not None and request.GET.get("whose") == "partner"
    rows = services.partners_shared_bids(user) if theirs else services.own_bids(user)
    page, page_problem = page_or_first(request, rows, PER_PAGE, BAD_PAGE)
    shown = [
        _row(b, mine=not theirs, partner=partner or "")
        for b in services.reveal_bids(ring, page.object_list)
    ]
    context: dict[str, Any] = {
        "rows": shown,
        "page": page,
        "page_problem": page_problem,
        "theirs": theirs,
        "partner": partner,
        "nudge_on": services.wants_nudge(user),
    }
    if not theirs:
        today = services.local_today(user)
        weeks = services.weekly_rates(ring, today=today)
        name = partner or "your partner"
        context["chart"] = charts.rates_chart(weeks, name, today=today)
        context["sentence"] = charts.sentence(weeks, name)
        context["has_rates"] = any(w.mine or w.theirs for w in weeks)
        context["week_rows"] = [
            WeekRow(
                charts.week_label(w.start, today),
                charts.rate_words(w.theirs_met, w.theirs),
                charts.rate_words(w.mine_met, w.mine),
            )
            for w in weeks
        ]
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


def _log_url(request: HtmxHttpRequest) -> str:
    url = reverse("bids:log")
    asked = request.POST.get("page", "")
    if asked.isdigit() and int(asked) > 1:
        url += f"?page={int(asked)}"
    return url


def _back_to_log(request: HtmxHttpRequest) -> HttpResponse:
    return redirect(_log_url(request))


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
    name = services.partner_name(user)
    form = ShareForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        with_response = form.cleaned_data["how"] == "felt"
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
        return _back_to_log(request)
    (opened,) = services.reveal_bids(keyring_for(request), [bid])
    plain = opened.plain
    context = {
        "bid": opened,
        "partner": name or "your partner",
        "row": _row(opened, mine=True, partner=name or ""),
        "reach": _row(opened, mine=False, partner=user.display_name),
        "felt": FELT_WORDS.get((plain.get("who", ""), plain.get("response", "")), ""),
        "page_number": request.POST.get("page") or request.GET.get("page", ""),
        "problem": NOT_OFFERED if form is not None and request.POST.get("how") else "",
    }
    return render(request, "bids/share.html", context, status=400 if context["problem"] else 200)


@require_POST
def unshare(request: HtmxHttpRequest, bid_id: UUID) -> HttpResponse:
    return change_sharing(
        request,
        Bid,
        bid_id,
        shared=False,
        back=_log_url(request),
        said="Only you can see this bid now.",
        act=lambda bid, ring: services.unshare_bid(ring, bid),
    )
