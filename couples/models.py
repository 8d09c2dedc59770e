"""A couple space: two partners, their roles, and the invitation that joins them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Role(models.TextChoices):
    # The role changes which prompts are offered, never what a person may see or do.
    REPAIRING = "repairing", "I'm repairing"
    HURT = "hurt", "I was hurt"
    BOTH = "both", "Both of us"


class CoupleSpace(models.Model):
    created_at = models.DateTimeField(default=timezone.now)
    # Set when a partner leaves: the space keeps its history but takes no new partner.
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Couple space {self.pk}"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        return self.filter(left_at__isnull=True)


class Membership(models.Model):
    couple = models.ForeignKey(CoupleSpace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.BOTH)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            # A person is in at most one couple space at a time.
            models.UniqueConstraint(
                fields=["user"], condition=Q(left_at__isnull=True), name="one_current_space"
            ),
        ]
        indexes = [models.Index(fields=["couple", "left_at"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.couple}"


class Invite(models.Model):
    """Single use, expires, revocable. Only keyed hashes of the link token and code are kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    couple = models.ForeignKey(CoupleSpace, on_delete=models.CASCADE, related_name="invites")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invites_made"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invite {self.pk}"

    @property
    def is_live(self) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > timezone.now()
