"""Creating, unlocking and re-wrapping people's keys, and handing out the couple key."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery

from accounts.models import User
from accounts.request_scope import forget, remembered
from couples.models import CoupleSpace, Membership
from privacy import crypto
from privacy.crypto import KdfParams
from privacy.models import CoupleKeyCopy, PersonKeys


def kdf_params() -> KdfParams:
    return KdfParams(settings.KEY_KDF_OPS, settings.KEY_KDF_MEM)


def _ctx(kind: str, user_id: int) -> bytes:
    return f"tending:{kind}:{user_id}".encode()


def _wrap_for_secret(
    data_key: bytes, secret: str, kind: str, user_id: int
) -> tuple[bytes, bytes, KdfParams]:
    salt, params = crypto.new_salt(), kdf_params()
    wrapped = crypto.encrypt(data_key, crypto.derive_key(secret, salt, params), _ctx(kind, user_id))
    return wrapped, salt, params


def _set_password_wrap(keys: PersonKeys, data_key: bytes, password: str) -> None:
    wrapped, salt, params = _wrap_for_secret(data_key, password, "dk-by-password", keys.user_id)
    keys.data_key_by_password, keys.password_salt = wrapped, salt
    keys.password_kdf_ops, keys.password_kdf_mem = params.ops, params.mem


def _set_recovery_wrap(keys: PersonKeys, data_key: bytes, code: str) -> None:
    wrapped, salt, params = _wrap_for_secret(data_key, code, "dk-by-recovery", keys.user_id)
    keys.data_key_by_recovery, keys.recovery_salt = wrapped, salt
    keys.recovery_kdf_ops, keys.recovery_kdf_mem = params.ops, params.mem


def create_person_keys(user: User, password: str, retired: bytes = b"") -> tuple[bytes, str]:
    """New data key and key pair. Returns (data key, recovery code to show once)."""
    forget("privacy.person_keys")
    data_key = crypto.new_key()
    public, private = crypto.new_keypair()
    code = crypto.new_recovery_code()
    keys = PersonKeys(
        user=user,
        public_key=public,
        private_key_wrapped=crypto.encrypt(private, data_key, _ctx("private-key", user.pk)),
        data_key_id=crypto.fingerprint(data_key),
        retired_key_ids=retired,
    )
    _set_password_wrap(keys, data_key, password)
    _set_recovery_wrap(keys, data_key, code)
    PersonKeys.objects.filter(user=user).delete()
    keys.save()
    return data_key, code


def same_work_as_creating(password: str) -> None:
    """The key derivations of `create_person_keys`, for a sign-up that makes no account,
    so it costs the same as one that does (nothing is stored)."""
    for secret in (password, crypto.new_recovery_code()):
        crypto.derive_key(secret, crypto.new_salt(), kdf_params())


def same_work_as_unlocking(secret: str) -> None:
    """One key derivation, as an unlock would do, for an account that doesn't exist (or has
    no keys): an unknown email costs the same as a wrong secret for a real one."""
    crypto.derive_key(secret, crypto.new_salt(), kdf_params())


def unlock_with_password(user: User, password: str) -> bytes:
    keys = PersonKeys.objects.get(user=user)
    params = KdfParams(keys.password_kdf_ops, keys.password_kdf_mem)
    wrapping = crypto.derive_key(password, bytes(keys.password_salt), params)
    return crypto.decrypt(
        bytes(keys.data_key_by_password), wrapping, _ctx("dk-by-password", user.pk)
    )


# Key derivation for sign-in runs beside the password check (both are Argon2 in C, which
# lets go of Python's lock), so a sign-in waits for the slower of the two, not their sum.
_derivations = ThreadPoolExecutor(max_workers=4, thread_name_prefix="tending-kdf")


@dataclass(frozen=True)
class Unlocking:
    """A password's key derivation under way for the account an email names (or, for an
    email with no account or no keys, the same derivation under a throwaway salt)."""

    row: PersonKeys | None
    wrapping: Future[bytes]

    def wait(self) -> bytes:
        return self.wrapping.result()

    def holds_keys_of(self, user: User) -> bool:
        return self.row is not None and self.row.user_id == user.pk

    def data_key(self, user: User) -> bytes:
        """The data key, once the password was found right for `user`."""
        wrapping = self.wait()
        if self.row is None or self.row.user_id != user.pk:
            raise PersonKeys.DoesNotExist
        return crypto.decrypt(
            bytes(self.row.data_key_by_password), wrapping, _ctx("dk-by-password", user.pk)
        )


def begin_unlock(email: str, password: str) -> Unlocking:
    """Start deriving the password's wrapping key before the password is checked. The
    same work whether or not the email has an account: one query, one derivation."""
    row = PersonKeys.objects.filter(user__email=email).first()
    if row is None:
        salt, params = crypto.new_salt(), kdf_params()
    else:
        salt = bytes(row.password_salt)
        params = KdfParams(row.password_kdf_ops, row.password_kdf_mem)
    return Unlocking(row, _derivations.submit(crypto.derive_key, password, salt, params))


def unlock_with_recovery_code(user: User, code: str) -> bytes:
    keys = PersonKeys.objects.get(user=user)
    params = KdfParams(keys.recovery_kdf_ops, keys.recovery_kdf_mem)
    wrapping = crypto.derive_key(
        crypto.normalize_recovery_code(code), bytes(keys.recovery_salt), params
    )
    return crypto.decrypt(
        bytes(keys.data_key_by_recovery), wrapping, _ctx("dk-by-recovery", user.pk)
    )


def rewrap_for_password(user: User, data_key: bytes, new_password: str) -> None:
    forget("privacy.person_keys")
    keys = PersonKeys.objects.get(user=user)
    _set_password_wrap(keys, data_key, new_password)
    keys.save(
        update_fields=[
            "data_key_by_password",
            "password_salt",
            "password_kdf_ops",
            "password_kdf_mem",
        ]
    )


def new_recovery_code(user: User, data_key: bytes) -> str:
    forget("privacy.person_keys")
    keys = PersonKeys.objects.get(user=user)
    code = crypto.new_recovery_code()
    _set_recovery_wrap(keys, data_key, code)
    keys.save(
        update_fields=[
            "data_key_by_recovery",
            "recovery_salt",
            "recovery_kdf_ops",
            "recovery_kdf_mem",
        ]
    )
    return code


def _person_keys(user: User) -> PersonKeys | None:
    """The person's key row, read once per request (accounts/request_scope.py). A signed-in
    person arrives with it (accounts/backends.py): that copy is taken once, so after the keys
    change (`forget`) the row is read again, never the copy from the request's start."""

    def look_up() -> PersonKeys | None:
        joined = user._state.fields_cache.pop("keys", _NOT_JOINED)
        if joined is not _NOT_JOINED:
            return joined  # type: ignore[no-any-return]
        return PersonKeys.objects.filter(user=user).first()

    return remembered(("privacy.person_keys", user.pk), look_up)


_NOT_JOINED = object()


def private_key(user: User, data_key: bytes) -> bytes:
    keys = _person_keys(user)
    if keys is None:
        raise PersonKeys.DoesNotExist
    return crypto.decrypt(bytes(keys.private_key_wrapped), data_key, _ctx("private-key", user.pk))


def public_key(user: User) -> bytes:
    return bytes(PersonKeys.objects.values_list("public_key", flat=True).get(user=user))


@transaction.atomic
def create_couple_key(couple: CoupleSpace, user: User) -> None:
    """A fresh couple key, sealed to its creator: made when a space is opened."""
    forget("privacy.couple_copies")
    key = crypto.new_key()
    CoupleKeyCopy.objects.create(
        couple=couple, user=user, sealed_key=crypto.seal(key, public_key(user))
    )


def couple_key_holders(couple_id: int) -> dict[int, bytes]:
    """Who holds a copy of the couple key, with their sealed copy: one query per request,
    for both "does the partner still need the key?" and opening one's own."""
    return remembered(
        ("privacy.couple_copies", couple_id),
        lambda: {
            user_id: bytes(sealed)
            for user_id, sealed in CoupleKeyCopy.objects.filter(couple_id=couple_id).values_list(
                "user_id", "sealed_key"
            )
        },
    )


def own_copy_alongside() -> Subquery:
    """For a query of memberships: each member's sealed copy of their couple's key (or
    None), so that the pair query brings the copies too (`holders_known`)."""
    return Subquery(
        CoupleKeyCopy.objects.filter(
            couple_id=OuterRef("couple_id"), user_id=OuterRef("user_id")
        ).values("sealed_key")[:1]
    )


def holders_known(couple_id: int, copies: dict[int, bytes | None]) -> None:
    """What `couple_key_holders` would read, from the copies that came with every member of
    the space (`own_copy_alongside`), for the rest of this request: one query fewer on
    every page. Only for a space nobody has left, whose members are all who ever held it."""
    remembered(
        ("privacy.couple_copies", couple_id),
        lambda: {user_id: bytes(sealed) for user_id, sealed in copies.items() if sealed},
    )


def open_couple_key(couple_id: int, user: User, private: bytes) -> bytes | None:
    sealed = couple_key_holders(couple_id).get(user.pk)
    if sealed is None:
        return None
    return crypto.unseal(sealed, private)


def grant_to_partner(couple_id: int, couple_key: bytes, partner: User) -> bool:
    """Seal the couple key for the partner's public key; needs nothing secret of theirs."""
    if CoupleKeyCopy.objects.filter(couple_id=couple_id, user=partner).exists():
        return False
    try:
        with transaction.atomic():
            CoupleKeyCopy.objects.create(
                couple_id=couple_id,
                user=partner,
                sealed_key=crypto.seal(couple_key, public_key(partner)),
            )
    except IntegrityError:  # the partner's other device, or our other tab, got there first
        return False
    finally:
        forget("privacy.couple_copies")
    return True


def members_missing_key(couple_id: int) -> list[User]:
    holders = CoupleKeyCopy.objects.filter(couple_id=couple_id).values("user_id")
    return [
        m.user
        for m in Membership.objects.current()
        .filter(couple_id=couple_id)
        .exclude(user_id__in=holders)
        .select_related("user")
    ]


def has_keys(user: User) -> bool:
    return PersonKeys.objects.filter(user=user).exists()


@transaction.atomic
def replace_person_keys(user: User, password: str) -> tuple[bytes, str]:
    """After a reset without the recovery code: old keys are gone for good. The couple key
    copies sealed to the old public key are dropped, so the partner re-grants them."""
    CoupleKeyCopy.objects.filter(user=user).delete()
    forget("privacy.couple_copies")
    forget("privacy.person_keys")
    old = PersonKeys.objects.filter(user=user).first()
    retired = bytes(old.retired_key_ids) + bytes(old.data_key_id) if old else b""
    return create_person_keys(user, password, retired=retired)


def retired_key_ids(user: User) -> set[bytes]:
    keys = _person_keys(user)
    return keys.retired() if keys else set()
