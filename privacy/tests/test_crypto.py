"""The few cryptographic operations in privacy/crypto.py, and the key wrapping built on them.

Each test names the mutation it is there to catch.
"""

from __future__ import annotations

import re

import pytest

from conftest import PASSWORD, make_user
from privacy import crypto, keys
from privacy.crypto import DecryptionFailed, KdfParams, KeyGone
from privacy.models import PersonKeys

CONTEXT = b"tending:field:notes.Note:1234:body:author"
TEXT = "words only the author should read, with ümlauts and 😌".encode()
FAST = KdfParams.minimum()


def test_encrypt_then_decrypt_gives_the_text_back() -> None:
    key = crypto.new_key()
    blob = crypto.encrypt(TEXT, key, CONTEXT)
    assert crypto.decrypt(blob, key, CONTEXT) == TEXT
    # psycopg hands back bytea as a memoryview
    assert crypto.decrypt(memoryview(blob), key, CONTEXT) == TEXT  # type: ignore[arg-type]
    # Catches: encryption left out, or a fixed nonce.
    assert TEXT not in blob and b"author should read" not in blob
    assert crypto.encrypt(TEXT, key, CONTEXT) != blob
    assert len(key) == crypto.KEY_BYTES == 32


def test_empty_text_round_trips() -> None:
    key = crypto.new_key()
    assert crypto.decrypt(crypto.encrypt(b"", key, CONTEXT), key, CONTEXT) == b""


def test_a_different_key_is_reported_as_a_key_that_is_gone() -> None:
    blob = crypto.encrypt(TEXT, crypto.new_key(), CONTEXT)
    with pytest.raises(KeyGone):
        crypto.decrypt(blob, crypto.new_key(), CONTEXT)


def test_the_same_key_in_another_context_fails_loudly_not_as_a_gone_key() -> None:
    """A ciphertext moved to another row or field: tampering, never a quiet 'key reset'."""
    key = crypto.new_key()
    blob = crypto.encrypt(TEXT, key, CONTEXT)
    for other in (
        b"tending:field:notes.Note:1235:body:author",  # another row
        b"tending:field:notes.Note:1234:title:author",  # another field
        b"tending:field:notes.Note:1234:body:couple",  # another scope
        b"",
    ):
        with pytest.raises(DecryptionFailed) as raised:
            crypto.decrypt(blob, key, other)
        assert type(raised.value) is DecryptionFailed, "context mismatch must not look like KeyGone"


def test_every_flipped_byte_is_noticed() -> None:
    key = crypto.new_key()
    blob = crypto.encrypt(TEXT, key, CONTEXT)
    for position in range(len(blob)):
        changed = bytearray(blob)
        changed[position] ^= 0x01
        with pytest.raises(DecryptionFailed):
            crypto.decrypt(bytes(changed), key, CONTEXT)
    # Past the key's fingerprint, a change is tampering, never a "gone key".
    body_start = 1 + crypto.FINGERPRINT_BYTES
    for position in range(body_start, len(blob)):
        changed = bytearray(blob)
        changed[position] ^= 0x80
        with pytest.raises(DecryptionFailed) as raised:
            crypto.decrypt(bytes(changed), key, CONTEXT)
        assert type(raised.value) is DecryptionFailed


def test_truncated_or_foreign_blobs_are_refused() -> None:
    key = crypto.new_key()
    blob = crypto.encrypt(TEXT, key, CONTEXT)
    for bad in (b"", blob[:10], blob[:-1], TEXT, b"\x02" + blob[1:]):
        with pytest.raises(DecryptionFailed):
            crypto.decrypt(bad, key, CONTEXT)


def test_fingerprint_names_a_key_without_revealing_it() -> None:
    key = crypto.new_key()
    blob = crypto.encrypt(TEXT, key, CONTEXT)
    assert blob[1 : 1 + crypto.FINGERPRINT_BYTES] == crypto.fingerprint(key)
    assert crypto.fingerprint(key) != crypto.fingerprint(crypto.new_key())
    assert key not in blob and key[:16] not in blob


def test_derived_keys_depend_on_secret_salt_and_parameters() -> None:
    salt = crypto.new_salt()
    one = crypto.derive_key("correct horse", salt, FAST)
    assert one == crypto.derive_key("correct horse", salt, FAST)
    assert len(one) == crypto.KEY_BYTES
    assert one != crypto.derive_key("correct horsf", salt, FAST)
    assert one != crypto.derive_key("correct horse", crypto.new_salt(), FAST)
    assert one != crypto.derive_key("correct horse", salt, KdfParams(FAST.ops + 1, FAST.mem))
    assert crypto.new_salt() != salt


def test_recovery_codes_look_as_promised() -> None:
    codes = {crypto.new_recovery_code() for _ in range(50)}
    assert len(codes) == 50
    pattern = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}$")
    for code in codes:
        assert pattern.match(code), code
        assert crypto.normalize_recovery_code(code) == code


def test_recovery_code_normalisation_forgives_how_people_type() -> None:
    code = "0A1B-C2D3-EF45-6GH7-JK8M-9NPV"
    assert crypto.normalize_recovery_code(code) == code
    for typed in (
        "0a1b-c2d3-ef45-6gh7-jk8m-9npv",
        "0A1B C2D3 EF45 6GH7 JK8M 9NPV",
        "0a1bc2d3ef456gh7jk8m9npv",
        " oA1b\u2013c2d3_ef45.6gh7 jk8m 9npu ",  # O for 0, U for V, odd separators
        "0Alb-c2d3-ef45-6gh7-jk8m-9npv",  # l for 1
        "0AIB-C2D3-EF45-6GH7-JK8M-9NPV",  # I for 1
    ):
        assert crypto.normalize_recovery_code(typed) == code, typed
    assert crypto.normalize_recovery_code("0A1B-C2D3") != code


def test_recovery_code_typed_loosely_still_opens_the_data_key(db: None) -> None:
    user = make_user("Rosa")
    data_key, code = keys.create_person_keys(user, PASSWORD)
    loose = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert keys.unlock_with_recovery_code(user, loose) == data_key
    assert keys.unlock_with_password(user, PASSWORD) == data_key
    with pytest.raises(DecryptionFailed):
        keys.unlock_with_recovery_code(user, crypto.new_recovery_code())
    with pytest.raises(DecryptionFailed):
        keys.unlock_with_password(user, PASSWORD + "!")


def test_stored_key_material_never_holds_a_key_in_the_clear(db: None) -> None:
    user = make_user("Sam")
    data_key, code = keys.create_person_keys(user, PASSWORD)
    stored = PersonKeys.objects.get(user=user)
    private = keys.private_key(user, data_key)
    blobs = b"".join(
        bytes(getattr(stored, name))
        for name in (
            "public_key",
            "private_key_wrapped",
            "data_key_by_password",
            "password_salt",
            "data_key_by_recovery",
            "recovery_salt",
        )
    )
    for secret in (data_key, private, code.encode(), PASSWORD.encode()):
        assert secret not in blobs
        assert secret[:16] not in blobs


def test_seal_opens_only_with_the_matching_private_key() -> None:
    public, private = crypto.new_keypair()
    message = crypto.new_key()
    sealed = crypto.seal(message, public)
    assert crypto.unseal(sealed, private) == message
    assert crypto.unseal(memoryview(sealed), private) == message  # type: ignore[arg-type]
    assert message not in sealed
    assert crypto.seal(message, public) != sealed  # ephemeral sender key each time
    _, other_private = crypto.new_keypair()
    with pytest.raises(DecryptionFailed):
        crypto.unseal(sealed, other_private)
    for position in (0, len(sealed) // 2, len(sealed) - 1):
        changed = bytearray(sealed)
        changed[position] ^= 0x01
        with pytest.raises(DecryptionFailed):
            crypto.unseal(bytes(changed), private)
