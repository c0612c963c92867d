"""Time words in a question ("last week", "in March 2025", "since Monday") as a date range.

A small explicit grammar, resolved against a reference datetime ``as_of`` (today, or the
question's date in evaluation). Weeks start on Monday; day boundaries are those of ``as_of``'s
timezone. Only phrases that clearly point at a time match: "March Madness", "may" the verb and
"the 2024 election" do not. Periods that lie wholly after ``as_of`` ("in 2030", "next week") are
not publication ranges, so they only mark the question as wanting recent news. Explicit periods
are phrases too: "the week of 27 March 2017", "between 1 and 7 March", "in late March".
(The module is over 400 lines: one grammar, a rule and its resolver each; split across modules,
the order of the rules would be lost.)
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

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
    recent = bool(_RECENT.search(question))

    matches = sorted(
        ((match, resolve) for pattern, resolve in _RULES for match in pattern.finditer(question)),
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


# --- the grammar -------------------------------------------------------------------------

_Period = tuple[date, date] | None  # None: the match is not a time phrase after all
_NEAR_FUTURE_MONTHS = 1  # a month or day named without a year this close ahead is the coming one
_FUTURE = (date.max, date.max)  # a period after as_of: no range, but news should be recent
_Resolver = Callable[[re.Match[str], date], _Period]

_MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUMBERS = {
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
_NUM = (
    r"(?P<num>\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|couple of|couple|few|several)"
)
_UNIT = r"(?P<unit>hour|day|week|month|year)s?"
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|"
    r"aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?![-–/]?\d)"
_WEEKDAY = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# Named days that are not a reference to this week's weekday.
_NOT_A_WEEKDAY = (
    r"(?<!cyber )(?<!black )(?<!good )(?<!super )(?<!ash )(?<!holy )(?<!easter )"
    r"(?<!palm )(?<!giving )(?<!blue )(?<!first )(?<!second )(?<!third )(?<!fourth )"
    r"(?<!fifth )(?<!every )(?<!each )"
)

_RECENT = re.compile(
    r"\b(?:latest|most recent(?:ly)?|newest|recent(?:ly)?|lately|currently|right now|"
    r"these days|up[- ]to[- ]date|breaking)\b",
    re.IGNORECASE,
)


def _rule(pattern: str) -> Callable[[_Resolver], _Resolver]:
    def register(resolve: _Resolver) -> _Resolver:
        _RULES.append((re.compile(rf"\b{pattern}\b", re.IGNORECASE), resolve))
        return resolve

    return register


_RULES: list[tuple[re.Pattern[str], _Resolver]] = []


def _week_of(day: date) -> tuple[date, date]:
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def _month_of(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _count(match: re.Match[str]) -> int:
    raw = (match.group("num") or "a").lower()
    return int(raw) if raw.isdigit() else _NUMBERS[raw]


def _last_weekday(today: date, weekday: int, *, strictly_before: bool) -> date:
    back = (today.weekday() - weekday) % 7
    if back == 0 and strictly_before:
        back = 7
    return today - timedelta(days=back)


def _month_number(match: re.Match[str]) -> int | None:
    token = match.group("month")
    # "may" in lower case is usually the verb; only "May" names the month.
    if token == "may" and not (match.groupdict().get("year")):
        return None
    return _MONTHS[token.lower().rstrip(".")]


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
        return _week_of(today)[0], today
    else:
        saturday = _last_weekday(today, 5, strictly_before=True)
    return saturday, saturday + timedelta(days=1)


@_rule(r"(?:earlier |so far )?(?:this|the current) (?P<unit>week|month|year)")
def _this_period(match: re.Match[str], today: date) -> _Period:
    unit = match.group("unit").lower()
    if unit == "week":
        return _week_of(today)
    if unit == "month":
        return _month_of(today.year, today.month)
    return date(today.year, 1, 1), date(today.year, 12, 31)


@_rule(r"(?:last|the previous) (?P<unit>week|month|year)")
def _last_period(match: re.Match[str], today: date) -> _Period:
    unit = match.group("unit").lower()
    if unit == "week":
        return _week_of(today - timedelta(days=7))
    if unit == "month":
        first = _shift_month(today.replace(day=1), 1)
        return _month_of(first.year, first.month)
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


@_rule(
    rf"(?:(?:in|over|during|within|for|from) the (?:past|last|previous)|the past|past|"
    rf"last|previous) (?:{_NUM} )?{_UNIT}"
)
def _rolling(match: re.Match[str], today: date) -> _Period:
    words = match.group(0).lower().split()
    if match.group("num") is None and words[0] in {"last", "previous"}:
        return _last_period(match, today)  # "last week" is the calendar week; see _last_period
    n = _count(match)
    unit = match.group("unit").lower()
    if unit == "hour":
        return today - timedelta(days=max(1, -(-n // 24))), today
    if unit == "day":
        return today - timedelta(days=n), today
    if unit == "week":
        return today - timedelta(weeks=n), today
    if unit == "month":
        return _shift_month(today, n), today
    return date(today.year - n, today.month, min(today.day, 28)), today


@_rule(rf"{_NUM} {_UNIT} ago")
def _ago(match: re.Match[str], today: date) -> _Period:
    n = _count(match)
    unit = match.group("unit").lower()
    if unit in {"hour", "day"}:
        day = today - timedelta(days=n // 24 if unit == "hour" else n)
        return day, day
    if unit == "week":
        return _week_of(today - timedelta(weeks=n))
    if unit == "month":
        first = _shift_month(today.replace(day=1), n)
        return _month_of(first.year, first.month)
    return date(today.year - n, 1, 1), date(today.year - n, 12, 31)


@_rule(rf"(?P<prep>since|on|last|this past|this|from)? ?{_NOT_A_WEEKDAY}{_WEEKDAY}(?! of)")
def _weekday(match: re.Match[str], today: date) -> _Period:
    prep = (match.group("prep") or "").lower()
    weekday = _WEEKDAYS.index(match.group("weekday").lower())
    day = _last_weekday(today, weekday, strictly_before=prep in {"last", "this past"})
    # An event on a weekday is reported that day or after it: the range runs up to as_of.
    return day, today


@_rule(
    rf"(?:in (?=early|late|mid))?(?P<prep>in|during|since|from|throughout|of|for|early|late|mid)?"
    rf"[ -]?{_MONTH},? {_YEAR}"
)
def _month_year(match: re.Match[str], today: date) -> _Period:
    month = _month_number(match)
    if month is None:
        return None
    first, last = _part_of_month(_month_of(int(match.group("year")), month), match)
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


def _named_day(day_number: int, month: int, year: str | None, today: date) -> date | None:
    """The day named; without a year the latest such day up to ``today``."""
    try:
        day = date(int(year) if year else today.year, month, day_number)
        if not year and day > today:
            day = date(today.year - 1, month, day_number)
    except ValueError:
        return None
    return day


_WEEK_OF = r"(?:in |during )?(?:the )?week (?P<how>of|beginning|starting|commencing) "


@_rule(rf"{_WEEK_OF}(?:the )?{_DAY} (?:of )?{_MONTH}(?:,? {_YEAR})?")
def _week_of_day_month(match: re.Match[str], today: date) -> _Period:
    return _week_named(match, today)


@_rule(rf"{_WEEK_OF}{_MONTH} {_DAY}(?:,? {_YEAR})?")
def _week_of_month_day(match: re.Match[str], today: date) -> _Period:
    return _week_named(match, today)


def _week_named(match: re.Match[str], today: date) -> _Period:
    month = _MONTHS[match.group("month").lower().rstrip(".")]
    day = _named_day(int(match.group("day")), month, match.group("year"), today)
    if day is None:
        return None
    if match.group("how").lower() == "of":
        return _week_of(day)  # "the week of 27 March": the Monday-Sunday week holding it
    return day, day + timedelta(days=6)  # "the week beginning 29 March": seven days from it


_BETWEEN_DAYS = (
    rf"between (?:the )?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?: {_MONTH.replace('month', 'm1')})?"
    rf" and (?:the )?{_DAY} (?:of )?{_MONTH}(?:,? {_YEAR})?"
)


@_rule(_BETWEEN_DAYS)
def _between(match: re.Match[str], today: date) -> _Period:
    month = _MONTHS[match.group("month").lower().rstrip(".")]
    first_month = _MONTHS[match.group("m1").lower().rstrip(".")] if match.group("m1") else month
    year = match.group("year")
    last = _named_day(int(match.group("day")), month, year, today)
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
    rf"earlier in)[ -]{_MONTH}(?! \d)"
)
def _month_only(match: re.Match[str], today: date) -> _Period:
    month = _MONTHS[match.group("month").lower().rstrip(".")]
    if 0 < (month - today.month) % 12 <= _NEAR_FUTURE_MONTHS:
        return _FUTURE  # "in November", asked in October, is the coming November
    year = today.year if month <= today.month else today.year - 1
    first, last = _part_of_month(_month_of(year, month), match)
    return (first, today) if _since(match) else (first, last)


@_rule(rf"(?P<prep>on|since|from|as of)? ?{_MONTH} {_DAY}(?:,? {_YEAR})?(?!,? ?\d)")
def _month_day(match: re.Match[str], today: date) -> _Period:
    return _exact_day(match, today)


@_rule(
    rf"(?P<prep>on|since|from|as of)? ?(?:the )?{_DAY} (?:of )?{_MONTH}(?:,? {_YEAR})?(?!,? ?\d)"
)
def _day_month(match: re.Match[str], today: date) -> _Period:
    return _exact_day(match, today)


def _exact_day(match: re.Match[str], today: date) -> _Period:
    month = _month_number(match)
    if month is None and not match.group("prep"):
        return None
    month = month or 5
    day_number = int(match.group("day"))
    year = int(match.group("year")) if match.group("year") else today.year
    try:
        day = date(year, month, day_number)
        if not match.group("year") and day > today:
            if day <= _shift_month(today, -_NEAR_FUTURE_MONTHS):
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
    rf"in late|in mid)[ -]{_YEAR}"
)
def _year(match: re.Match[str], today: date) -> _Period:
    year = int(match.group("year"))
    if year > today.year:
        return _FUTURE
    if _since(match):
        return date(year, 1, 1), today
    return date(year, 1, 1), date(year, 12, 31)
