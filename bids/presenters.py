"""Page building and wording for the bid pages, as plain values the templates render: the
three taps, one bid, the log with the weekly rates, and the share step. Views parse, call
and render.

The partner's shared bids are shown as theirs, their perception of their own days, and
never set beside one's own."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from bids import charts, services
from bids.forms import NOT_OFFERED, DetailForm
from bids.models import Bid, Kind, Response, Who
from privacy.keyring import Keyring
from tending.paging import page_of

PER_PAGE = 20
BAD_PAGE = "There's no such page, so here are the newest bids."
KIND_WORDS = dict(Kind.choices)
RESPONSE_WORDS = dict(Response.choices)

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


def row_of(bid: Bid, *, mine: bool, partner: str = "") -> Row:
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


# -- noting a bid: three taps ---------------------------------------------------------------


def step_context(user: User, *, who: str, kind: str, problem: str) -> dict[str, Any]:
    """The step the choices so far lead to: who reached out, then what kind, then how it
    was met."""
    partner = services.partner_name(user)
    return {
        "step": 3 if who and kind else 2 if who else 1,
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


# -- one bid ---------------------------------------------------------------------------------


def more_context(
    ring: Keyring, user: User, bid: Bid, form: DetailForm | None = None
) -> dict[str, Any]:
    """One bid: its author's form to add a few words and another time, or, for the partner
    it was shared with, the bid as the author's view."""
    services.reveal_bids(ring, [bid])
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
    row = row_of(bid, mine=mine, partner=partner or "")
    return {"bid": bid, "row": row, "form": form, "partner": partner, "mine": mine}


# -- the log and the rates -------------------------------------------------------------------


@dataclass(frozen=True)
class WeekRow:
    label: str
    theirs: str
    mine: str


def _rates(ring: Keyring, user: User, partner: str | None) -> dict[str, Any]:
    today = services.local_today(user)
    weeks = services.weekly_rates(ring, today=today)
    name = partner or "your partner"
    return {
        "chart": charts.rates_chart(weeks, name, today=today),
        "sentence": charts.sentence(weeks, name),
        "has_rates": any(w.mine or w.theirs for w in weeks),
        "week_rows": [
            WeekRow(
                charts.week_label(w.start, today),
                charts.rate_words(w.theirs_met, w.theirs),
                charts.rate_words(w.mine_met, w.mine),
            )
            for w in weeks
        ],
    }


def log_context(
    ring: Keyring, user: User, *, partners: bool, asked_page: str | None, csrf_token: str
) -> dict[str, Any]:
    """A page of one's own bids with the weekly rates, or (`partners`) of the bids the
    partner shared, on their own. `csrf_token` goes into each bid's own form."""
    partner = services.partner_name(user)
    theirs = partner is not None and partners
    rows = services.partners_shared_bids(user) if theirs else services.own_bids(user)
    page, page_problem = page_of(rows, asked_page, PER_PAGE, BAD_PAGE)
    shown = [
        row_of(b, mine=not theirs, partner=partner or "")
        for b in services.reveal_bids(ring, page.object_list)
    ]
    context: dict[str, Any] = {
        "rows": shown,
        "items": [
            item_html(row, partner=partner, page_number=page.number, csrf_token=csrf_token)
            for row in shown
        ],
        "page": page,
        "page_problem": page_problem,
        "theirs": theirs,
        "partner": partner,
        "nudge_on": services.wants_nudge(user),
    }
    if not theirs:
        context.update(_rates(ring, user, partner))
    return context


def log_url(asked_page: str) -> str:
    """The page of the log the person was on."""
    url = reverse("bids:log")
    if asked_page.isdigit() and int(asked_page) > 1:
        url += f"?page={int(asked_page)}"
    return url


# -- sharing ---------------------------------------------------------------------------------


def share_context(
    ring: Keyring, user: User, bid: Bid, *, page_number: str, not_offered: bool
) -> dict[str, Any]:
    """How the bid will read to the partner: the reach alone, or with how it felt."""
    name = services.partner_name(user)
    (opened,) = services.reveal_bids(ring, [bid])
    plain = opened.plain
    return {
        "bid": opened,
        "partner": name or "your partner",
        "row": row_of(opened, mine=True, partner=name or ""),
        "reach": row_of(opened, mine=False, partner=user.display_name),
        "felt": FELT_WORDS.get((plain.get("who", ""), plain.get("response", "")), ""),
        "page_number": page_number,
        "problem": NOT_OFFERED if not_offered else "",
    }


# -- one bid, written here for the log ------------------------------------------------------


def item_html(row: Row, *, partner: str | None, page_number: object, csrf_token: str) -> SafeString:
    """One bid of the log as `bids/_bid_item.html` renders it (that template still serves
    the one-bid pages). A log page holds twenty, and the template language spent most of
    the page's time on them (issue 18); a test holds the two equal. Every word is escaped
    as the template escapes it, and times go through the same `date` filter."""
    b = row.bid
    e = _escaped
    when = timezone.localtime(b.noted_at)
    noted = "" if row.mine else f' <span class="muted">· {e(partner)} noted</span>'
    parts = [
        '<li class="entry bids-entry">',
        f'<h2 class="bids-when"><time datetime="{e(date_filter(when, "c"))}">'
        f"{e(date_filter(when, 'l j F, H:i'))}</time>{noted}</h2>",
    ]
    if b.unreadable:
        parts.append(
            '<p class="muted">This bid was kept under a key that was reset, so it can\'t be '
            "opened any more.</p>"
        )
    elif b.waiting:
        whom = "your partner" if row.mine else e(partner)
        parts.append(
            f'<p class="muted">A shared bid. It opens once {whom} next visits Tending.</p>'
        )
    else:
        if row.mine:
            parts.append(
                f'<p class="entry-body">{e(row.who)} · {e(row.kind)} · {e(row.response)}</p>'
            )
        else:
            parts.append(f'<p class="entry-body">{e(row.who)} · {e(row.kind)}</p>')
            if row.felt:
                parts.append(f'<p class="entry-body bids-felt">{e(partner)}: “{e(row.felt)}”</p>')
        words = b.plain.get("words")
        if words:
            parts.append(f'<p class="entry-body">{linebreaksbr(words, autoescape=True)}</p>')
    if row.mine:
        parts.append(_own_actions(b, partner=partner, page_number=page_number, token=csrf_token))
    parts.append("</li>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)


def _escaped(value: object) -> str:
    """What `{{ value }}` writes: the value as text, escaped unless already safe."""
    return conditional_escape(value if isinstance(value, str) else str(value))


def _own_actions(b: Bid, *, partner: str | None, page_number: object, token: str) -> str:
    e = _escaped
    if b.is_shared and partner:
        how = ", with how it felt to you" if b.response_shared else ", the reach only"
        meta = f"Shared with {e(partner)}{how}"
    else:
        meta = "Only you"
    page = e(page_number)
    more = f'<a href="{e(reverse("bids:more", args=[b.pk]))}">Change or add words</a>'
    if b.is_shared and partner:
        action = (
            f'<form method="post" action="{e(reverse("bids:unshare", args=[b.pk]))}">'
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{e(token)}">'
            f'<input type="hidden" name="page" value="{page}">'
            '<button class="link" type="submit">Stop sharing</button></form>'
        )
    elif partner:
        share = e(reverse("bids:share", args=[b.pk]))
        action = f'<a href="{share}?page={page}">Share with {e(partner)}…</a>'
    else:
        action = ""
    return f'<p class="entry-meta">{meta}</p><div class="actions small">{more}{action}</div>'
