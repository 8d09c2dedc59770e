"""Helpers used only by the test suite."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Real Argon2, at the lowest cost, so tests exercise the same code quickly."""

    time_cost = 1
    memory_cost = 8
    parallelism = 1
