"""Questionnaires: taking one, sharing it, one's own line over time, the monthly reminder.

Scores are derived from the options chosen (`measures.scoring`) whenever they are shown;
nothing here stores a point. No function compares two people: a line is one person's.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from couples.models import Membership
from measures import charts, scoring
from measures.charts import Point
from measures.models import Form as Form
from measures.models import ReminderChoice, Response
from outbox import services as outbox
from privacy import entries, rules
from privacy.keyring import Keyring

REMINDER_SUBJECT = "A minute for Tending, when you like"
REMINDER_FROM = time(10, 0)  # local time; never before the day has begun


class AlreadyThisMonth(Exception):
    """The CSI-4 is once a month: this month's is already kept."""


def local_month(user: User, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(user.zone).date().replace(day=1)


def this_months_csi4(user: User) -> Response | None:
    found = Response.objects.authored_by(user).filter(form=Form.CSI4, month=local_month(user))
    return found.first()


@transaction.atomic
def take(
    ring: Keyring,
    form: str,
    options: Sequence[int],
    *,
    shared: bool,
    token: uuid.UUID | None = None,
) -> Response:
    """Keep a person's answers. Refuses a second CSI-4 in the same month, and any answer
    set the scoring table refuses (a missing item, an option the item doesn't have). The
    same form sent twice (`token`) keeps one set of answers."""
    scoring.total_of_options(form, options)  # ValueError on anything not as printed
    user = ring.user
    if token is not None:
        first = Response.objects.authored_by(user).filter(token=token).first()
        if first is not None:
            return first  # type: ignore[no-any-return]
    month = local_month(user)
    if form == Form.CSI4 and this_months_csi4(user) is not None:
        raise AlreadyThisMonth
    response = Response(author=user, form=form, month=month, token=token)
    entries.encrypt_into(response, ring, {"answers": list(options)})
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise AlreadyThisMonth from None
    if shared:
        entries.share(response, ring)
    return response


def delete_response(ring: Keyring, response: Response) -> None:
    if not rules.is_author(ring.user, response):
        raise PermissionError("Only the author can delete their answers.")
    response.delete()


def _points(responses: list[Response], ring: Keyring, zone_of: User) -> list[Point]:
    found = []
    for r in entries.reveal(responses, ring):
        assert isinstance(r, Response)
        score = r.score()
        if score is not None:
            found.append(Point(r.created_at.astimezone(zone_of.zone).date(), score, r))
    return found


def own_line(ring: Keyring, form: str) -> list[Point]:
    mine = Response.objects.authored_by(ring.user).filter(form=form).order_by("created_at")
    return _points(list(mine), ring, ring.user)


def partner_of(user: User) -> User | None:
    mine = Membership.objects.current().filter(user=user).values("couple_id")
    other = Membership.objects.current().filter(couple_id__in=mine).exclude(user=user)
    found = other.select_related("user").first()
    return found.user if found else None


def shared_line(ring: Keyring, partner: User | None, form: str) -> list[Point]:
    """What the partner chose to share, through the one reading rule."""
    if partner is None:
        return []
    theirs = (
        Response.objects.visible_to(ring.user)
        .filter(author=partner, form=form)
        .order_by("created_at")
    )
    return _points(list(theirs), ring, ring.user)


@dataclass(frozen=True)
class Change:
    """What can honestly be said about the change between a first and a latest answer."""

    words: str
    verdict: bool  # False: no reference figure to judge by, so no verdict is offered


def change_between(form: str, line: Sequence[Point], *, own: bool = True) -> Change | None:
    if len(line) < 2:
        return None
    first, last = line[0], line[-1]
    sd, r = scoring.REFERENCE_SD.get(form), scoring.RELIABILITY.get(form)
    if sd is None or r is None:
        return Change(
            "Tending doesn't say whether a change here is more than the ordinary ups and downs "
            "of answering a questionnaire. Saying so needs a published reference figure for this "
            "questionnaire that we can cite, and we don't have one yet. The line is here to read "
            "as it is.",
            verdict=False,
        )
    rc = scoring.reliable_change(first.total, last.total, sd, r)
    if abs(rc) <= scoring.RC_THRESHOLD:
        words = (
            "Between the first and the latest answers, the change is within what answering the "
            "same questions twice can give by itself."
        )
    else:
        direction = "higher" if rc > 0 else "lower"
        words = (
            f"The latest answers come out {direction} than the first by more than answering the "
            "same questions twice tends to give by itself."
        )
    return Change(words, verdict=True)


def by_week(points: Sequence[Point], starts: Sequence[date]) -> list[list[Point]]:
    """The points that fall in each week starting on `starts` (seven days each)."""
    return [[p for p in points if s <= p.day < s + timedelta(days=7)] for s in starts]


@dataclass(frozen=True)
class Evidence:
    """The partner's shared questionnaires for the evidence view: a sentence, a small chart,
    and, per week, what they shared in words."""

    sentence: str
    chart: charts.Chart | None
    weeks: list[str]


def shared_for_evidence(ring: Keyring, partner: User, starts: Sequence[date]) -> Evidence:
    """One query: the partner's answers this person may see (shared ones), both forms."""
    if not starts:
        return Evidence("", None, [])
    end = starts[-1] + timedelta(days=7)
    theirs = (
        Response.objects.visible_to(ring.user)
        .filter(author=partner, created_at__date__gte=starts[0] - timedelta(days=1))
        .order_by("created_at")
    )
    found = [p for p in _points(list(theirs), ring, ring.user) if starts[0] <= p.day < end]
    lines = {form: [p for p in found if p.response.form == form] for form in Form.values}
    weeks = []
    for week in zip(*(by_week(lines[form], starts) for form in lines), strict=True):
        said = [
            f"{p.total} of {scoring.MAXIMUM[p.response.form]}"
            + (" (sixteen questions)" if p.response.form == Form.CSI16 else "")
            for points in week
            for p in points
        ]
        weeks.append("; ".join(said))
    name = partner.display_name
    csi4 = lines[Form.CSI4]
    if csi4:
        told = ", ".join(f"{p.total} on {p.day:%-d %b}" for p in csi4)
        sentence = f"{name}'s shared answers to the monthly four questions (0 to 21): {told}."
    elif lines[Form.CSI16]:
        sentence = f"{name} shared the sixteen questions in these weeks; each week is below."
    else:
        sentence = f"{name} hasn't shared the monthly questions in these weeks."
    chart = charts.line_chart(
        "evidence-csi", Form.CSI4, [("measure-theirs", f"{name}'s shared answers", csi4)]
    )
    return Evidence(sentence, chart, weeks)


# -- the monthly reminder --------------------------------------------------------------------


def reminder_on(user: User) -> bool:
    return ReminderChoice.objects.filter(user=user, monthly=True).exists()


def set_reminder(user: User, on: bool) -> None:
    ReminderChoice.objects.update_or_create(user=user, defaults={"monthly": on})


def reminder_key(user_id: int, month: date) -> str:
    return f"measures-csi4:{user_id}:{month:%Y-%m}"


def plan_monthly_reminders(now: datetime | None = None) -> int:
    """For the worker: at most one email a month to a person who asked for it, once their
    local month has begun and its CSI-4 isn't kept yet. Reads clear fields only."""
    now = now or timezone.now()
    made = 0
    wanted = ReminderChoice.objects.filter(monthly=True, user__is_active=True)
    for choice in wanted.select_related("user"):
        person = choice.user
        local = now.astimezone(person.zone)
        if local.time() < REMINDER_FROM:
            continue
        month = local.date().replace(day=1)
        done = Response.objects.filter(author=person, form=Form.CSI4, month=month).exists()
        if done:
            continue
        link = f"{settings.SITE_URL}{reverse('measures:csi4')}"
        body = (
            "This month's short questionnaire is open in Tending whenever you'd like it. "
            "It takes about a minute, and there's no need to answer at all.\n\n"
            f"{link}\n\nTo stop these emails, switch them off on the same page.\n"
        )
        _, created = outbox.enqueue(
            to=person.email,
            subject=REMINDER_SUBJECT,
            body=body,
            dedupe_key=reminder_key(person.pk, month),
            user=person,
        )
        made += int(created)
    return made
