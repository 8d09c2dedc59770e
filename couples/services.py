"""Pairing, roles and leaving. Every state change of a couple space goes through here."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import User
from accounts.request_scope import forget, forgets, remembered
from couples.models import CoupleSpace, Invite, Membership, Role
from privacy import keys

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U
CODE_LENGTH = 8


class CoupleProblem(Exception):
    """A plain-language reason why nothing changed."""


ALREADY_IN_SPACE = (
    "You're already in a couple space. To join another, leave your current one first."
)
UNKNOWN_INVITE = "We couldn't find that invitation. Check the code, or ask for a new link."
USED = "This invitation has already been used. Ask your partner for a new one."
EXPIRED = "This invitation has expired. They last seven days; ask your partner for a new one."
REVOKED = "This invitation was withdrawn. Ask your partner for a new one."
OWN_INVITE = "This is your own invitation. Send it to your partner to open on their device."
SPACE_FULL = "This couple space already has two people in it."
SPACE_ENDED = "This couple space has closed, so it can't take a new partner."


@dataclass(frozen=True)
class NewInvite:
    invite: Invite
    token: str
    code: str

    @property
    def pretty_code(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"


def _hash(kind: str, secret: str) -> str:
    return salted_hmac(f"couples.invite.{kind}", secret, algorithm="sha256").hexdigest()


def normalize_code(raw: str) -> str:
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OILU", "011V"))


def current_membership(user: User) -> Membership | None:
    return pair_of(user)[0]


def partner_membership(membership: Membership) -> Membership | None:
    mine, partner = pair_of(membership.user_id)
    if mine is not None and mine.pk == membership.pk:
        return partner
    return (
        Membership.objects.current()
        .select_related("user")
        .filter(couple_id=membership.couple_id)
        .exclude(user_id=membership.user_id)
        .first()
    )


def pair_of(user: User | int) -> tuple[Membership | None, Membership | None]:
    """One's current membership (with its space) and the partner's (with their user), in one
    query, asked once per request however many services want it (accounts/request_scope.py);
    every change below forgets it."""
    user_id = user if isinstance(user, int) else user.pk
    return remembered(("couples.pair", user_id), lambda: _pair_of(user_id))


# What the pair query leaves out of both people's account rows: what each keeps to
# themselves and changes without the other seeing it (a sign-in, a new password, the idle
# lock...). The partner's request never reads it, so a page kept for them
# (privacy/kept_pages.py) doesn't change when it does. Read on its own if ever asked for.
_PRIVATE_ACCOUNT_FIELDS = (
    "user__password",
    "user__last_login",
    "user__session_generation",
    "user__idle_lock_minutes",
    "user__tell_new_sign_ins",
    "user__is_superuser",
    "user__is_staff",
    "user__date_joined",
)


def _pair_of(user_id: int) -> tuple[Membership | None, Membership | None]:
    rows = (
        Membership.objects.current()
        .select_related("couple", "user")
        .defer(*_PRIVATE_ACCOUNT_FIELDS)
        .filter(couple__memberships__user_id=user_id, couple__memberships__left_at__isnull=True)
        .annotate(couple_key_copy=keys.own_copy_alongside())
        .order_by("pk")
    )
    mine = partner = None
    for row in rows:
        if row.user_id == user_id:
            mine = mine or row
        else:
            partner = partner or row
    if mine is not None and mine.couple.ended_at is None:
        # Nobody has left this space, so its members are everyone who holds its key.
        keys.holders_known(
            mine.couple_id,
            {m.user_id: getattr(m, "couple_key_copy", None) for m in (mine, partner) if m},
        )
    return mine, partner


def partner_of(user: User) -> User | None:
    theirs = pair_of(user)[1]
    return theirs.user if theirs else None


@transaction.atomic
@forgets("couples.pair")
def create_couple_space(user: User, role: Role | str = Role.BOTH) -> Membership:
    if current_membership(user):
        raise CoupleProblem(ALREADY_IN_SPACE)
    couple = CoupleSpace.objects.create()
    try:
        with transaction.atomic():
            membership = Membership.objects.create(couple=couple, user=user, role=Role(role))
    except IntegrityError:
        raise CoupleProblem(ALREADY_IN_SPACE) from None
    # Sealed to the creator's public key: no secret of theirs is needed here.
    keys.create_couple_key(couple, user)
    return membership


@transaction.atomic
def create_invite(user: User) -> NewInvite:
    """A fresh invite; any earlier live invite of this space is withdrawn."""
    membership = current_membership(user)
    if membership is None:
        membership = create_couple_space(user)
    couple = membership.couple
    if couple.ended_at is not None:
        raise CoupleProblem(SPACE_ENDED)
    if partner_membership(membership):
        raise CoupleProblem(SPACE_FULL)
    now = timezone.now()
    Invite.objects.filter(couple=couple, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    invite = Invite.objects.create(
        couple=couple,
        created_by=user,
        token_hash=_hash("token", token),
        code_hash=_hash("code", code),
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITE_LIFETIME_DAYS),
    )
    return NewInvite(invite=invite, token=token, code=code)


def find_invite(*, token: str = "", code: str = "") -> Invite:
    if token:
        found = Invite.objects.filter(token_hash=_hash("token", token))
    elif code:
        found = Invite.objects.filter(code_hash=_hash("code", normalize_code(code)))
    else:
        found = Invite.objects.none()
    invite = found.select_related("created_by", "couple").first()
    if invite is None:
        raise CoupleProblem(UNKNOWN_INVITE)
    return invite


def live_invite(membership: Membership, user: User) -> Invite | None:
    """The newest invitation this person made for their space, if it can still be used."""
    newest = (
        Invite.objects.filter(couple_id=membership.couple_id, created_by=user)
        .order_by("-created_at")
        .first()
    )
    return newest if newest is not None and newest.is_live else None


def pending_invite(invite_id: UUID | str | None) -> Invite | None:
    """The invitation remembered in this browser's session after opening a link or code."""
    if invite_id is None:
        return None
    try:
        return Invite.objects.select_related("created_by", "couple").filter(pk=invite_id).first()
    except (ValueError, ValidationError):
        return None


class Leaving:
    """What joining someone else's space would leave behind for this person."""

    NOTHING = "nothing"  # not in a space
    UNUSED = "unused"  # a space of their own that no partner ever joined
    ENDED = "ended"  # a space whose partner left


def what_joining_leaves(user: User) -> str:
    """Whether `user` may join another space, and what that leaves behind.

    Only a space with a partner in it (or one still waiting for someone who joined) holds a
    person back: a space whose partner left, or one nobody else ever joined, is no reason
    to refuse a new invitation.
    """
    membership = current_membership(user)
    if membership is None:
        return Leaving.NOTHING
    if membership.couple.ended_at is not None:
        return Leaving.ENDED
    others = Membership.objects.filter(couple_id=membership.couple_id).exclude(user_id=user.pk)
    if not others.exists():
        return Leaving.UNUSED
    raise CoupleProblem(ALREADY_IN_SPACE)


@forgets("couples.pair")
def _step_out_of_current_space(user: User) -> None:
    """Close this person's part in a space they may leave for a new one (see above)."""
    membership = current_membership(user)
    if membership is None:
        return
    now = timezone.now()
    membership.left_at = now
    membership.save(update_fields=["left_at"])
    couple = membership.couple
    if couple.ended_at is None:
        couple.ended_at = now
        couple.save(update_fields=["ended_at"])
    Invite.objects.filter(couple=couple, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )


def check_invite(invite: Invite, user: User | None) -> None:
    """Raise the plain reason an invite can't be accepted (by `user`, if known)."""
    if invite.revoked_at is not None:
        raise CoupleProblem(REVOKED)
    if invite.used_at is not None:
        raise CoupleProblem(USED)
    if invite.expires_at <= timezone.now():
        raise CoupleProblem(EXPIRED)
    if invite.couple.ended_at is not None:
        raise CoupleProblem(SPACE_ENDED)
    if user is not None:
        if invite.created_by_id == user.pk:
            raise CoupleProblem(OWN_INVITE)
        what_joining_leaves(user)


@transaction.atomic
@forgets("couples.pair")
def accept_invite(user: User, invite_id: UUID | str, role: Role | str) -> Membership:
    invite = Invite.objects.select_related("couple", "created_by").get(pk=invite_id)
    check_invite(invite, user)
    if Membership.objects.current().filter(couple=invite.couple).count() >= 2:
        raise CoupleProblem(SPACE_FULL)
    # The conditional update is the single-use guarantee, even for two tabs at once.
    claimed = Invite.objects.filter(pk=invite.pk, used_at__isnull=True, revoked_at__isnull=True)
    if claimed.update(used_at=timezone.now(), used_by=user) != 1:
        raise CoupleProblem(USED)
    # The old space's key and entries stay with it: the new partner is only ever given the
    # new space's key, and sees only what is shared in the new space.
    _step_out_of_current_space(user)
    try:
        with transaction.atomic():
            return Membership.objects.create(couple=invite.couple, user=user, role=Role(role))
    except IntegrityError:
        raise CoupleProblem(ALREADY_IN_SPACE) from None


def revoke_invite(invite: Invite) -> None:
    Invite.objects.filter(pk=invite.pk, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@forgets("couples.pair")
def set_role(membership: Membership, role: Role | str) -> None:
    membership.role = Role(role)
    membership.save(update_fields=["role"])


@transaction.atomic
@forgets("couples.pair")
def leave(user: User) -> None:
    """Leave alone, at any time; the other person's approval is never needed."""
    membership = current_membership(user)
    if membership is None:
        raise CoupleProblem("You're not in a couple space.")
    now = timezone.now()
    membership.left_at = now
    membership.save(update_fields=["left_at"])
    couple = membership.couple
    couple.ended_at = now
    couple.save(update_fields=["ended_at"])
    Invite.objects.filter(couple=couple, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )


@transaction.atomic
@forgets("couples.pair")
def start_over(user: User) -> Membership:
    """After a partner left: close the old space for this person and open a new one."""
    membership = current_membership(user)
    if membership is not None:
        if membership.couple.ended_at is None:
            raise CoupleProblem(ALREADY_IN_SPACE)
        membership.left_at = timezone.now()
        membership.save(update_fields=["left_at"])
        forget("couples.pair")  # the space about to be made asks again
    return create_couple_space(user, membership.role if membership else Role.BOTH)
