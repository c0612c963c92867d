"""Calendar arithmetic: Monday-Sunday weeks, whole months, month shifts and named days."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

__all__ = ["last_weekday", "month_of", "named_day", "shift_month", "week_of"]


def week_of(day: date) -> tuple[date, date]:
    """The Monday-Sunday week that holds ``day``."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def month_of(year: int, month: int) -> tuple[date, date]:
    """The first and last day of the month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def shift_month(day: date, months: int) -> date:
    """``day`` moved ``months`` months back (forward when negative), clipped to the month's end."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def last_weekday(today: date, weekday: int, *, strictly_before: bool) -> date:
    """The latest ``weekday`` (Monday = 0) up to ``today``, or before it if ``strictly_before``."""
    back = (today.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return today - timedelta(days=back)


def named_day(day_number: int, month: int, year: str | None, today: date) -> date | None:
    """The day named; without a year the latest such day up to ``today``."""
    try:
        day = date(int(year) if year else today.year, month, day_number)
        if not year and day > today:
            day = date(today.year - 1, month, day_number)
    except ValueError:
        return None
    return day
