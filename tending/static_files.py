"""Static files as `./tend start` serves them: hashed names, gzip and brotli, cached a year."""

from __future__ import annotations

from whitenoise.middleware import WhiteNoiseMiddleware

ONE_YEAR = 365 * 24 * 60 * 60


class StaticFilesMiddleware(WhiteNoiseMiddleware):  # type: ignore[misc]
    """WhiteNoise, with hashed names (they never change) kept one year, `immutable`.

    Unhashed names (before the first collect, or in tests) keep WhiteNoise's short max-age."""

    FOREVER = ONE_YEAR
