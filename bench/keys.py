"""Measures what the privacy core costs, at the production parameters.

    ./tend manage shell -c "import bench.keys; bench.keys.main()"
or  .venv/bin/python -m bench.keys

Prints the median of several runs for: the password hash check at sign-in
(Django's Argon2), unwrapping the data key (Argon2id KDF + AEAD), and encrypting
and decrypting one entry field.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import django


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tending.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import check_password, make_password

    from privacy import crypto

    password = "a long passphrase for the benchmark"
    encoded = make_password(password)
    params = crypto.KdfParams(settings.KEY_KDF_OPS, settings.KEY_KDF_MEM)
    salt = crypto.new_salt()
    data_key = crypto.new_key()
    wrapped = crypto.encrypt(data_key, crypto.derive_key(password, salt, params), b"bench")
    text = ("A few honest words about today. " * 16)[:500]
    blob = crypto.encrypt(text.encode(), data_key, b"bench:field")

    def unwrap() -> bytes:
        return crypto.decrypt(wrapped, crypto.derive_key(password, salt, params), b"bench")

    hash_ms = _median_ms(lambda: check_password(password, encoded), 7)
    kdf_ms = _median_ms(unwrap, 7)
    enc_us = (
        _median_ms(lambda: crypto.encrypt(text.encode(), data_key, b"bench:field"), 2000) * 1000
    )
    dec_us = _median_ms(lambda: crypto.decrypt(blob, data_key, b"bench:field"), 2000) * 1000
    print(f"Argon2 password check (Django hasher)        {hash_ms:8.1f} ms")
    kdf = f"ops={params.ops}, mem={params.mem // 2**20} MiB"
    print(f"Data key unwrap (Argon2id {kdf})     {kdf_ms:8.1f} ms")
    print(f"Sign-in total, crypto part                    {hash_ms + kdf_ms:8.1f} ms")
    print(f"Encrypt one 500-character field               {enc_us:8.1f} µs")
    print(f"Decrypt one 500-character field               {dec_us:8.1f} µs")


if __name__ == "__main__":
    main()
