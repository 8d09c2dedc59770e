"""The log writes each bid in Python (`presenters.item_html`); the one-bid pages still use
`bids/_bid_item.html`. Both must say the same, word for word, for every kind of row."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from django.template.loader import render_to_string
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from bids import presenters
from bids.models import Bid, Response, Who
from conftest import examples
from privacy.entries import Visibility

TEXT = st.text(alphabet=st.sampled_from("ab <>&\"'\u2019\n·"), max_size=12)


def _tags(html: str) -> list[str]:
    """The markup without the template's indentation: white space that holds a line break,
    between tags. A space within a line (between a time and its "· Bob noted") stays."""
    flat = re.sub(r">[ \t]*\n\s*<", "><", html.strip())
    return [part for part in re.split(r"(<[^>]+>)", flat) if part]


@st.composite
def rows(draw: st.DrawFn) -> tuple[presenters.Row, str | None]:
    bid = Bid(
        pk=uuid.uuid4(),
        noted_at=datetime(2026, 3, 1, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 10**6))),
        visibility=draw(st.sampled_from([Visibility.PRIVATE, Visibility.SHARED])),
        response_shared=draw(st.booleans()),
    )
    state = draw(st.sampled_from(["open", "open", "waiting", "unreadable"]))
    bid.waiting, bid.unreadable = state == "waiting", state == "unreadable"
    bid.plain = {
        "who": draw(st.sampled_from([Who.ME, Who.PARTNER])),
        "kind": draw(st.sampled_from(["touch", "talk", "", "x"])),
        "response": draw(st.sampled_from([*Response.values, ""])),
        "words": draw(st.one_of(st.none(), TEXT)),
    }
    partner = draw(st.one_of(st.none(), TEXT.filter(bool)))
    mine = draw(st.booleans())
    return presenters.row_of(bid, mine=mine, partner=partner or ""), partner


@settings(max_examples=examples(150), deadline=None)
@given(
    found=rows(),
    page=st.one_of(st.just(""), st.integers(1, 40)),
    zone=st.sampled_from(["UTC", "Pacific/Kiritimati", "America/Los_Angeles"]),
)
def test_the_log_writes_each_bid_as_the_template_does(
    found: tuple[presenters.Row, str | None], page: object, zone: str
) -> None:
    row, partner = found
    token = "tok<en>&1"
    with timezone.override(zone):
        written = presenters.item_html(row, partner=partner, page_number=page, csrf_token=token)
        rendered = render_to_string(
            "bids/_bid_item.html",
            {
                "row": row,
                "partner": partner,
                "page": SimpleNamespace(number=page),
                "csrf_token": token,
            },
        )
    assert _tags(written) == _tags(rendered)
