"""Django's password rules, unchanged, said in Tending's words.

The checks themselves are Django's; only what a person reads differs: one short line of
help (on every form with a new password) and a plain reason when a password won't do.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation as stock
from django.core.exceptions import ValidationError

HELP = "At least 10 characters. A phrase of a few words works well."


def _reword(check: Any, message: str, code: str, password: str, user: Any = None) -> None:
    try:
        check(password, user)
    except ValidationError as refused:
        raise ValidationError(message, code=code) from refused


class SimilarityValidator(stock.UserAttributeSimilarityValidator):
    def validate(self, password: str, user: Any = None) -> None:
        _reword(
            super().validate,
            "This is too close to your name or email. Please choose something further from them.",
            "password_too_similar",
            password,
            user,
        )

    def get_help_text(self) -> str:
        return ""


class LengthValidator(stock.MinimumLengthValidator):
    def validate(self, password: str, user: Any = None) -> None:
        _reword(
            super().validate,
            f"Please use at least {self.min_length} characters; a few words together work well.",
            "password_too_short",
            password,
            user,
        )

    def get_help_text(self) -> str:
        return HELP


class CommonValidator(stock.CommonPasswordValidator):
    def validate(self, password: str, user: Any = None) -> None:
        _reword(
            super().validate,
            "Many people use this password, so it's easy to guess. Please choose another.",
            "password_too_common",
            password,
            user,
        )

    def get_help_text(self) -> str:
        return ""


class NumericValidator(stock.NumericPasswordValidator):
    def validate(self, password: str, user: Any = None) -> None:
        _reword(
            super().validate,
            "Numbers alone are easy to guess. Please add some words.",
            "password_entirely_numeric",
            password,
            user,
        )

    def get_help_text(self) -> str:
        return ""
