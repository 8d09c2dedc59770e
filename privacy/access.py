"""Who may see and change what: decided here, and only here.

Views never filter by couple or author themselves; they call one of these helpers.
"Not yours" raises Http404 exactly like "does not exist", so nothing is confirmed.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.db.models import Q
from django.http import Http404

from accounts.models import User
from couples.models import Invite, Membership
from privacy.entries import Entry
from privacy.rules import changeable_by

E = TypeVar("E", bound=Entry)
NOT_FOUND = "Not found."


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404(NOT_FOUND) from None


def visible_or_404[E: Entry](model: type[E], user: User, pk: Any) -> E:
    """An entry this person may read: their own, or one their current partner shared."""
    entry = model.objects.visible_to(user).filter(pk=_as_uuid(pk)).first()
    if entry is None:
        raise Http404(NOT_FOUND)
    return entry  # type: ignore[no-any-return]


def own_or_404[E: Entry](model: type[E], user: User, pk: Any) -> E:
    """An entry this person may change: only ever their own."""
    entry = model.objects.authored_by(user).filter(pk=_as_uuid(pk)).first()
    if entry is None:
        raise Http404(NOT_FOUND)
    return entry  # type: ignore[no-any-return]


def changeable_or_404[E: Entry](model: type[E], user: User, pk: Any) -> E:
    """An entry this person may change: their own, or a *joint* one they can see (a rhythm
    both partners keep, such as the weekly conversation). `model` needs a `joint` field."""
    entry = (
        model.objects.visible_to(user).filter(changeable_by(user)).filter(pk=_as_uuid(pk)).first()
    )
    if entry is None:
        raise Http404(NOT_FOUND)
    return entry  # type: ignore[no-any-return]


def for_matching[E: Entry](model: type[E], user: User) -> list[E]:
    """The current partner's entries of a kind sealed from them (`SEALED_FROM_PARTNER`),
    for code that combines them with this person's own and shows only the combination
    (the closeness path's shared yes). Never render what this returns."""
    if not getattr(model, "SEALED_FROM_PARTNER", False):
        raise TypeError(f"{model.__name__} is not sealed from the partner; use visible_to.")
    current = Membership.objects.current()
    mine = current.filter(user_id=user.pk).values("couple_id")
    partners = current.filter(couple_id__in=mine).exclude(user_id=user.pk).values("user_id")
    return list(
        model.objects.filter(
            visibility="shared", couple_id__in=mine, author_id__in=partners
        ).exclude(author_id=user.pk)
    )


def own_and_for_matching[E: Entry](model: type[E], user: User) -> tuple[list[E], list[E]]:
    """This person's own entries of a sealed kind, and (as `for_matching`) the current
    partner's, in one query. The same rule: never render the partner's."""
    if not getattr(model, "SEALED_FROM_PARTNER", False):
        raise TypeError(f"{model.__name__} is not sealed from the partner; use visible_to.")
    current = Membership.objects.current()
    mine = current.filter(user_id=user.pk).values("couple_id")
    partners = current.filter(couple_id__in=mine).exclude(user_id=user.pk).values("user_id")
    rows = list(
        model.objects.filter(
            Q(author_id=user.pk)
            | Q(visibility="shared", couple_id__in=mine, author_id__in=partners)
        )
    )
    return [r for r in rows if r.author_id == user.pk], [r for r in rows if r.author_id != user.pk]


def current_membership_or_404(user: User) -> Membership:
    membership = Membership.objects.current().select_related("couple").filter(user=user).first()
    if membership is None:
        raise Http404("No couple space.")
    return membership


def own_invite_or_404(user: User, invite_id: Any) -> Invite:
    """An invitation may be managed only by the person who made it, while they're in its space."""
    invite = (
        Invite.objects.filter(
            pk=_as_uuid(invite_id),
            created_by=user,
            couple__memberships__user=user,
            couple__memberships__left_at__isnull=True,
        )
        .select_related("couple")
        .first()
    )
    if invite is None:
        raise Http404(NOT_FOUND)
    return invite


def own_device_or_404(user: User, device_id: Any) -> Any:
    """A device that gets notifications is managed only by the person it belongs to."""
    from django.apps import apps

    model = apps.get_model("push", "Device")
    device = model.objects.filter(pk=_as_uuid(device_id), user=user).first()
    if device is None:
        raise Http404(NOT_FOUND)
    return device
