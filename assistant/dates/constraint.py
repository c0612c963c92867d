"""The first time phrase of a question, resolved against ``as_of``, as a ``TimeConstraint``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from assistant.dates.rules import RULES
from assistant.dates.vocabulary import RECENT

__all__ = ["CURRENT_DAYS", "TimeConstraint", "parse_time_constraints"]

CURRENT_DAYS = 31
"""A period that ends at most this many days before ``as_of`` is the present's news ("this
week", "on Monday", "this month"); "in 1986" or "in March 2017" is history."""


@dataclass(frozen=True)
class TimeConstraint:
    """A publication range implied by a question; both bounds inclusive, either may be None."""

    since: datetime | None = None
    until: datetime | None = None
    prefers_recent: bool = False
    matched_text: str = ""
    current: bool = False  # the period ends within CURRENT_DAYS of as_of ("this week", "Monday")

    @property
    def has_range(self) -> bool:
        """True when the question names a period (not only a wish for recent news)."""
        return self.since is not None or self.until is not None


def parse_time_constraints(question: str, as_of: datetime) -> TimeConstraint:
    """Find the first time expression in ``question`` and resolve it against ``as_of``.

    A naive ``as_of`` is taken as UTC. Returns an empty constraint when nothing matches.
    """
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)
    today = as_of.date()
    recent = bool(RECENT.search(question))

    # Earliest first, then longest; a tie goes to the earlier rule (the sort is stable).
    matches = sorted(
        ((match, resolve) for pattern, resolve in RULES for match in pattern.finditer(question)),
        key=lambda item: (item[0].start(), item[0].start() - item[0].end()),
    )
    for match, resolve in matches:
        period = resolve(match, today)
        if period is not None:
            break
    else:
        return TimeConstraint(prefers_recent=recent)

    text = match.group(0).strip()
    first, last = period
    if first > today:
        return TimeConstraint(prefers_recent=True, matched_text=text)
    tz = as_of.tzinfo
    return TimeConstraint(
        since=datetime.combine(first, time.min, tzinfo=tz),
        until=datetime.combine(last, time.max, tzinfo=tz),
        prefers_recent=recent or last >= today - timedelta(days=1),
        matched_text=text,
        current=last >= today - timedelta(days=CURRENT_DAYS),
    )
