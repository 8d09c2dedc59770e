"""Planned moments: a time both agree to, the consent check-in just before (still good, or
not), aftercare afterwards, and the check-in emails."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.probes import Answers, Probes
from activity import services as activity
from closeness.models import (
    AFTERCARE_NOTE_MAX,
    Aftercare,
    ClosenessSetting,
    ConsentCheck,
    Feeling,
    Moment,
    MomentState,
    Pause,
)
from closeness.services.path import (
    AFTERCARE_FOR,
    CHECKIN_BEFORE,
    CLOCK_SLACK,
    OPEN,
    PLAN_AHEAD_MAX,
    ClosenessProblem,
    _couple,
    _paired_couple,
    path_state,
    shared_yes,
)
from closeness.steps import Step
from couples.models import CoupleSpace, Membership
from privacy import entries
from privacy.entries import Visibility
from privacy.keyring import Keyring
from push import services as push

# -- planning a moment -----------------------------------------------------------------------


def _check_member(user: User, moment: Moment) -> None:
    couple = _couple(user)
    if couple is None or couple.pk != moment.couple_id:
        raise ClosenessProblem("This moment isn't one of yours.")


def _open_and_paired(user: User) -> CoupleSpace:
    couple = _paired_couple(user)
    if path_state(user) != OPEN:
        raise ClosenessProblem("The path is paused for now, so nothing can be planned.")
    return couple


@transaction.atomic
def plan_moment(
    ring: Keyring, at: datetime, step_keys: Iterable[str], *, token: uuid.UUID | None = None
) -> Moment:
    if token is not None:
        earlier = Moment.objects.authored_by(ring.user).filter(form_token=token).first()
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]
    couple = _open_and_paired(ring.user)
    now = timezone.now()
    if at <= now - CLOCK_SLACK:
        raise ClosenessProblem("That time has passed; please choose a time still ahead.")
    if at > now + PLAN_AHEAD_MAX:
        raise ClosenessProblem("Please choose a time within the next three months.")
    chosen = list(dict.fromkeys(step_keys))
    if not chosen:
        raise ClosenessProblem("Choose at least one step from your shared yes.")
    allowed = {s.key for s in shared_yes(ring) or []}
    if not set(chosen) <= allowed:
        raise ClosenessProblem(
            "A moment can only be planned from your shared yes, as it is now. Please look again."
        )
    moment = Moment(
        author=ring.user, couple=couple, visibility=Visibility.SHARED, at=at, form_token=token
    )
    try:
        entries.encrypt_into(moment, ring, {"steps": chosen})
    except entries.NotReady as reason:
        raise ClosenessProblem(str(reason)) from None
    moment.save(force_insert=True)
    activity.tell_partner(
        ring.user, "closeness.moment", reverse("closeness:moment", args=[moment.pk]), entry=moment
    )
    return moment


@transaction.atomic
def answer_moment(user: User, moment: Moment, yes: bool) -> None:
    """The other partner: yes, or not this time (no reason asked)."""
    _check_member(user, moment)
    if moment.author_id == user.pk:
        raise ClosenessProblem("You suggested this moment; your partner answers it.")
    _open_and_paired(user)
    wanted = MomentState.ACCEPTED if yes else MomentState.NOT_THIS_TIME
    moment.refresh_from_db()
    if moment.state == wanted:
        return  # a double submit
    if moment.state != MomentState.PROPOSED:
        raise ClosenessProblem("This moment has already been answered, or was called off.")
    if moment.at <= timezone.now():
        raise ClosenessProblem("The time for this moment has passed.")
    Moment.objects.filter(pk=moment.pk, state=MomentState.PROPOSED).update(
        state=wanted, answered_at=timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def call_off(user: User, moment: Moment) -> None:
    """Either of them, any time before, no reason. The other sees only "called off"."""
    _check_member(user, moment)
    moment.refresh_from_db()
    if moment.state == MomentState.OFF:
        return  # a double tap
    if moment.at <= timezone.now():
        raise ClosenessProblem("This moment's time has passed, so there's nothing to call off.")
    Moment.objects.filter(
        pk=moment.pk, state__in=(MomentState.PROPOSED, MomentState.ACCEPTED)
    ).update(state=MomentState.OFF, updated_at=timezone.now())


def moments(user: User) -> QuerySet[Moment]:
    """Moments this person may see, soonest first."""
    return Moment.objects.visible_to(user).order_by("at")


def upcoming(user: User) -> list[Moment]:
    if path_state(user) != OPEN:
        return []
    return list(moments(user).filter(at__gt=timezone.now() - AFTERCARE_FOR))


def visible_steps(ring: Keyring, moment: Moment) -> list[Step]:
    """A moment's steps that are still in the shared yes: a step someone stopped saying yes
    to leaves the moment as silently as it left the list."""
    (opened,) = entries.reveal([moment], ring)
    if opened.waiting or opened.unreadable:
        return []
    allowed = {s.key: s for s in shared_yes(ring) or []}
    return [allowed[k] for k in opened.plain.get("steps") or [] if k in allowed]


def in_checkin_window(moment: Moment, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return moment.state == MomentState.ACCEPTED and moment.at - CHECKIN_BEFORE <= now < moment.at


def consent_due(user: User) -> list[Moment]:
    """Planned moments close enough for "still feel good about this?", that this person
    hasn't answered yet. Shown in Tending to both."""
    if path_state(user) != OPEN:
        return []
    now = timezone.now()
    near = moments(user).filter(
        state=MomentState.ACCEPTED, at__gt=now, at__lte=now + CHECKIN_BEFORE
    )
    answered = set(
        ConsentCheck.objects.authored_by(user)
        .filter(moment__in=near)
        .values_list("moment_id", flat=True)
    )
    return [m for m in near if m.pk not in answered]


@transaction.atomic
def still_good(ring: Keyring, moment: Moment) -> None:
    """Private: only that the question stops showing for this person."""
    _check_member(ring.user, moment)
    if not in_checkin_window(moment):
        raise ClosenessProblem("This check-in isn't open now.")
    if ConsentCheck.objects.authored_by(ring.user).filter(moment=moment).exists():
        return
    check = ConsentCheck(author=ring.user, moment=moment)
    entries.encrypt_into(check, ring, {"answer": "still good"})
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError:
        return


def _with_my_answers(user: User, rows: QuerySet[Moment]) -> QuerySet[Moment]:
    """Each moment with whether this person answered its consent check-in (`answered`) and
    noted their aftercare (`noted`), in the same query."""
    return rows.annotate(
        answered=Exists(ConsentCheck.objects.authored_by(user).filter(moment_id=OuterRef("pk"))),
        noted=Exists(Aftercare.objects.authored_by(user).filter(moment_id=OuterRef("pk"))),
    )


def _near(user: User, now: datetime) -> QuerySet[Moment]:
    return moments(user).filter(
        state=MomentState.ACCEPTED, at__gt=now - AFTERCARE_FOR, at__lte=now + CHECKIN_BEFORE
    )


MOMENT_NEAR = "closeness.moment_near"


def today_probes(user: User) -> Probes:
    """Today's question to this practice (`accounts.probes`): a moment near now."""
    return {MOMENT_NEAR: Exists(_near(user, timezone.now()))}


def today_cards(user: User, answers: Answers | None = None) -> tuple[list[Moment], list[Moment]]:
    """For the home page: (consent check-ins due, aftercare due), as `consent_due` and
    `aftercare_due` give them, from one read of the moments near now with whether this
    person already answered each (and the pause, only when a check-in could be due); no
    read when Today's probes already said no moment is near."""
    if answers is not None and not answers[MOMENT_NEAR]:
        return [], []
    now = timezone.now()
    near = list(_with_my_answers(user, _near(user, now)))
    if not near:
        return [], []
    ahead: list[Moment] = [m for m in near if m.at > now and not m.answered]  # type: ignore[attr-defined]
    consent = ahead if ahead and path_state(user) == OPEN else []
    after: list[Moment] = [m for m in near if m.at <= now and not m.noted]  # type: ignore[attr-defined]
    return consent, after


@dataclass(frozen=True)
class MomentLists:
    consent_due: list[Moment]
    upcoming: list[Moment]
    aftercare_due: list[Moment]


def moment_lists(user: User) -> MomentLists:
    """`consent_due`, `upcoming` and `aftercare_due` for the closeness page from one read of
    the moments, with this person's answers to them in the same query."""
    now = timezone.now()
    if path_state(user) != OPEN:
        recent: list[Moment] = []
    else:
        recent = list(_with_my_answers(user, moments(user)).filter(at__gt=now - AFTERCARE_FOR))
    near = [
        m for m in recent if m.state == MomentState.ACCEPTED and now < m.at <= now + CHECKIN_BEFORE
    ]
    past = [m for m in recent if m.state == MomentState.ACCEPTED and m.at <= now]
    if not past and path_state(user) != OPEN:
        past = list(
            _with_my_answers(user, moments(user)).filter(
                state=MomentState.ACCEPTED, at__lte=now, at__gt=now - AFTERCARE_FOR
            )
        )
    return MomentLists(
        [m for m in near if not m.answered],  # type: ignore[attr-defined]
        recent,
        [m for m in past if not m.noted],  # type: ignore[attr-defined]
    )


def aftercare_due(user: User) -> list[Moment]:
    """Planned moments whose time has come, within a week, not yet noted by this person."""
    now = timezone.now()
    past = moments(user).filter(state=MomentState.ACCEPTED, at__lte=now, at__gt=now - AFTERCARE_FOR)
    noted = set(
        Aftercare.objects.authored_by(user)
        .filter(moment__in=past)
        .values_list("moment_id", flat=True)
    )
    return [m for m in past if m.pk not in noted]


@transaction.atomic
def note_aftercare(ring: Keyring, moment: Moment, feeling: str, note: str = "") -> Aftercare:
    _check_member(ring.user, moment)
    if feeling not in Feeling.values:
        raise ClosenessProblem("Choose the words closest to how it was.")
    note = note.strip()
    if len(note) > AFTERCARE_NOTE_MAX:
        raise ClosenessProblem(f"A note can be up to {AFTERCARE_NOTE_MAX:,} characters.")
    if moment.state != MomentState.ACCEPTED or moment.at > timezone.now():
        raise ClosenessProblem("This can be noted once the moment's time has come.")
    row = Aftercare.objects.authored_by(ring.user).filter(moment=moment).first()
    if row is None:
        row = Aftercare(author=ring.user, moment=moment)
    row.updated_at = timezone.now()
    entries.encrypt_into(row, ring, {"feeling": feeling, "note": note or None})
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        pass
    return row


def my_aftercare(ring: Keyring, moment: Moment) -> Aftercare | None:
    row: Aftercare | None = Aftercare.objects.authored_by(ring.user).filter(moment=moment).first()
    if row is not None:
        entries.reveal([row], ring)
    return row


# -- email for the consent check-in ----------------------------------------------------------


def setting_for(user: User) -> ClosenessSetting:
    """This person's setting; unsaved (email off) until they choose, so reading writes
    nothing."""
    found: ClosenessSetting | None = ClosenessSetting.objects.filter(user=user).first()
    return found or ClosenessSetting(user=user)


def save_setting(user: User, *, email_checkins: bool) -> None:
    ClosenessSetting.objects.update_or_create(
        user=user, defaults={"email_checkins": email_checkins}
    )


CHECKIN_EMAIL_SUBJECT = "Something is waiting for you in Tending"


def plan_checkin_emails(now: datetime | None = None) -> int:
    """For the worker: one email per person who chose email, per planned moment, when
    its consent check-in opens. The email says nothing but that something is waiting."""
    from outbox import services as outbox

    now = now or timezone.now()
    near = Moment.objects.filter(
        state=MomentState.ACCEPTED, at__gt=now, at__lte=now + CHECKIN_BEFORE
    ).values_list("pk", "couple_id")
    made = 0
    for moment_id, couple_id in near:
        members = Membership.objects.current().filter(couple_id=couple_id).select_related("user")
        for membership in members:
            person = membership.user
            paused = Pause.objects.filter(couple_id=couple_id, ended_at__isnull=True).exists()
            if paused or not person.is_active:
                continue
            # On the phones that asked for it, whether or not email was chosen (issue 14).
            push.queue(person, "consent", dedupe_key=f"closeness-checkin:{moment_id}")
            wants = ClosenessSetting.objects.filter(user=person, email_checkins=True).exists()
            if not wants:
                continue
            link = f"{settings.SITE_URL}{reverse('today')}"
            body = f"Something is waiting for you in Tending.\n\n{link}\n"
            _, created = outbox.enqueue(
                to=person.email,
                subject=CHECKIN_EMAIL_SUBJECT,
                body=body,
                dedupe_key=f"closeness-checkin:{moment_id}:{person.pk}",
                user=person,
            )
            made += int(created)
    return made
