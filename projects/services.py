"""Projects together: start one with a few steps, add a step, tick one off (or back), and
mark the whole thing done together. Either partner may do each of these.

A dated step reaches both calendars as a joint one-time commitment of its own kind
(`commitments.services.plan_project_step`), so the calendar stays the commitments app's.
"Where we're heading" is an agreement of its own kind: its versions, proposals and answers
are the agreements app's (`agreements.services`); this module only gathers them for its page.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.probes import Answers, Probes
from activity import services as activity
from agreements import services as agreements
from commitments import services as commitments
from couples import services as couples
from privacy import entries
from privacy.keyring import Keyring
from projects.models import STEP_MAX, STEPS_MAX, TITLE_MAX, State, Step

# Re-exported on purpose (`X as X`): the type other areas (and the sweep) may name.
from projects.models import Project as Project

# A step due within this many days shows on Today.
SOON = timedelta(days=7)


class ProjectProblem(Exception):
    """Something that can't be done; the message says why, plainly."""


@dataclass(frozen=True)
class NewStep:
    title: str
    due_on: date | None = None


def _words(value: str, limit: int, what: str) -> str:
    cleaned = (value or "").strip()
    if not cleaned:
        raise ProjectProblem(f"Please give {what} a few words. Nothing was saved.")
    if len(cleaned) > limit:
        raise ProjectProblem(
            f"{what.capitalize()} can be up to {limit} characters; this has {len(cleaned)}. "
            "Nothing was saved."
        )
    return cleaned


def _check_day(user: User, due_on: date | None) -> None:
    if due_on is not None and due_on < commitments.local_today(user):
        raise ProjectProblem("A step's date can be today or later. Nothing was saved.")


def _check_steps(user: User, steps: list[NewStep]) -> list[NewStep]:
    tidy = [NewStep(_words(s.title, STEP_MAX, "a step"), s.due_on) for s in steps]
    if len(tidy) > STEPS_MAX:
        raise ProjectProblem(f"A project can have up to {STEPS_MAX} steps. Nothing was saved.")
    for s in tidy:
        _check_day(user, s.due_on)
    return tidy


def _open(project: Project) -> None:
    if project.state != State.OPEN:
        raise ProjectProblem("This project is done together; it stays as it is.")
    if project.couple_id is not None and couples.partner_of(project.author) is None:
        # Joint records stay with whoever remains after a leave, as history only.
        raise ProjectProblem("This was a project with a partner who has since left.")


def _add_step(ring: Keyring, project: Project, new: NewStep, position: int) -> Step:
    step = Step(author=ring.user, project=project, position=position, due_on=new.due_on)
    entries.encrypt_into(step, ring, {"title": new.title})
    step.save()
    try:
        entries.share(step, ring)
        if new.due_on is not None:
            planned = commitments.plan_project_step(ring, title=new.title, on=new.due_on)
            step.commitment_id = planned.pk
            step.save(update_fields=["commitment_id"])
    except (entries.NotReady, commitments.CommitmentProblem) as reason:
        raise ProjectProblem(str(reason)) from None
    return step


@transaction.atomic
def start(
    ring: Keyring, *, title: str, steps: list[NewStep], token: uuid.UUID | None = None
) -> Project:
    """A project for the two of them, shared at once, with its first steps. The same form
    sent twice returns the first project."""
    user = ring.user
    words = _words(title, TITLE_MAX, "the project")
    tidy = _check_steps(user, [s for s in steps if (s.title or "").strip() or s.due_on])
    if token is not None:
        earlier = Project.objects.authored_by(user).filter(form_token=token).first()
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]
    if couples.partner_of(user) is None:
        raise ProjectProblem("Projects are for two: they open once your partner has joined.")
    project = Project(author=user, form_token=token)
    entries.encrypt_into(project, ring, {"title": words})
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError:  # the same form, sent twice at once
        earlier = Project.objects.authored_by(user).filter(form_token=token).first()
        if earlier is None:
            raise
        return earlier  # type: ignore[no-any-return]
    try:
        entries.share(project, ring)
    except entries.NotReady as reason:
        raise ProjectProblem(str(reason)) from None
    for position, new in enumerate(tidy):
        _add_step(ring, project, new, position)
    activity.tell_partner(user, "project-started", _url(project), entry=project)
    return project


def _url(project: Project) -> str:
    return reverse("projects:detail", args=[project.pk])


def _locked(model: type[Project] | type[Step], pk: Any) -> Any:
    found = model.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise ProjectProblem("This isn't here any more.")
    return found


@transaction.atomic
def add_step(
    ring: Keyring, project: Project, new: NewStep, *, token: uuid.UUID | None = None
) -> Step:
    project = _locked(Project, project.pk)
    (tidy,) = _check_steps(ring.user, [new])
    if token is not None:
        earlier = Step.objects.authored_by(ring.user).filter(form_token=token).first()
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]
    _open(project)
    if project.steps.count() >= STEPS_MAX:
        raise ProjectProblem(f"A project can have up to {STEPS_MAX} steps. Nothing was saved.")
    last = project.steps.order_by("-position").values_list("position", flat=True).first()
    step = _add_step(ring, project, tidy, (last or 0) + 1)
    if token is not None:
        step.form_token = token
        step.save(update_fields=["form_token"])
    return step


@transaction.atomic
def tick(ring: Keyring, step: Step, done: bool) -> bool:
    """Either partner ticks a step off (or back on). False when it already was as asked
    (a second submit): nothing changes then."""
    step = _locked(Step, step.pk)
    project = Project.objects.get(pk=step.project_id)
    _open(project)
    if (step.done_at is not None) == done:
        return False
    step.done_at, step.done_by = (timezone.now(), ring.user) if done else (None, None)
    step.save(update_fields=["done_at", "done_by"])
    if step.commitment_id is not None:
        try:
            commitments.mark_project_step(ring, step.commitment_id, done)
        except commitments.CommitmentProblem as problem:
            raise ProjectProblem(str(problem)) from None
    if done:
        activity.tell_partner(ring.user, "project-step", _url(project), entry=project)
    return True


@transaction.atomic
def finish(user: User, project: Project) -> bool:
    """Done together: either may say so. Steps never ticked leave the calendar quietly.
    False when it was already done (a second submit)."""
    project = _locked(Project, project.pk)
    if project.state == State.DONE:
        return False
    _open(project)
    project.state, project.done_at, project.done_by = State.DONE, timezone.now(), user
    project.save(update_fields=["state", "done_at", "done_by"])
    left = project.steps.filter(done_at__isnull=True, commitment_id__isnull=False)
    commitments.end_project_steps(user, left.values_list("commitment_id", flat=True))
    activity.tell_partner(user, "project-done", _url(project), entry=project)
    return True


# -- reading -------------------------------------------------------------------------------


def ours(ring: Keyring) -> list[Project]:
    """Every project the two of them share, open ones first, each with its steps opened."""
    found = list(
        Project.objects.visible_to(ring.user)
        .prefetch_related("steps")
        .order_by("state", "-created_at")[:50]
    )
    steps = [s for p in found for s in p.steps.all()]
    entries.reveal([*found, *steps], ring)
    for p in found:
        p.step_list = list(p.steps.all())
        p.ticked = sum(1 for s in p.step_list if s.done_at)
    return found


def one(ring: Keyring, project: Project) -> list[Step]:
    steps = list(project.steps.select_related("done_by"))
    entries.reveal([project, *steps], ring)
    return steps


@dataclass(frozen=True)
class DueSoon:
    project_id: Any
    project_title: str
    step_title: str
    due_on: date


def _steps_due_soon(user: User) -> QuerySet[Step]:
    today = commitments.local_today(user)
    return Step.objects.visible_to(user).filter(
        done_at__isnull=True, project__state=State.OPEN, due_on__range=(today, today + SOON)
    )


DUE_SOON = "projects.due_soon"


def today_probes(user: User) -> Probes:
    """Today's question to this practice (`accounts.probes`): a step due within a week."""
    return {DUE_SOON: Exists(_steps_due_soon(user))}


def due_soon(ring: Keyring, answers: Answers | None = None) -> DueSoon | None:
    """The next unticked step of an open project due within a week, for Today (one query,
    or none when Today's probes already said there is none)."""
    if answers is not None and not answers[DUE_SOON]:
        return None
    step = (
        _steps_due_soon(ring.user).select_related("project").order_by("due_on", "position").first()
    )
    if step is None or step.due_on is None:  # (never None: the filter asks for a range)
        return None
    entries.reveal([step, step.project], ring)
    if step.waiting or step.unreadable or step.project.waiting or step.project.unreadable:
        return None
    return DueSoon(
        step.project_id, str(step.project.plain["title"]), str(step.plain["title"]), step.due_on
    )


# -- where we're heading (agreements of their own kind) ------------------------------------


@dataclass
class Heading:
    agreement: agreements.Agreement | None
    words: str  # in effect, "" when nothing is yet
    waiting: Any  # the proposal waiting for an answer (an agreement version), or None
    waiting_words: str
    history: list[Any]  # every version, oldest first, opened


def heading(ring: Keyring) -> Heading:
    found = agreements.heading_of(ring.user)
    if found is None:
        return Heading(None, "", None, "", [])
    versions = agreements.reveal_versions(ring, agreements.history(found))
    by_id = {v.pk: v for v in versions}
    current = by_id.get(found.current_id) if found.current_id else None
    pending = by_id.get(found.pending_id) if found.pending_id else None
    return Heading(
        found,
        str(current.plain.get("text") or "") if current else "",
        pending,
        str(pending.plain.get("text") or "") if pending else "",
        versions,
    )


def propose_heading(
    ring: Keyring, text: str, *, expected_revision: int | None, token: uuid.UUID | None
) -> None:
    try:
        agreements.propose_heading(ring, text, expected_revision=expected_revision, token=token)
    except agreements.AgreementProblem as problem:
        raise ProjectProblem(str(problem)) from None


def answer_heading(user: User, version_id: Any, action: str) -> str:
    """Accept or set aside the partner's proposal; withdraw one's own. Returns what happened,
    in a few words, for the page."""
    found = agreements.heading_of(user)
    if found is None:
        raise ProjectProblem("There's nothing waiting here any more.")
    try:
        version = agreements.version_of(found, version_id)
        if action == "accept":
            agreements.accept(user, found, version)
            return "Accepted. These are your words now, both of yours."
        if action == "decline":
            agreements.decline(user, found, version)
            return "Set aside. What you had before still stands."
        if action == "withdraw":
            agreements.withdraw(user, found, version)
            return "Withdrawn."
    except agreements.AgreementProblem as problem:
        raise ProjectProblem(str(problem)) from None
    raise ProjectProblem("That isn't something this page can do.")
