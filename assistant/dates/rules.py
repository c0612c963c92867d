"""The time phrases: one pattern and its resolver each, in ``RULES`` in the order written here.

The order matters: matches are taken earliest first, then longest, and a tie goes to the rule
registered first. A resolver turns its match into a period (first day, last day) against
``today``, or None when the match is not a time phrase after all ("may" the verb).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from assistant.dates.arithmetic import last_weekday, month_of, named_day, shift_month, week_of
from assistant.dates.vocabulary import (
    DAY,
    MONTH,
    NOT_A_WEEKDAY,
    NUM,
    UNIT,
    WEEKDAY,
    WEEKDAYS,
    YEAR,
    count,
    month_from_name,
    month_number,
)

__all__ = ["RULES"]

_Period = tuple[date, date] | None  # None: the match is not a time phrase after all
_NEAR_FUTURE_MONTHS = 1  # a month or day named without a year this close ahead is the coming one
_FUTURE = (date.max, date.max)  # a period after as_of: no range, but news should be recent
_Resolver = Callable[[re.Match[str], date], _Period]

RULES: list[tuple[re.Pattern[str], _Resolver]] = []
"""(pattern, resolver) in registration order."""


def _rule(*patterns: str) -> Callable[[_Resolver], _Resolver]:
    """Register ``resolve`` for each of ``patterns``, in the order given."""

    def register(resolve: _Resolver) -> _Resolver:
        RULES.extend((re.compile(rf"\b{p}\b", re.IGNORECASE), resolve) for p in patterns)
        return resolve

    return register


def _since(match: re.Match[str]) -> bool:
    return bool(match.group("prep")) and match.group("prep").lower().startswith(("since", "from"))


@_rule(r"(?:earlier |so far )?(?:today|tonight|this (?:morning|afternoon|evening))")
def _today(match: re.Match[str], today: date) -> _Period:
    return today, today


@_rule(r"(?:the )?day before yesterday")
def _day_before_yesterday(match: re.Match[str], today: date) -> _Period:
    day = today - timedelta(days=2)
    return day, day


@_rule(r"yesterday")
def _yesterday(match: re.Match[str], today: date) -> _Period:
    day = today - timedelta(days=1)
    return day, day


@_rule(r"last night")
def _last_night(match: re.Match[str], today: date) -> _Period:
    return today - timedelta(days=1), today


@_rule(r"(?:tomorrow|next (?:week|weekend|month|year)|later this (?:week|month|year))")
def _future(match: re.Match[str], today: date) -> _Period:
    return _FUTURE


@_rule(r"(?:this (?:past )?|last |over the |on the )weekend")
def _weekend(match: re.Match[str], today: date) -> _Period:
    text = match.group(0).lower()
    if today.weekday() >= 5:
        saturday = today - timedelta(days=today.weekday() - 5)
        if text.startswith("last"):
            saturday -= timedelta(days=7)
    elif text.startswith("this weekend") and today.weekday() >= 2:
        # Midweek, "this weekend" is the coming one: news about it is being published now.
        return week_of(today)[0], today
    else:
        saturday = last_weekday(today, 5, strictly_before=True)
    return saturday, saturday + timedelta(days=1)


@_rule(r"(?:earlier |so far )?(?:this|the current) (?P<unit>week|month|year)")
def _this_period(match: re.Match[str], today: date) -> _Period:
    unit = match.group("unit").lower()
    if unit == "week":
        return week_of(today)
    if unit == "month":
        return month_of(today.year, today.month)
    return date(today.year, 1, 1), date(today.year, 12, 31)


@_rule(r"(?:last|the previous) (?P<unit>week|month|year)")
def _last_period(match: re.Match[str], today: date) -> _Period:
    unit = match.group("unit").lower()
    if unit == "week":
        return week_of(today - timedelta(days=7))
    if unit == "month":
        first = shift_month(today.replace(day=1), 1)
        return month_of(first.year, first.month)
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


@_rule(
    rf"(?:(?:in|over|during|within|for|from) the (?:past|last|previous)|the past|past|"
    rf"last|previous) (?:{NUM} )?{UNIT}"
)
def _rolling(match: re.Match[str], today: date) -> _Period:
    words = match.group(0).lower().split()
    if match.group("num") is None and words[0] in {"last", "previous"}:
        return _last_period(match, today)  # "last week" is the calendar week; see _last_period
    n = count(match)
    unit = match.group("unit").lower()
    if unit == "hour":
        return today - timedelta(days=max(1, -(-n // 24))), today
    if unit == "day":
        return today - timedelta(days=n), today
    if unit == "week":
        return today - timedelta(weeks=n), today
    if unit == "month":
        return shift_month(today, n), today
    return date(today.year - n, today.month, min(today.day, 28)), today


@_rule(rf"{NUM} {UNIT} ago")
def _ago(match: re.Match[str], today: date) -> _Period:
    n = count(match)
    unit = match.group("unit").lower()
    if unit in {"hour", "day"}:
        day = today - timedelta(days=n // 24 if unit == "hour" else n)
        return day, day
    if unit == "week":
        return week_of(today - timedelta(weeks=n))
    if unit == "month":
        first = shift_month(today.replace(day=1), n)
        return month_of(first.year, first.month)
    return date(today.year - n, 1, 1), date(today.year - n, 12, 31)


@_rule(rf"(?P<prep>since|on|last|this past|this|from)? ?{NOT_A_WEEKDAY}{WEEKDAY}(?! of)")
def _weekday(match: re.Match[str], today: date) -> _Period:
    prep = (match.group("prep") or "").lower()
    weekday = WEEKDAYS.index(match.group("weekday").lower())
    day = last_weekday(today, weekday, strictly_before=prep in {"last", "this past"})
    # An event on a weekday is reported that day or after it: the range runs up to as_of.
    return day, today


@_rule(
    rf"(?:in (?=early|late|mid))?(?P<prep>in|during|since|from|throughout|of|for|early|late|mid)?"
    rf"[ -]?{MONTH},? {YEAR}"
)
def _month_year(match: re.Match[str], today: date) -> _Period:
    month = month_number(match)
    if month is None:
        return None
    first, last = _part_of_month(month_of(int(match.group("year")), month), match)
    return (first, today) if _since(match) else (first, last)


def _part_of_month(month: tuple[date, date], match: re.Match[str]) -> tuple[date, date]:
    """Early March is the 1st-10th, mid March the 11th-20th, late March the rest."""
    first, last = month
    prep = (match.group("prep") or "").lower()
    if prep == "early":
        return first, first.replace(day=10)
    if prep == "mid":
        return first.replace(day=11), first.replace(day=20)
    if prep == "late":
        return first.replace(day=21), last
    return first, last


_WEEK_OF = r"(?:in |during )?(?:the )?week (?P<how>of|beginning|starting|commencing) "


@_rule(
    rf"{_WEEK_OF}(?:the )?{DAY} (?:of )?{MONTH}(?:,? {YEAR})?",  # the week of 27 March
    rf"{_WEEK_OF}{MONTH} {DAY}(?:,? {YEAR})?",  # the week of March 27
)
def _week_named(match: re.Match[str], today: date) -> _Period:
    month = month_from_name(match.group("month"))
    day = named_day(int(match.group("day")), month, match.group("year"), today)
    if day is None:
        return None
    if match.group("how").lower() == "of":
        return week_of(day)  # "the week of 27 March": the Monday-Sunday week holding it
    return day, day + timedelta(days=6)  # "the week beginning 29 March": seven days from it


_BETWEEN_DAYS = (
    rf"between (?:the )?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?: {MONTH.replace('month', 'm1')})?"
    rf" and (?:the )?{DAY} (?:of )?{MONTH}(?:,? {YEAR})?"
)


@_rule(_BETWEEN_DAYS)
def _between(match: re.Match[str], today: date) -> _Period:
    month = month_from_name(match.group("month"))
    first_month = month_from_name(match.group("m1")) if match.group("m1") else month
    year = match.group("year")
    last = named_day(int(match.group("day")), month, year, today)
    if last is None:
        return None
    try:
        first = date(last.year, first_month, int(match.group("d1")))
    except ValueError:
        return None
    if first > last:
        first = first.replace(year=last.year - 1)
    return first, last


@_rule(
    rf"(?:in (?=early|late|mid))?(?P<prep>in|during|since|from|throughout|early|late|mid|"
    rf"earlier in)[ -]{MONTH}(?! \d)"
)
def _month_only(match: re.Match[str], today: date) -> _Period:
    month = month_from_name(match.group("month"))
    if 0 < (month - today.month) % 12 <= _NEAR_FUTURE_MONTHS:
        return _FUTURE  # "in November", asked in October, is the coming November
    year = today.year if month <= today.month else today.year - 1
    first, last = _part_of_month(month_of(year, month), match)
    return (first, today) if _since(match) else (first, last)


@_rule(
    rf"(?P<prep>on|since|from|as of)? ?{MONTH} {DAY}(?:,? {YEAR})?(?!,? ?\d)",  # March 3
    rf"(?P<prep>on|since|from|as of)? ?(?:the )?{DAY} (?:of )?{MONTH}(?:,? {YEAR})?(?!,? ?\d)",
)
def _exact_day(match: re.Match[str], today: date) -> _Period:
    month = month_number(match)
    if month is None and not match.group("prep"):
        return None
    month = month or 5
    day_number = int(match.group("day"))
    year = int(match.group("year")) if match.group("year") else today.year
    try:
        day = date(year, month, day_number)
        if not match.group("year") and day > today:
            if day <= shift_month(today, -_NEAR_FUTURE_MONTHS):
                return _FUTURE  # "on July 4", asked on July 2, is the coming one
            day = date(year - 1, month, day_number)
    except ValueError:
        return None
    return (day, today) if _since(match) else (day, day)


@_rule(r"(?P<prep>on|since|from|as of)? ?(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)")
def _iso_day(match: re.Match[str], today: date) -> _Period:
    try:
        day = date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
    except ValueError:
        return None
    return (day, today) if _since(match) else (day, day)


@_rule(
    rf"(?P<prep>in|during|since|from|throughout|so far in|earlier in|all of|in early|"
    rf"in late|in mid)[ -]{YEAR}"
)
def _year(match: re.Match[str], today: date) -> _Period:
    year = int(match.group("year"))
    if year > today.year:
        return _FUTURE
    if _since(match):
        return date(year, 1, 1), today
    return date(year, 1, 1), date(year, 12, 31)
