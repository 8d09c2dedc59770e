"""Key material. Every key here is wrapped or sealed: none is usable from the database alone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from privacy import crypto


class PersonKeys(models.Model):
    """A person's data key (wrapped twice) and key pair (private half wrapped by the data key)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="keys"
    )
    public_key = models.BinaryField()
    private_key_wrapped = models.BinaryField()
    data_key_by_password = models.BinaryField()
    password_salt = models.BinaryField()
    password_kdf_ops = models.PositiveIntegerField()
    password_kdf_mem = models.PositiveBigIntegerField()
    data_key_by_recovery = models.BinaryField()
    recovery_salt = models.BinaryField()
    recovery_kdf_ops = models.PositiveIntegerField()
    recovery_kdf_mem = models.PositiveBigIntegerField()
    # Fingerprints (not secrets) of the current data key and of keys lost to a reset without
    # the recovery code: a ciphertext under a retired key is "can't be opened", any other
    # mismatch is tampering.
    data_key_id = models.BinaryField(default=b"")
    retired_key_ids = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Keys of user {self.user_id}"

    def retired(self) -> set[bytes]:
        raw, size = bytes(self.retired_key_ids), crypto.FINGERPRINT_BYTES
        return {raw[i : i + size] for i in range(0, len(raw), size)}


class CoupleKeyCopy(models.Model):
    """The couple key, sealed to one member's public key."""

    couple = models.ForeignKey(
        "couples.CoupleSpace", on_delete=models.CASCADE, related_name="key_copies"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="couple_key_copies"
    )
    sealed_key = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["couple", "user"], name="one_key_copy_per_member")
        ]

    def __str__(self) -> str:
        return f"Couple key of {self.couple_id} for {self.user_id}"


# Entry kinds of the core itself, defined beside the code that uses them; imported here so
# that Django registers them with this app (and last, as they build on the key models).
from privacy.digests import Digest  # noqa: E402

__all__ = ["CoupleKeyCopy", "Digest", "PersonKeys"]
