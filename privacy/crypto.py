"""The few cryptographic operations Tending needs, all from PyNaCl (libsodium).

Nothing here is composed by hand: Argon2id derives keys from secrets people know,
XChaCha20-Poly1305 (an AEAD) encrypts with associated data that binds each
ciphertext to its row and field, and SealedBox hands a key to a public key.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import nacl.exceptions
import nacl.utils
from nacl import bindings
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.pwhash import argon2id

KEY_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES
NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
FINGERPRINT_BYTES = 8
FORMAT_VERSION = 1
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32
RECOVERY_GROUPS = 6  # 6 groups of 4 characters: 120 random bits


class DecryptionFailed(Exception):
    """Wrong key, tampered data, or a ciphertext moved to another row or field."""


class KeyGone(DecryptionFailed):
    """The ciphertext was made with a key that no longer exists (e.g. after a reset)."""


@dataclass(frozen=True)
class KdfParams:
    ops: int
    mem: int

    @classmethod
    def interactive(cls) -> KdfParams:
        return cls(argon2id.OPSLIMIT_INTERACTIVE, argon2id.MEMLIMIT_INTERACTIVE)

    @classmethod
    def minimum(cls) -> KdfParams:
        return cls(argon2id.OPSLIMIT_MIN, argon2id.MEMLIMIT_MIN)


def new_key() -> bytes:
    return nacl.utils.random(KEY_BYTES)


def new_salt() -> bytes:
    return nacl.utils.random(argon2id.SALTBYTES)


def derive_key(secret: str, salt: bytes, params: KdfParams) -> bytes:
    return bytes(
        argon2id.kdf(
            KEY_BYTES, secret.encode("utf-8"), salt, opslimit=params.ops, memlimit=params.mem
        )
    )


def fingerprint(key: bytes) -> bytes:
    """A short, non-secret name for a key, so a gone key is told apart from tampering."""
    return hashlib.blake2b(key, digest_size=FINGERPRINT_BYTES, person=b"tending-keyid").digest()


def key_id_of(blob: bytes) -> bytes:
    """The fingerprint of the key a ciphertext was made under (not secret)."""
    return bytes(blob)[1 : 1 + FINGERPRINT_BYTES]


def encrypt(plaintext: bytes, key: bytes, context: bytes) -> bytes:
    """version | key fingerprint | nonce | AEAD(plaintext, aad = context)."""
    nonce = nacl.utils.random(NONCE_BYTES)
    header = bytes([FORMAT_VERSION]) + fingerprint(key)
    sealed = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, header + context, nonce, key
    )
    return header + nonce + sealed


def decrypt(blob: bytes, key: bytes, context: bytes) -> bytes:
    blob = bytes(blob)
    head = 1 + FINGERPRINT_BYTES
    if len(blob) < head + NONCE_BYTES or blob[0] != FORMAT_VERSION:
        raise DecryptionFailed("Not a Tending ciphertext.")
    header, nonce, sealed = blob[:head], blob[head : head + NONCE_BYTES], blob[head + NONCE_BYTES :]
    if header[1:] != fingerprint(key):
        raise KeyGone("This was encrypted under a key that is not this one.")
    try:
        return bytes(
            bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                sealed, header + context, nonce, key
            )
        )
    except nacl.exceptions.CryptoError:
        raise DecryptionFailed("Ciphertext does not belong here or was changed.") from None


def new_keypair() -> tuple[bytes, bytes]:
    private = PrivateKey.generate()
    return bytes(private.public_key), bytes(private)


def seal(message: bytes, public_key: bytes) -> bytes:
    return bytes(SealedBox(PublicKey(public_key)).encrypt(message))


def unseal(blob: bytes, private_key: bytes) -> bytes:
    try:
        return bytes(SealedBox(PrivateKey(private_key)).decrypt(bytes(blob)))
    except nacl.exceptions.CryptoError:
        raise DecryptionFailed("Sealed key does not open with this private key.") from None


def new_recovery_code() -> str:
    groups = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4)) for _ in range(RECOVERY_GROUPS)
    ]
    return "-".join(groups)


def normalize_recovery_code(raw: str) -> str:
    cleaned = "".join(ch for ch in raw.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans("OILU", "011V"))
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))
