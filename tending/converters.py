from datetime import date


class IsoDateConverter:
    """A calendar date in a URL, as YYYY-MM-DD."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        return date.fromisoformat(value)  # a bad date (2026-02-30) raises ValueError: no match

    def to_url(self, value: date) -> str:
        return value.isoformat()
