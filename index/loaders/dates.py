"""Turn the dates sources state into timezone-aware datetimes, and never invent one.

A date without a zone is taken as UTC; a bare day (``2022-04-11``) is midnight UTC. A date
missing its year ("March 3") or a relative one ("yesterday") is not a date: ``None``.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

# Epoch numbers above this are milliseconds (this many seconds is the year 5138).
_MILLISECONDS_FROM = 100_000_000_000


def parse_date(value: object) -> datetime | None:
    """A timezone-aware datetime for a stated date (str, date, datetime, epoch), else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return as_utc_aware(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float):
        return _from_epoch(float(value))
    if isinstance(value, time.struct_time):
        return from_struct_time(value)
    if isinstance(value, str):
        return _parse_string(value.strip())
    return None


def as_utc_aware(moment: datetime) -> datetime:
    """``moment`` with UTC attached when it has no zone (an aware one is kept as is)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def from_struct_time(value: time.struct_time) -> datetime | None:
    """A UTC datetime from a struct_time in UTC (feedparser's ``*_parsed`` fields)."""
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _parse_string(text: str) -> datetime | None:
    if not text:
        return None
    try:
        return as_utc_aware(datetime.fromisoformat(text))
    except ValueError:
        pass
    try:
        return as_utc_aware(parsedate_to_datetime(text))  # RFC 2822, as in RSS
    except (TypeError, ValueError, IndexError):
        pass
    if text.isdigit():
        return _from_epoch(float(text))
    return _parse_free_text(text)


def _parse_free_text(text: str) -> datetime | None:
    import dateparser  # slow to import; only needed for unusual formats

    parsed = dateparser.parse(
        text,
        settings={
            "REQUIRE_PARTS": ["day", "month", "year"],  # "March 3" alone is not a date
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"],  # never "yesterday"
            "RETURN_AS_TIMEZONE_AWARE": True,
            "TIMEZONE": "UTC",
        },
    )
    return as_utc_aware(parsed) if parsed else None


def _from_epoch(seconds: float) -> datetime | None:
    if seconds > _MILLISECONDS_FROM:
        seconds /= 1000
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
