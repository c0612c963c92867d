"""Explicit search filters (from the API, the CLI or the UI): a date range and outlets."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from index.errors import InvalidQuestion

__all__ = ["Filters", "aware", "parse_day", "resolve_outlets"]


@dataclass(frozen=True)
class Filters:
    """Only articles published in ``[since, until]`` (inclusive) by one of ``sources``.

    Empty fields do not filter. Naive datetimes are taken as UTC. ``sources`` are outlet names
    as the user typed them until :func:`resolve_outlets` maps them onto the index's spelling.
    """

    since: datetime | None = None
    until: datetime | None = None
    sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "since", aware(self.since))
        object.__setattr__(self, "until", aware(self.until))
        cleaned = tuple(dict.fromkeys(s.strip() for s in self.sources if s and s.strip()))
        object.__setattr__(self, "sources", cleaned)
        if self.since and self.until and self.since > self.until:
            raise InvalidQuestion(
                f"The date range is empty: since {self.since.date()} is after until "
                f"{self.until.date()}. Swap the dates or drop one of them."
            )

    @classmethod
    def parse(
        cls,
        since: str | date | None = None,
        until: str | date | None = None,
        sources: Iterable[str] = (),
    ) -> Filters:
        """Filters from user input: ISO dates or datetimes; a date-only ``until`` covers its day."""
        return cls(
            since=parse_day(since, "since"),
            until=parse_day(until, "until", end_of_day=True),
            sources=tuple(sources),
        )

    @property
    def is_empty(self) -> bool:
        """True when nothing is filtered."""
        return self.since is None and self.until is None and not self.sources


def parse_day(
    value: str | date | None, name: str = "date", *, end_of_day: bool = False
) -> datetime | None:
    """An aware datetime from ``YYYY-MM-DD`` or ISO 8601 text (or a date); None stays None.

    The one date parser of the CLI, the API and the web page. A date without a time is the
    start of its day, or with ``end_of_day`` its last instant; a naive time is UTC.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return aware(value)
    if isinstance(value, date):
        return datetime.combine(value, time.max if end_of_day else time.min, tzinfo=UTC)
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidQuestion(
            f"--{name} {value!r} is not a date: use YYYY-MM-DD, e.g. 2025-03-01."
        ) from None
    if end_of_day and len(text) <= 10:  # a day without a time: all of it
        parsed = datetime.combine(parsed.date(), time.max, tzinfo=parsed.tzinfo)
    return aware(parsed)


def resolve_outlets(filters: Filters, known: Sequence[str]) -> Filters:
    """``filters`` with each outlet spelled as in the index (case- and space-insensitive).

    Raises ``InvalidQuestion`` naming close matches when an outlet is not in the index.
    """
    if not filters.sources:
        return filters
    by_key = {_key(name): name for name in known if name}
    resolved: list[str] = []
    for wanted in filters.sources:
        match = by_key.get(_key(wanted))
        if match is None:
            raise InvalidQuestion(_unknown_outlet_message(wanted, list(by_key.values())))
        resolved.append(match)
    return replace(filters, sources=tuple(dict.fromkeys(resolved)))


def _unknown_outlet_message(wanted: str, known: list[str]) -> str:
    if not known:
        return f"No outlet named {wanted!r}: the index records no outlets."
    keys = {_key(name): name for name in known}
    close = difflib.get_close_matches(_key(wanted), list(keys), n=3, cutoff=0.6)
    close += [key for key in keys if _key(wanted) in key and key not in close][: 3 - len(close)]
    if close:
        suggestions = ", ".join(repr(keys[key]) for key in close)
        return f"No outlet named {wanted!r} in the index. Did you mean {suggestions}?"
    listed = ", ".join(sorted(known)[:10]) + (", ..." if len(known) > 10 else "")
    return f"No outlet named {wanted!r} in the index. Known outlets: {listed}."


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def aware(value: datetime | None) -> datetime | None:
    """``value`` with UTC attached when it is naive (None stays None)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
