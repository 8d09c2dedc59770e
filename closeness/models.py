"""The closeness path. The most sensitive part of Tending; product rules 3 and 6 are its
specification, and docs/privacy.md explains each field.

- `Answers`: one row per person, all their answers (yes / maybe later / not yet) and the
  built-in steps they hid, in one field encrypted under their own key. Nothing about a
  single step is in the clear, not even whether it was answered.
- `YesList`: the same person's "yes" steps only, encrypted under the couple key so they
  can be matched with the partner's. It is sealed from the partner (`SEALED_FROM_PARTNER`):
  no page, feed or export shows it; only the match of both lists is shown.
- `SharedYes`: that match, one row per couple under the couple key, written by whoever's
  yes list changed it. Pages read it instead of both lists, so a partner's answers short
  of a yes never touch what the other's page reads (not even its timing).
- `OwnStep`: a step the couple added, shared with both (its words and tier encrypted).
- `Pause`, `SlowDown`: clear rows, because both are shown to both ("paused for now").
- `Moment`: a planned moment; the time is clear (the worker sends the consent check-in
  shortly before it), the chosen steps are encrypted under the couple key.
- `ConsentCheck`, `Aftercare`: each person's own, private, encrypted.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from privacy.entries import EncryptedField, Entry, ExportContext, plain_words

OWN_STEP_MAX = 140
AFTERCARE_NOTE_MAX = 1000


ANSWER_WORDS = {"yes": "Yes", "later": "Curious, maybe later", "not_yet": "Not yet"}


def step_words(key: object, ctx: ExportContext) -> str:
    """A step's own words, for a built-in step or one the couple added."""
    from closeness.steps import BUILT_IN_BY_KEY

    built_in = BUILT_IN_BY_KEY.get(str(key))
    if built_in is not None:
        return built_in.words
    if str(key).startswith("own-"):
        own = ctx.get(OwnStep, str(key)[4:])
        if own is not None and own.plain.get("words"):
            return str(own.plain["words"])
    return "a step that was removed"


def steps_words(keys: object, ctx: ExportContext) -> str:
    return "; ".join(step_words(k, ctx) for k in keys or []) if isinstance(keys, list) else ""


class Answers(Entry):
    # {"step key": "yes" | "later" | "not_yet"}; unanswered steps are absent.
    answers = EncryptedField()
    hidden = EncryptedField()  # built-in step keys this person hid from their own list

    SHAREABLE = False  # only ever the person's own

    class Meta:
        verbose_name_plural = "closeness answers"
        constraints = (models.UniqueConstraint(fields=["author"], name="one_answers_per_person"),)

    def export_when(self) -> datetime:
        return self.updated_at

    def export_title(self, ctx: ExportContext) -> str:
        return "My answers on the closeness path"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        answers = self.plain.get("answers") or {}
        lines = []
        for value, words in ANSWER_WORDS.items():
            keys = [k for k, v in answers.items() if v == value]
            if keys:
                lines.append((words, steps_words(keys, ctx)))
        hidden = self.plain.get("hidden") or []
        if hidden:
            lines.append(("Hidden from my list", steps_words(list(hidden), ctx)))
        return lines


class YesList(Entry):
    steps = EncryptedField()  # the step keys this person said yes to, and didn't hide

    SEALED_FROM_PARTNER = True

    class Meta:
        verbose_name_plural = "closeness yes lists"
        constraints = (
            models.UniqueConstraint(fields=["author", "couple"], name="one_yes_list_per_couple"),
        )

    def export_when(self) -> datetime:
        return self.updated_at

    def export_title(self, ctx: ExportContext) -> str:
        return "My yes list, kept only to find the steps we both said yes to"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        steps = steps_words(self.plain.get("steps"), ctx)
        return [("Steps", steps)] if steps else []


class SharedYes(Entry):
    """The steps both said yes to: the one thing about the partner's answers either may
    see. Written (in `closeness.services.path`) only when the match itself changes, so
    its row moves exactly when what both are shown moves. `author` is whoever's change
    wrote it first; the row belongs to the couple."""

    steps = EncryptedField()  # the step keys in both yes lists

    EXPORTED = False  # made from the two yes lists; each person's export carries their own
    # Never shared or unshared by hand: it is written under the couple key from the start.
    SHAREABLE = False

    class Meta:
        verbose_name_plural = "closeness shared yeses"
        constraints = (
            models.UniqueConstraint(fields=["couple"], name="one_shared_yes_per_couple"),
        )


class OwnStep(Entry):
    """A step the couple added. The author may remove it; either may hide it from their own
    list by answering nothing, like any other step."""

    words = EncryptedField(max_length=OWN_STEP_MAX)
    tier = EncryptedField()  # a tier key
    removed_at = models.DateTimeField(null=True, blank=True)
    form_token = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("created_at",)
        constraints = (
            models.UniqueConstraint(fields=["author", "form_token"], name="one_own_step_per_form"),
        )

    @property
    def key(self) -> str:
        return f"own-{self.pk}"

    @classmethod
    def export_label(cls) -> str:
        return "Closeness steps we added"

    def export_title(self, ctx: ExportContext) -> str:
        return f"A step we added: {ctx.quoted(self.plain.get('words'))}"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        from closeness.steps import TIER_BY_KEY

        tier = TIER_BY_KEY.get(str(self.plain.get("tier")))
        lines = [("Kind of closeness", tier.name if tier else "")]
        if self.removed_at:
            lines.append(("Removed", ctx.day(self.removed_at)))
        return [(label, words) for label, words in lines if words]


class Pause(models.Model):
    """One person paused the whole path. Only they can end it."""

    couple = models.ForeignKey("couples.CoupleSpace", on_delete=models.CASCADE, related_name="+")
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(
                fields=["couple", "paused_by"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_pause_per_person",
            ),
        )

    def __str__(self) -> str:
        return f"Pause in couple {self.couple_id}"


class SlowDownState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACTIVE = "active", "Agreed"
    SET_ASIDE = "set_aside", "Set aside"


class SlowDown(models.Model):
    """For a while, the shared list shows steps up to one tier only. Starting needs both;
    either may extend it alone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    couple = models.ForeignKey("couples.CoupleSpace", on_delete=models.CASCADE, related_name="+")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    up_to_tier = models.CharField(max_length=12)
    ends_on = models.DateField()
    state = models.CharField(
        max_length=10, choices=SlowDownState.choices, default=SlowDownState.PROPOSED
    )
    created_at = models.DateTimeField(default=timezone.now)
    agreed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"Slow-down in couple {self.couple_id} until {self.ends_on}"


class MomentState(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Planned"
    NOT_THIS_TIME = "not_this_time", "Not this time"
    OFF = "off", "Off for now"


class Moment(Entry):
    """A planned moment of closeness: one proposes, the other says yes or not this time.
    Either may call it off at any time, without a reason; nobody is told who did."""

    at = models.DateTimeField()
    state = models.CharField(
        max_length=14, choices=MomentState.choices, default=MomentState.PROPOSED
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    form_token = models.UUIDField(null=True, blank=True, editable=False)
    steps = EncryptedField()  # step keys, chosen from the shared yes

    JOINT_LOOKUP = None

    class Meta:
        ordering = ("at",)
        constraints = (
            models.UniqueConstraint(fields=["author", "form_token"], name="one_moment_per_form"),
        )

    def export_extra(self) -> dict[str, object]:
        return {"at": self.at.isoformat(), "state": self.state}

    @classmethod
    def export_label(cls) -> str:
        return "Planned moments"

    def export_when(self) -> datetime:
        return self.at

    def export_title(self, ctx: ExportContext) -> str:
        return f"A moment of closeness ({str(MomentState(self.state).label).lower()})"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        steps = steps_words(self.plain.get("steps"), ctx)
        return [("Steps", steps)] if steps else []


class ConsentCheck(Entry):
    """ "Still feel good about this?" answered yes by one person: private to them, so that
    the question stops showing for them. The partner is never told."""

    PARENT_FIELD = "moment"
    # Private to its author, and theirs: it outlives the moment's author (SET_NULL).
    moment = models.ForeignKey(Moment, null=True, on_delete=models.SET_NULL, related_name="+")
    answer = EncryptedField()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["moment", "author"], name="one_consent_per_person"),
        )

    @classmethod
    def export_label(cls) -> str:
        return "Consent check-ins"

    def export_title(self, ctx: ExportContext) -> str:
        moment = ctx.get(Moment, self.moment_id)
        when = f" for the moment on {ctx.moment(moment.at)}" if moment else ""
        return f"Checked in before{when}"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        answer = plain_words(self.plain.get("answer"))
        return [("Still feeling good about it", "yes")] if answer else []


class Feeling(models.TextChoices):
    GOOD = "good", "It felt good"
    MIXED = "mixed", "Mixed"
    NOT_GOOD = "not_good", "It didn't feel good"
    SLOW_DOWN = "slow_down", "I'd like to slow down"


class Aftercare(Entry):
    """How it was, for one person, noted privately afterwards."""

    PARENT_FIELD = "moment"
    moment = models.ForeignKey(Moment, null=True, on_delete=models.SET_NULL, related_name="+")
    feeling = EncryptedField()
    note = EncryptedField(max_length=AFTERCARE_NOTE_MAX, null=True, blank=True)

    class Meta:
        verbose_name_plural = "aftercare notes"
        constraints = (
            models.UniqueConstraint(fields=["moment", "author"], name="one_aftercare_per_person"),
        )

    def export_title(self, ctx: ExportContext) -> str:
        moment = ctx.get(Moment, self.moment_id)
        return f"Afterwards, the moment on {ctx.moment(moment.at)}" if moment else "Afterwards"

    def export_lines(self, ctx: ExportContext) -> list[tuple[str, str]]:
        feeling = self.plain.get("feeling")
        lines = [
            ("How it was", str(Feeling(feeling).label) if feeling in Feeling.values else ""),
            ("A note", plain_words(self.plain.get("note"))),
        ]
        return [(label, words) for label, words in lines if words]


class ClosenessSetting(models.Model):
    """Whether the consent check-in also comes by email (off unless chosen)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="closeness_setting"
    )
    email_checkins = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Closeness setting of {self.user_id}"
