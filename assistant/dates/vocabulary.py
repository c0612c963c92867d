"""The words of time phrases (months, weekdays, counts) and the regex fragments built on them.

Month and weekday names are those of ``index.text``; the fragments name their groups
(``month``, ``day``, ``year``, ``weekday``, ``num``, ``unit``), which the readers below take.
"""

from __future__ import annotations

import re

from index.text import MONTH_PATTERN, MONTHS, WEEKDAYS

__all__ = [
    "DAY",
    "MONTH",
    "MONTHS",
    "NOT_A_WEEKDAY",
    "NUM",
    "NUMBERS",
    "RECENT",
    "UNIT",
    "WEEKDAY",
    "WEEKDAYS",
    "YEAR",
    "count",
    "month_from_name",
    "month_number",
]

NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple of": 2,
    "couple": 2,
    "few": 3,
    "several": 5,
}
"""Number words -> the count they stand for ("a couple of days", "few weeks")."""

NUM = rf"(?P<num>\d{{1,3}}|{'|'.join(NUMBERS)})"  # "couple of" before "couple": keep the order
UNIT = r"(?P<unit>hour|day|week|month|year)s?"
MONTH = rf"(?P<month>{MONTH_PATTERN})\.?"  # every name it matches is a key of MONTHS
DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
YEAR = r"(?P<year>(?:19|20)\d\d)(?![-–/]?\d)"
WEEKDAY = rf"(?P<weekday>{'|'.join(WEEKDAYS)})"
NOT_A_WEEKDAY = (
    r"(?<!cyber )(?<!black )(?<!good )(?<!super )(?<!ash )(?<!holy )(?<!easter )"
    r"(?<!palm )(?<!giving )(?<!blue )(?<!first )(?<!second )(?<!third )(?<!fourth )"
    r"(?<!fifth )(?<!every )(?<!each )"
)
"""Put before ``WEEKDAY``: named days that are not this week's weekday ("Black Friday")."""

RECENT = re.compile(
    r"\b(?:latest|most recent(?:ly)?|newest|recent(?:ly)?|lately|currently|right now|"
    r"these days|up[- ]to[- ]date|breaking)\b",
    re.IGNORECASE,
)
"""Words that ask for recent news without naming a period."""


def count(match: re.Match[str]) -> int:
    """The number of a ``NUM`` group ("three", "12"); one when the group did not match."""
    raw = (match.group("num") or "a").lower()
    return int(raw) if raw.isdigit() else NUMBERS[raw]


def month_from_name(token: str) -> int:
    """The month number of a ``MONTH`` group's text ("Sept." -> 9)."""
    return MONTHS[token.lower().rstrip(".")]


def month_number(match: re.Match[str]) -> int | None:
    """The month of a ``MONTH`` group, or None for a lower-case "may" without a year."""
    token = match.group("month")
    # "may" in lower case is usually the verb; only "May" names the month.
    if token == "may" and not (match.groupdict().get("year")):
        return None
    return month_from_name(token)
