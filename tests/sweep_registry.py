"""What the authorization sweep (tests/test_sweep.py) needs to know about our URLs.

The sweep walks every URL pattern. It needs no new test for a new URL, but it does need
to know two things, kept here so that a reviewer sees them in one place:

1. Which views are public. A view is public when LoginRequiredMiddleware lets an
   anonymous visitor through (it is decorated with ``@login_not_required``). Every such
   view must be named in ``PUBLIC``, and every name in ``PUBLIC`` must be public; the
   sweep fails otherwise. Adding a name here is a privacy decision: say why on its line.

2. How to make the object that each URL kwarg names. A URL such as
   ``notes/<uuid:note_id>/`` makes the sweep look up ``FACTORIES["note_id"]``; when the
   kwarg has no entry, the sweep fails with "add a factory for note_id used by <url name>".
   Kwargs are matched by *name*, so every URL that says ``note_id`` means the same kind of
   object: keep kwarg names specific (``note_id``, not ``id`` or ``pk``). Where one name
   means different things in different URLs (``token``: an invitation's, a password
   reset's), each factory lists the URLs it is for in ``urls``, and any other URL that
   uses the name gets no factory, so the sweep fails until someone says what it means.

How to register a new kwarg
---------------------------
Add a tuple of ``ObjectFactory`` to ``FACTORIES`` under the kwarg's name::

    "checkin_id": (
        ObjectFactory(
            make=make_private_checkin,      # (Making) -> the value that goes in the URL
            unknown=uuid.uuid4,             # a value of the same type that names nothing
            owner="alice",                  # the persona who made the object
            visibility=Visibility.PRIVATE,  # bob, alice's partner, gets 404 everywhere
            shown_text=PRIVATE_WORDS,       # optional: words its page shows to whoever may see it
        ),
        ObjectFactory(
            make=make_shared_checkin,
            unknown=uuid.uuid4,
            owner="alice",
            visibility=Visibility.SHARED,   # bob may read it, but not change it
            shown_text=SHARED_WORDS,
        ),
    ),

``make`` creates the object in the database (directly through the ORM or through the
app's service functions) for ``making.owner`` and returns the URL value, usually its pk.
``making`` also holds every persona (``cast``) and ``earlier``: the values already made
for the kwargs to its left in the same URL, so
``notes/<uuid:note_id>/comments/<uuid:comment_id>/`` can put the comment on that note.

Give one factory per way the object can be seen (a private and a shared check-in,
above): the sweep runs every URL once per factory, or once per combination of factories
when a URL has several kwargs (their owners must then be the same persona, and the
object counts as shared only when every factory in the combination is SHARED).

For every non-public URL that uses the kwarg, the sweep then proves that:

- an anonymous visitor is sent to sign-in, for GET and POST;
- every signed-in persona outside the owner's couple (carol, dan and erin when the owner
  is alice), and the partner when the object is PRIVATE, gets 404 on GET and POST, the
  very page they get for ``unknown``, and the database is unchanged afterwards;
- the partner of a SHARED object is not refused on GET (405 on a POST-only URL is fine)
  and, unless the factory says ``partner_may_change=True``, a POST of theirs changes
  nothing in the database: sharing lets a partner read, never edit or delete;
- the owner is not refused, so the 404s above come from ownership and not from a broken
  URL.

Some kwargs name no object at all, only a value every persona may ask for alike (the
month a calendar shows, the day of an occasion whose object is the commitment beside it).
They are listed in ``PARAMETERS`` with a value the URL accepts; an endpoint whose kwargs
are all parameters is swept like a page without kwargs.

Admin URLs (mounted only when TENDING_ADMIN is set) are staff-only whatever they name, so
their kwargs need only a placeholder that the URL pattern accepts: ``ADMIN_PLACEHOLDERS``.
"""

from __future__ import annotations

import enum
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from django.contrib.auth.tokens import default_token_generator
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp_webauthn.models import WebAuthnCredential

from accounts import services as accounts
from accounts.models import User
from agreements import services as agreements
from agreements.models import Agreement, AgreementVersion, Kind, Status
from appreciations import services as appreciations
from bids import services as bids
from checkins import services as checkins
from closeness import services as closeness
from commitments import feed as calendar_feed
from commitments import services as commitments
from commitments.occurrences import Rule
from conftest import PASSWORD, Cast, Persona
from conversations import services as conversations
from conversations.models import Item
from couples import services
from couples.models import Invite
from measures import services as measures
from milestones import services as milestones
from notes import services as notes
from privacy import entries
from privacy.keyring import PasswordKeyring
from projects import services as projects
from push import services as push
from questions import services as questions
from rituals import services as rituals


def make_device(making: Making) -> object:
    """A browser the owner turned notifications on for (an https push service address)."""
    device = push.subscribe(
        making.owner.user,
        f"https://push.example.test/{uuid.uuid4().hex}",
        "B" + "A" * 86,  # 65 bytes, base64url: the browser's public key
        "A" * 22,  # 16 bytes: the auth secret
        "Chrome on Android",
    )
    return device.pk


def make_passkey(making: Making) -> object:
    """A passkey of the owner's: the row as the library keeps it (its key needn't work).
    Its id is long and random, so that the sweep's masking of it in pages (which replaces
    every occurrence of the value) never hits an unrelated digit."""
    passkey = WebAuthnCredential.objects.create(
        pk=secrets.randbelow(9 * 10**8) + 10**8,
        user=making.owner.user,
        name="Sweep passkey",
        confirmed=True,
        credential_id=uuid.uuid4().bytes,
        public_key=b"not a real key",
        aaguid=str(uuid.UUID(int=0)),
    )
    return passkey.pk


PersonaName = Literal["alice", "bob", "carol", "dan", "erin"]

# Views an anonymous visitor may open. Each is a decision, not an accident.
PUBLIC: frozenset[str] = frozenset(
    {
        "accounts:sign_up",  # making an account needs no account
        "accounts:sign_in",
        "accounts:second_step",  # the code after the password, before being signed in
        "accounts:second_step_passkey",  # the same step with a passkey, before being signed in
        "accounts:recover",  # a forgotten password, with the recovery code: signed out
        "accounts:reset",  # asking for a reset email: signed out
        "accounts:reset_confirm",  # the link in that email: whoever holds it, signed out
        "accounts:sign_up_sent",  # "check your email" after sign-up, before any account
        "accounts:confirm_sign_up",  # the link in the sign-up email: before the account exists
        "accounts:lock",  # the idle lock's landing: it only ever signs out, like quick exit
        "couples:join_code",  # a partner types the code before having an account
        "couples:join_link",  # a partner opens the link before having an account
        "today",  # signed out, `/` explains what Tending is; signed in, it is the day's page
        "welcome",  # what Tending is, for a first visitor
        "manifest",  # installing the app: names, colours and icons, nothing of anyone's
        "service_worker",  # caches static files and the offline page only
        "offline",  # the same calm page for everyone when there's no connection
        "commitments:feed",  # a calendar app fetches it without a session: the URL is the key
        "safety:help",  # help must reach someone without an account, or signed out in a hurry
        "safety:quick_exit",  # leaving quickly works from every page, signed in or not
        "insight:grounding",  # a moment to breathe, one tap from every page, signed in or not
        "health_live",  # load balancers and containers probe it; it says only "live"
        "health_ready",  # the same; it says only whether the database is ready
    }
)

# The admin's own sign-in page; every other admin view requires staff.
ADMIN_PUBLIC: frozenset[str] = frozenset({"admin:login"})

# Admin views check staff before they look at any kwarg, so any accepted value will do.
ADMIN_PLACEHOLDERS: Mapping[str, str] = {
    "app_label": "accounts",
    "object_id": "1",
    "content_type_id": "1",
    "url": "nothing-here/",
}


class Visibility(enum.Enum):
    PRIVATE = "only the owner"
    SHARED = "the owner and their partner"


@dataclass(frozen=True)
class Making:
    """What a factory's ``make`` gets."""

    cast: Cast
    owner: Persona  # the factory's own owner, to make the object for
    earlier: Mapping[str, object]  # values made for the kwargs to the left, by kwarg name

    @property
    def ring(self) -> PasswordKeyring:
        """The owner's own keys, opened with their password as a browser's sign-in does."""
        return PasswordKeyring(self.owner.user, PASSWORD)


@dataclass(frozen=True)
class ObjectFactory:
    """How to make the object a URL kwarg names, and who may reach it."""

    make: Callable[[Making], object]
    unknown: Callable[[], object]
    owner: PersonaName = "alice"
    visibility: Visibility = Visibility.PRIVATE
    # Only these URLs, when the kwarg's name means different things in different URLs.
    urls: frozenset[str] | None = None
    # For public URLs only: the plain words shown when the value names nothing.
    unknown_message: str | None = None
    # Words the object's page shows to whoever may see it, and never to anyone else.
    shown_text: str | None = None
    # For SHARED objects: whether the partner may change it (reply to it, say).
    partner_may_change: bool = False
    # Names the case in test ids; defaults to "private" or "shared".
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.visibility.name.lower()


def _invite_for(owner: Persona, token_hash: str) -> Invite:
    """An invitation row, made directly: a full couple can't get one through the services."""
    membership = services.current_membership(owner.user)
    assert membership is not None, f"{owner.name} must be in a couple space to own an invite"
    now = timezone.now()
    return Invite.objects.create(
        couple=membership.couple,
        created_by=owner.user,
        token_hash=token_hash,
        code_hash=f"sweep-code-{uuid.uuid4().hex}",
        created_at=now,
        expires_at=now + timedelta(days=7),
    )


def make_invite(making: Making) -> object:
    return _invite_for(making.owner, f"sweep-token-{uuid.uuid4().hex}").pk


def make_invite_token(making: Making) -> object:
    token = f"sweep-{uuid.uuid4().hex}"
    # The services keep only a keyed hash of the token; use their own hashing so the
    # token really opens the invitation, and fail loudly if that ever stops being true.
    invite = _invite_for(making.owner, services._hash("token", token))
    assert services.find_invite(token=token) == invite, "the sweep's token must open its invite"
    return token


def _words(shared: bool) -> str:
    """Words that say whether the partner may read them, to look for on the pages."""
    return SHARED_WORDS if shared else PRIVATE_WORDS


def make_note(shared: bool, words: str) -> Callable[[Making], object]:
    def make(making: Making) -> object:
        # Written through the notes service with the owner's own keys, as a browser would.
        ring = making.ring
        note = notes.write_note(ring, words, shared=shared)
        assert note.is_shared == shared
        return note.pk

    return make


def make_signed_in_session(making: Making) -> object:
    """A session of the owner's on another device (a row, as a sign-in there makes)."""
    from accounts.models import SignedInSession

    return SignedInSession.objects.create(
        user=making.owner.user,
        key_hash=uuid.uuid4().hex * 2,
        device="phone",
        browser="Firefox",
        system="Android",
    ).pk


def make_confirm_token(making: Making) -> object:
    """A sign-up waiting for its link (for a new address; the owner persona is only nominal)."""
    from accounts.models import PendingSignUp

    token = f"sweep-{uuid.uuid4().hex}"
    PendingSignUp.objects.create(
        email=f"new-{uuid.uuid4().hex[:8]}@example.test",
        display_name="Someone new",
        password="!",
        token_hash=accounts._token_hash(token),
    )
    assert accounts.pending_sign_up(token) is not None, "the sweep's sign-up link must work"
    return token


def make_response(shared: bool) -> Callable[[Making], object]:
    """Answers to the sixteen questions (any number a month), through the measures service."""

    def make(making: Making) -> object:
        ring = making.ring
        response = measures.take(ring, "csi16", [3] * 16, shared=shared)
        assert response.is_shared == shared
        return response.pk

    return make


def make_reset_uid(making: Making) -> object:
    return urlsafe_base64_encode(force_bytes(making.owner.user.pk))


def make_reset_token(making: Making) -> object:
    uid = str(making.earlier["uidb64"])
    user = User.objects.get(pk=int(urlsafe_base64_decode(uid).decode()))
    token = default_token_generator.make_token(user)
    assert accounts.user_for_reset_link(uid, token) == user, "the sweep's reset link must work"
    return token


def make_commitment(shared: bool, joint: bool, words: str) -> Callable[[Making], object]:
    def make(making: Making) -> object:
        ring = making.ring
        commitment = commitments.create_commitment(
            ring,
            title=words,
            rule=Rule("daily"),
            starts_on=timezone.localdate() - timedelta(days=30),
            shared=shared,
            joint=joint,
        )
        assert commitment.is_shared == (shared or joint)
        return commitment.pk

    return make


def make_feed_token(making: Making) -> object:
    token = calendar_feed.start_feed(making.ring)
    assert calendar_feed.find_feed(token) is not None, "the sweep's token must open its feed"
    return token


def make_checkin(shared: bool) -> Callable[[Making], object]:
    def make(making: Making) -> object:
        ring = making.ring
        entry = checkins.check_in(
            ring,
            checkins.local_today(making.owner.user) - timedelta(days=1),
            safety=4,
            closeness=5,
            heaviness=3,
            words=_words(shared),
            shared=shared,
        )
        assert entry.is_shared == shared
        return entry.pk

    return make


def make_reflection(shared: bool) -> Callable[[Making], object]:
    def make(making: Making) -> object:
        ring = making.ring
        words = _words(shared)
        return checkins.reflect(ring, "b-enough", words, shared=shared).pk

    return make


def make_journal_entry(making: Making) -> object:
    ring = making.ring
    return checkins.write_journal(ring, PRIVATE_WORDS).pk


def make_bid(shared: bool) -> Callable[[Making], object]:
    def make(making: Making) -> object:
        ring = making.ring
        words = _words(shared)
        bid, _ = bids.note_bid(ring, who="me", kind="touch", response="toward", words=words)
        if shared:
            entries.share(bid, ring)
        assert bid.is_shared == shared
        return bid.pk

    return make


def _partner(making: Making) -> User:
    partner = services.partner_of(making.owner.user)
    assert partner is not None, f"{making.owner.name} needs a partner to make an agreement"
    return partner


def _agreement(making: Making, *, accepted: bool) -> Agreement:
    ring = making.ring
    terms = agreements.Terms(title=SHARED_WORDS, text="sweep: what the two agree")
    agreement = agreements.propose(ring, Kind.OTHER, terms, token=uuid.uuid4())
    if accepted:
        assert agreement.pending_id is not None
        waiting = AgreementVersion.objects.get(pk=agreement.pending_id)
        agreements.accept(_partner(making), agreement, waiting)
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert agreement.is_shared
    assert agreement.status == (Status.IN_EFFECT if accepted else Status.PROPOSED)
    return agreement


def make_agreement(accepted: bool) -> Callable[[Making], object]:
    """An agreement proposed by the owner: waiting for the partner's answer, or accepted by
    them and so in effect (joint). Its title is the words its pages show."""

    def make(making: Making) -> object:
        return _agreement(making, accepted=accepted).pk

    return make


def make_concern(sent: bool) -> Callable[[Making], object]:
    """A concern about an agreement in effect (proposed by the owner, accepted by the
    partner): a private draft, or sent and so shared with the partner."""

    def make(making: Making) -> object:
        agreement = _agreement(making, accepted=True)
        ring = making.ring
        concern = agreements.write_concern(
            ring,
            agreement,
            what_happened=_words(sent),
            how_it_felt="",
            what_i_need="",
            send=sent,
        )
        assert concern.is_shared == sent
        return concern.pk

    return make


def make_own_step(making: Making) -> object:
    """A closeness step the owner added: both partners see it; only its author removes it."""
    ring = making.ring
    step = closeness.add_step(ring, SHARED_WORDS, "presence")
    assert step.is_shared
    return step.pk


def make_moment(accepted: bool) -> Callable[[Making], object]:
    """A moment the owner planned from the shared yes (both said yes to a long hug), an
    hour ahead: waiting for the partner's answer, or accepted (its consent check-in open)."""

    def make(making: Making) -> object:
        owner, partner = making.owner.user, _partner(making)
        for person in (owner, partner):
            closeness.save_answers(PasswordKeyring(person, PASSWORD), {"b-hug": "yes"}, [])
        ring = making.ring
        moment = closeness.plan_moment(ring, timezone.now() + timedelta(hours=1), ["b-hug"])
        if accepted:
            closeness.answer_moment(partner, moment, yes=True)
        return moment.pk

    return make


def make_conversation(making: Making) -> object:
    """A conversation the owner started; it belongs to both (either acts in it)."""
    ring = making.ring
    conversation = conversations.start(ring, kind="topic", mode="apart", topic=SHARED_WORDS)
    assert conversation.is_shared and conversation.joint
    return conversation.pk


def make_conversation_item(making: Making) -> object:
    """ "What I will do", the owner's, from a finished conversation: only its owner makes it
    a commitment or sets it aside."""
    owner, partner = making.owner.user, _partner(making)
    ring = making.ring
    c = conversations.start(ring, kind="topic", mode="together", topic="sweep")
    conversations.begin(owner, c, c.revision, owner)
    conversations.said_it(ring, c, c.revision)
    conversations.reflect(ring, c, c.revision)
    conversations.check(ring, c, c.revision, heard=True)
    assert c.speaker_id == partner.pk
    conversations.said_it(ring, c, c.revision)
    conversations.reflect(ring, c, c.revision)
    conversations.check(ring, c, c.revision, heard=True)
    (item,) = conversations.write_items(ring, c, owner, [SHARED_WORDS])
    # On one phone, each says their list is done on the one screen; then it finishes.
    conversations.done_writing(ring, c, owner)
    assert conversations.done_writing(ring, c, partner)
    assert Item.objects.get(pk=item.pk).owner_id == owner.pk
    return item.pk


def make_appreciation(making: Making) -> object:
    """A note of appreciation the owner wrote: shared with the partner from the start."""
    ring = making.ring
    note = appreciations.write(
        ring, what_they_did=SHARED_WORDS, what_it_meant="sweep: it meant a lot"
    )
    assert note.is_shared
    return note.pk


def make_round(making: Making) -> object:
    """This week's question of the owner's couple: it belongs to both (either answers)."""
    asked = questions.current_round(making.ring)
    assert asked is not None and asked.is_shared and asked.joint
    return asked.pk


def make_quiet_date(making: Making) -> object:
    """A quiet date: its person's alone, for good (the partner gets 404 like anyone)."""
    ring = making.ring
    return milestones.add_quiet_date(ring, timezone.localdate(), PRIVATE_WORDS).pk


def make_ritual(making: Making) -> object:
    """A ritual the owner suggested: the partner answers it; only the owner withdraws it."""
    ring = making.ring
    return rituals.propose(ring, title=SHARED_WORDS, weekday=6).pk


def _a_project(making: Making) -> projects.Project:
    ring = making.ring
    soon = timezone.localdate() + timedelta(days=2)
    return projects.start(ring, title=SHARED_WORDS, steps=[projects.NewStep("sweep: a step", soon)])


def make_project(making: Making) -> object:
    """A project the owner started: it belongs to both, so either adds, ticks and finishes."""
    return _a_project(making).pk


def make_project_step(making: Making) -> object:
    """A step of the owner's project: either partner ticks it off."""
    return _a_project(making).steps.get().pk


# Kwargs that name no object: any persona may ask for any value (see the docstring).
PARAMETERS: Mapping[str, Callable[[], object]] = {
    "year": lambda: timezone.localdate().year,
    "month": lambda: timezone.localdate().month,
    # An occasion's day: yesterday falls on a daily commitment in every persona's zone.
    "on_date": lambda: timezone.localdate() - timedelta(days=1),
    # A check-in's day: each persona fills in their own, so yesterday is anyone's to ask for.
    "day": lambda: timezone.localdate() - timedelta(days=1),
}

COMMITMENT_URLS = frozenset(
    {
        "commitments:detail",
        "commitments:edit",
        "commitments:cadence",
        "commitments:status",
        "commitments:occasion",
    }
)

PRIVATE_WORDS = "sweep: words kept for oneself"
SHARED_WORDS = "sweep: words shared with a partner"

FACTORIES: Mapping[str, tuple[ObjectFactory, ...]] = {
    "checkin_id": (
        ObjectFactory(make=make_checkin(shared=False), unknown=uuid.uuid4),
        ObjectFactory(
            make=make_checkin(shared=True), unknown=uuid.uuid4, visibility=Visibility.SHARED
        ),
    ),
    "reflection_id": (
        ObjectFactory(make=make_reflection(shared=False), unknown=uuid.uuid4),
        ObjectFactory(
            make=make_reflection(shared=True), unknown=uuid.uuid4, visibility=Visibility.SHARED
        ),
    ),
    "bid_id": (
        ObjectFactory(make=make_bid(shared=False), unknown=uuid.uuid4, shown_text=PRIVATE_WORDS),
        # Shared: the partner reads it, as the author's view; never edits or removes it.
        ObjectFactory(
            make=make_bid(shared=True),
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            shown_text=SHARED_WORDS,
        ),
    ),
    # Questionnaire answers: private by default; shared, the partner reads them, never changes.
    "response_id": (
        ObjectFactory(make=make_response(shared=False), unknown=uuid.uuid4),
        ObjectFactory(
            make=make_response(shared=True), unknown=uuid.uuid4, visibility=Visibility.SHARED
        ),
    ),
    # A journal is only ever private: the partner gets 404 like everyone else.
    "journal_id": (ObjectFactory(make=make_journal_entry, unknown=uuid.uuid4),),
    "feed_token": (
        ObjectFactory(
            make=make_feed_token,
            unknown=lambda: "sweep-no-such-feed",
            urls=frozenset({"commitments:feed"}),
            name="feed",
        ),
    ),
    "commitment_id": (
        ObjectFactory(
            make=make_commitment(shared=False, joint=False, words=PRIVATE_WORDS),
            unknown=uuid.uuid4,
            visibility=Visibility.PRIVATE,
            shown_text=PRIVATE_WORDS,
        ),
        # Shared: the partner reads, and only says "I noticed"; never edits or marks.
        ObjectFactory(
            make=make_commitment(shared=True, joint=False, words=SHARED_WORDS),
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            shown_text=SHARED_WORDS,
            urls=COMMITMENT_URLS,
        ),
        ObjectFactory(
            make=make_commitment(shared=True, joint=False, words=SHARED_WORDS),
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            urls=frozenset({"commitments:noticed"}),
            partner_may_change=True,
            name="shared-noticed",
        ),
        # Joint rhythms belong to both: either partner may mark and change them.
        ObjectFactory(
            make=make_commitment(shared=True, joint=True, words=SHARED_WORDS),
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            shown_text=SHARED_WORDS,
            partner_may_change=True,
            name="joint",
        ),
    ),
    # Agreements are always meant for the partner: they read it and answer a proposal
    # (accept or decline), and an agreement in effect belongs to both (either may propose a
    # revision or retiring, or step back).
    "agreement_id": (
        ObjectFactory(
            make=make_agreement(accepted=False),
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            shown_text=SHARED_WORDS,
            partner_may_change=True,
            name="proposed",
        ),
        ObjectFactory(
            make=make_agreement(accepted=True),
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            shown_text=SHARED_WORDS,
            partner_may_change=True,
            name="in-effect",
        ),
    ),
    # A concern is its author's alone while a draft: the partner gets 404 too. Sent, the
    # partner reads it, answers it and may say it has been talked through.
    "concern_id": (
        ObjectFactory(
            make=make_concern(sent=False),
            unknown=uuid.uuid4,
            visibility=Visibility.PRIVATE,
            shown_text=PRIVATE_WORDS,
            name="draft",
        ),
        ObjectFactory(
            make=make_concern(sent=True),
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            shown_text=SHARED_WORDS,
            partner_may_change=True,
            name="sent",
        ),
    ),
    # A step the couple added: both see it; only its author may remove it.
    "step_id": (
        ObjectFactory(make=make_own_step, unknown=uuid.uuid4, visibility=Visibility.SHARED),
    ),
    # A planned moment is for both: the partner answers it, either calls it off or says
    # they still feel good about it.
    "moment_id": (
        ObjectFactory(
            make=make_moment(accepted=False),
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            partner_may_change=True,
            name="proposed",
        ),
        ObjectFactory(
            make=make_moment(accepted=True),
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            partner_may_change=True,
            name="accepted",
        ),
    ),
    # A conversation belongs to both: either takes their turn, pauses, ends it for today.
    "conversation_id": (
        ObjectFactory(
            make=make_conversation,
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            shown_text=SHARED_WORDS,
            partner_may_change=True,
        ),
    ),
    # What one will do: the partner reads it in the note, only its owner confirms it.
    "item_id": (
        ObjectFactory(
            make=make_conversation_item, unknown=uuid.uuid4, visibility=Visibility.SHARED
        ),
    ),
    # A device getting notifications is its owner's alone: the partner gets 404 too.
    "device_id": (ObjectFactory(make=make_device, unknown=uuid.uuid4, owner="alice"),),
    "passkey_id": (ObjectFactory(make=make_passkey, unknown=lambda: 1_999_999_999, owner="alice"),),
    # A note of appreciation is for the partner: they read it and answer it; only its author
    # deletes it.
    "appreciation_id": (
        ObjectFactory(
            make=make_appreciation,
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            shown_text=SHARED_WORDS,
            urls=frozenset({"appreciations:detail", "appreciations:delete"}),
        ),
        ObjectFactory(
            make=make_appreciation,
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            urls=frozenset({"appreciations:answer"}),
            partner_may_change=True,
            name="answerable",
        ),
    ),
    # Our question belongs to both: either answers it or lets it go.
    "round_id": (
        ObjectFactory(
            make=make_round,
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            partner_may_change=True,
        ),
    ),
    "quiet_id": (ObjectFactory(make=make_quiet_date, unknown=uuid.uuid4),),
    # A project belongs to both from the start: either adds a step, ticks one, finishes it.
    "project_id": (
        ObjectFactory(
            make=make_project,
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            shown_text=SHARED_WORDS,
            partner_may_change=True,
        ),
    ),
    "project_step_id": (
        ObjectFactory(
            make=make_project_step,
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            partner_may_change=True,
        ),
    ),
    "ritual_id": (
        ObjectFactory(
            make=make_ritual,
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            urls=frozenset({"rituals:answer", "rituals:rest"}),
            partner_may_change=True,
            name="answerable",
        ),
        ObjectFactory(
            make=make_ritual,
            unknown=uuid.uuid4,
            visibility=Visibility.SHARED,
            urls=frozenset({"rituals:withdraw"}),
        ),
    ),
    # Invitations are managed only by the person who made them: the partner gets 404 too.
    "invite_id": (ObjectFactory(make=make_invite, unknown=uuid.uuid4, owner="alice"),),
    "note_id": (
        ObjectFactory(
            make=make_note(shared=False, words=PRIVATE_WORDS),
            unknown=uuid.uuid4,
            owner="alice",
            visibility=Visibility.PRIVATE,
            shown_text=PRIVATE_WORDS,
        ),
        ObjectFactory(
            make=make_note(shared=True, words=SHARED_WORDS),
            unknown=uuid.uuid4,
            owner="alice",
            visibility=Visibility.SHARED,
            shown_text=SHARED_WORDS,
        ),
    ),
    # Both token URLs are public (the link is the credential), so the sweep checks they
    # never fail and refuse a bad one plainly.
    "invite_token": (
        ObjectFactory(
            make=make_invite_token,
            unknown=lambda: "sweep-no-such-token",
            owner="alice",
            urls=frozenset({"couples:join_link"}),
            unknown_message=services.UNKNOWN_INVITE,
            name="invite",
        ),
    ),
    "confirm_token": (
        ObjectFactory(
            make=make_confirm_token,
            unknown=lambda: "sweep-no-such-token",
            owner="alice",
            urls=frozenset({"accounts:confirm_sign_up"}),
            unknown_message="This link can't be used",
            name="sign-up link",
        ),
    ),
    "signin_id": (ObjectFactory(make=make_signed_in_session, unknown=uuid.uuid4, owner="alice"),),
    "reset_token": (
        ObjectFactory(
            make=make_reset_token,
            unknown=lambda: "sweep-no-such-token",
            owner="alice",
            urls=frozenset({"accounts:reset_confirm"}),
            unknown_message="This link can't be used",
            name="reset",
        ),
    ),
    "uidb64": (
        ObjectFactory(
            make=make_reset_uid,
            unknown=lambda: urlsafe_base64_encode(b"0"),
            owner="alice",
            urls=frozenset({"accounts:reset_confirm"}),
            name="reset",
        ),
    ),
}
