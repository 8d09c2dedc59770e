"""The private calendar feed: one secret address per person, read by calendar apps.

A calendar app fetches the feed without anyone's session, so at that moment the server
holds no one's key. Hence:

- the address carries a random token; only a keyed hash of it is kept in clear, and the
  token itself is kept under the person's data key, so they (and only they, signed in)
  can see their address again;
- by default an event says only its kind ("Weekly conversation") and its date;
- a person may opt in to titles: each title is then copied, encrypted under a key derived
  from the token (`FeedTitle`), so only whoever holds the address can read them. Making a
  new address re-keys those copies; the old address stops working at once.

Which commitments a feed holds: the person's own (private ones too: it's their feed) and
the joint rhythms of their current couple space. Never the partner's own commitments.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from icalendar import Calendar, Event

from accounts.models import User
from commitments.models import (
    Cadence,
    CalendarFeed,
    Commitment,
    FeedTitle,
    Kind,
    Status,
)
from commitments.occurrences import dates_between, segments
from commitments.services import local_today
from privacy import crypto, entries
from privacy.keyring import Keyring

DAYS_BACK = 30
DAYS_AHEAD = 180
TOKEN_BYTES = 32
CALENDAR_NAME = "Tending"
PRODID = "-//Tending//Calendar feed//EN"
UID_DOMAIN = "tending"


class FeedLost(Exception):
    """The feed's token was kept under a data key that no longer exists (a reset without
    the recovery code): the address still works but can't be shown; make a new one."""


# -- tokens and keys ------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return salted_hmac("commitments.feed.token", token, algorithm="sha256").hexdigest()


def _token_context(user_id: int) -> bytes:
    return f"tending:calendar-feed:token:{user_id}".encode()


def _title_context(feed_id: int, commitment_id: object) -> bytes:
    return f"tending:calendar-feed:title:{feed_id}:{commitment_id}".encode()


def title_key(token: str) -> bytes:
    """The key of the title copies: derived from the token, so only the address opens them.
    The token is 32 random bytes, so a plain keyed hash (no password stretching) is right."""
    return hashlib.blake2b(
        token.encode(), digest_size=crypto.KEY_BYTES, person=b"tending-feed"
    ).digest()


def _seal_token(user: User, token: str, ring: Keyring) -> bytes:
    return crypto.encrypt(token.encode(), ring.data_key(), _token_context(user.pk))


def feed_of(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user_id=user.pk).first()


def find_feed(token: str) -> CalendarFeed | None:
    """The feed this token opens, or None: unknown, wrong and revoked tokens look alike."""
    if not token or len(token) > 100:
        return None
    return CalendarFeed.objects.select_related("user").filter(token_hash=_token_hash(token)).first()


def open_token(feed: CalendarFeed, ring: Keyring) -> str:
    """The raw token, for the person who owns the feed, with their keys."""
    if feed.user_id != ring.user.pk:
        raise PermissionError("Only its owner can open a feed's address.")
    try:
        return crypto.decrypt(
            bytes(feed.sealed_token), ring.data_key(), _token_context(feed.user_id)
        ).decode()
    except crypto.KeyGone:
        raise FeedLost from None


# -- making, changing and ending a feed -----------------------------------------------------


@transaction.atomic
def start_feed(ring: Keyring) -> str:
    """This person's feed, made if there is none; returns the raw token for its URL.

    Idempotent, so a double submit doesn't silently replace an address just copied.
    """
    user = ring.user
    feed = CalendarFeed.objects.select_for_update().filter(user_id=user.pk).first()
    if feed is not None:
        try:
            return open_token(feed, ring)
        except FeedLost:
            return regenerate(ring)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    try:
        with transaction.atomic():
            CalendarFeed.objects.create(
                user=user,
                token_hash=_token_hash(token),
                sealed_token=_seal_token(user, token, ring),
            )
    except IntegrityError:  # made at the same moment by another request: use that one
        return start_feed(ring)
    return token


@transaction.atomic
def regenerate(ring: Keyring) -> str:
    """A new address; the old one stops working at once. The title copies are re-keyed."""
    user = ring.user
    feed = CalendarFeed.objects.select_for_update().filter(user_id=user.pk).first()
    if feed is None:
        return start_feed(ring)
    try:
        old_key = title_key(open_token(feed, ring))
    except FeedLost:
        old_key = None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed.token_hash = _token_hash(token)
    feed.sealed_token = _seal_token(user, token, ring)
    feed.save(update_fields=["token_hash", "sealed_token"])
    if old_key is None:  # the old copies can't be opened: made again from the commitments
        FeedTitle.objects.filter(feed=feed).delete()
    else:
        _rekey(feed, old_key, title_key(token))
    _refresh(feed, token, ring)
    return token


def _rekey(feed: CalendarFeed, old_key: bytes, new_key: bytes) -> None:
    kept = []
    for copy in FeedTitle.objects.filter(feed=feed):
        context = _title_context(feed.pk, copy.commitment_id)
        try:
            title = crypto.decrypt(bytes(copy.sealed_title), old_key, context)
        except crypto.DecryptionFailed:
            continue  # dropped below, and made again from the commitment
        copy.sealed_title = crypto.encrypt(title, new_key, context)
        kept.append(copy)
    FeedTitle.objects.filter(feed=feed).exclude(pk__in=[c.pk for c in kept]).delete()
    FeedTitle.objects.bulk_update(kept, ["sealed_title"])


@transaction.atomic
def stop_feed(user: User) -> None:
    """Turning the feed off deletes it, and every title copy with it."""
    CalendarFeed.objects.filter(user_id=user.pk).delete()


@transaction.atomic
def set_show_titles(ring: Keyring, show: bool) -> None:
    feed = CalendarFeed.objects.select_for_update().filter(user_id=ring.user.pk).first()
    if feed is None:
        return
    if feed.show_titles != show:
        feed.show_titles = show
        feed.save(update_fields=["show_titles"])
    if show:
        refresh_feed_titles(ring)
    else:
        FeedTitle.objects.filter(feed=feed).delete()


# -- which commitments, and their title copies ----------------------------------------------


def feed_commitments(user: User) -> QuerySet[Commitment]:
    """What a person's feed holds: what the access core says is theirs to keep (their own
    commitments, private ones too, and the joint ones of their current couple space while it
    lasts; never the partner's own), of those the joint rhythms only, and only active ones."""
    return (
        Commitment.objects.kept_by(user)
        .filter(Q(joint=False) | Q(kind__in=(Kind.CONVERSATION, Kind.REVIEW)))
        .filter(status=Status.ACTIVE)
        .prefetch_related("schedules")
        .order_by("created_at", "pk")
    )


def refresh_feed_titles(ring: Keyring) -> None:
    """Bring the feed's title copies up to date with this person's commitments.

    Cheap when nothing changed (a few queries, no crypto), so it can be called after any
    change to a commitment and whenever the feed settings page opens. Without a feed, or
    with titles off, it does nothing.
    """
    feed = CalendarFeed.objects.filter(user_id=ring.user.pk, show_titles=True).first()
    if feed is None:
        return
    with transaction.atomic():
        _refresh(feed, None, ring)


def _refresh(feed: CalendarFeed, token: str | None, ring: Keyring) -> None:
    if not feed.show_titles:
        return
    wanted = {c.pk: c for c in feed_commitments(ring.user)}
    copies = {c.commitment_id: c for c in FeedTitle.objects.filter(feed=feed)}
    gone = [copy.pk for cid, copy in copies.items() if cid not in wanted]
    if gone:
        FeedTitle.objects.filter(pk__in=gone).delete()
    stale = [
        c for cid, c in wanted.items() if cid not in copies or copies[cid].revision != c.revision
    ]
    if not stale:
        return
    if token is None:
        try:
            token = open_token(feed, ring)
        except FeedLost:
            return  # titles wait until the person makes a new address
    key = title_key(token)
    changed, made = [], []
    entries.reveal(stale, ring)
    for commitment in stale:
        if commitment.waiting or commitment.unreadable:
            continue  # the feed shows the kind until the title can be opened
        title = str(commitment.plain.get("title") or "")
        sealed = crypto.encrypt(title.encode(), key, _title_context(feed.pk, commitment.pk))
        copy = copies.get(commitment.pk)
        if copy is None:
            made.append(
                FeedTitle(
                    feed=feed,
                    commitment_id=commitment.pk,
                    sealed_title=sealed,
                    revision=commitment.revision,
                )
            )
        else:
            copy.sealed_title, copy.revision = sealed, commitment.revision
            changed.append(copy)
    FeedTitle.objects.bulk_update(changed, ["sealed_title", "revision"])
    FeedTitle.objects.bulk_create(made)


# -- the .ics -------------------------------------------------------------------------------


def window_for(user: User) -> tuple[date, date]:
    today = local_today(user)
    return today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD)


def _titles(feed: CalendarFeed, token: str, shown: dict[UUID, Commitment]) -> dict[UUID, str]:
    """Open the title copies with the key the URL's token carries; drop copies of
    commitments the feed no longer holds (unshared, retired, the partner left)."""
    key = title_key(token)
    found: dict[UUID, str] = {}
    gone = []
    for copy in FeedTitle.objects.filter(feed=feed):
        if copy.commitment_id not in shown:
            gone.append(copy.pk)
            continue
        try:
            found[copy.commitment_id] = crypto.decrypt(
                bytes(copy.sealed_title), key, _title_context(feed.pk, copy.commitment_id)
            ).decode()
        except crypto.DecryptionFailed:
            continue  # shown by kind; the next refresh makes it again
    if gone:
        FeedTitle.objects.filter(pk__in=gone).delete()
    return found


def _event(
    commitment: Commitment, summary: str, uid_day: date, first: date, stamp: datetime
) -> Event:
    event = Event()
    event.add("uid", f"{commitment.pk}-{uid_day:%Y%m%d}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("last-modified", commitment.updated_at.astimezone(UTC))
    event.add("dtstart", first)
    event.add("dtend", first + timedelta(days=1))
    event.add("summary", summary)
    event.add("class", "PRIVATE")
    event.add("transp", "TRANSPARENT")  # a reminder of a promise, not a busy block
    return event


def build_calendar(feed: CalendarFeed, token: str) -> Calendar:
    user = feed.user
    lo, hi = window_for(user)
    shown = {c.pk: c for c in feed_commitments(user)}
    titles = _titles(feed, token, shown) if feed.show_titles else {}
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", CALENDAR_NAME)
    cal.add("x-wr-calname", CALENDAR_NAME)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")

    for commitment in shown.values():
        summary = titles.get(commitment.pk) or Kind(commitment.kind).label
        schedules = list(commitment.schedules.all())
        for seg in segments(schedules, commitment.starts_on, commitment.ends_on):
            first, last = max(seg.first, lo), min(seg.last or hi, hi)
            if last < first:
                continue
            days = dates_between(schedules, commitment.starts_on, commitment.ends_on, (first, last))
            if not days:
                continue
            if seg.rule.cadence == Cadence.ONCE:
                cal.add_component(_event(commitment, summary, seg.first, days[0], stamp))
                continue
            event = _event(commitment, summary, seg.first, days[0], stamp)
            event.add("rrule", {**seg.rule.rrule_parts(), "until": last})
            cal.add_component(event)
    return cal


def build_ics(feed: CalendarFeed, token: str) -> bytes:
    return bytes(build_calendar(feed, token).to_ical())
