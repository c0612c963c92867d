"""Time words in questions, resolved against a fixed reference date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from assistant.dates import TimeConstraint, parse_time_constraints

WEDNESDAY = datetime(2025, 3, 12, 15, 30, tzinfo=UTC)  # weeks start Monday 2025-03-10
SATURDAY = datetime(2025, 3, 15, 9, 0, tzinfo=UTC)
D = date

# question, expected (since, until) as dates (inclusive), or None for "no range"
CASES_WEDNESDAY: list[tuple[str, tuple[date, date] | None]] = [
    ("What happened today in Brussels?", (D(2025, 3, 12), D(2025, 3, 12))),
    ("What did the minister say this morning?", (D(2025, 3, 12), D(2025, 3, 12))),
    ("Who resigned yesterday?", (D(2025, 3, 11), D(2025, 3, 11))),
    ("What happened the day before yesterday?", (D(2025, 3, 10), D(2025, 3, 10))),
    ("What was agreed last night?", (D(2025, 3, 11), D(2025, 3, 12))),
    ("What happened this week?", (D(2025, 3, 10), D(2025, 3, 16))),
    ("Which deals were signed earlier this week?", (D(2025, 3, 10), D(2025, 3, 16))),
    ("What happened last week?", (D(2025, 3, 3), D(2025, 3, 9))),
    ("What happened in the past 3 days?", (D(2025, 3, 9), D(2025, 3, 12))),
    ("Any news over the last two weeks?", (D(2025, 2, 26), D(2025, 3, 12))),
    ("news from the past few days", (D(2025, 3, 9), D(2025, 3, 12))),
    ("What happened in the past week?", (D(2025, 3, 5), D(2025, 3, 12))),
    ("What changed in the last 6 months?", (D(2024, 9, 12), D(2025, 3, 12))),
    ("in the past 24 hours", (D(2025, 3, 11), D(2025, 3, 12))),
    ("What happened this month?", (D(2025, 3, 1), D(2025, 3, 31))),
    ("What happened last month?", (D(2025, 2, 1), D(2025, 2, 28))),
    ("What did the EU decide in March 2025?", (D(2025, 3, 1), D(2025, 3, 31))),
    ("Summarise the February 2025 talks", (D(2025, 2, 1), D(2025, 2, 28))),
    ("What happened in Sept. 2024?", (D(2024, 9, 1), D(2024, 9, 30))),
    ("What did they agree in January?", (D(2025, 1, 1), D(2025, 1, 31))),
    ("What did they agree in May?", (D(2024, 5, 1), D(2024, 5, 31))),
    ("in mid-February", (D(2025, 2, 11), D(2025, 2, 20))),
    ("What happened in late February?", (D(2025, 2, 21), D(2025, 2, 28))),
    ("news from early March 2017", (D(2017, 3, 1), D(2017, 3, 10))),
    ("What happened in the week of 27 March 2017?", (D(2017, 3, 27), D(2017, 4, 2))),
    ("What happened in the week of March 29, 2017?", (D(2017, 3, 27), D(2017, 4, 2))),
    ("the week beginning 29 March 2017", (D(2017, 3, 29), D(2017, 4, 4))),
    ("What happened between 1 and 7 March?", (D(2025, 3, 1), D(2025, 3, 7))),
    ("between 28 February and 3 March 2017", (D(2017, 2, 28), D(2017, 3, 3))),
    ("since January 2025", (D(2025, 1, 1), D(2025, 3, 12))),
    ("What happened in 2024?", (D(2024, 1, 1), D(2024, 12, 31))),
    ("since 2020", (D(2020, 1, 1), D(2025, 3, 12))),
    ("What happened this year?", (D(2025, 1, 1), D(2025, 12, 31))),
    ("What happened so far this year?", (D(2025, 1, 1), D(2025, 12, 31))),
    ("What happened last year?", (D(2024, 1, 1), D(2024, 12, 31))),
    ("Who won since Monday?", (D(2025, 3, 10), D(2025, 3, 12))),
    ("What did Trump say on Tuesday?", (D(2025, 3, 11), D(2025, 3, 12))),
    ("Trump was sworn in Monday; who attended?", (D(2025, 3, 10), D(2025, 3, 12))),
    ("What happened on Wednesday?", (D(2025, 3, 12), D(2025, 3, 12))),
    ("What happened last Wednesday?", (D(2025, 3, 5), D(2025, 3, 12))),
    ("What happened on Friday?", (D(2025, 3, 7), D(2025, 3, 12))),
    ("What happened since March 3?", (D(2025, 3, 3), D(2025, 3, 12))),
    ("What happened on March 3, 2025?", (D(2025, 3, 3), D(2025, 3, 3))),
    ("What happened on 3 March 2025?", (D(2025, 3, 3), D(2025, 3, 3))),
    ("What happened on the 3rd of March?", (D(2025, 3, 3), D(2025, 3, 3))),
    ("What happened on May 5?", (D(2024, 5, 5), D(2024, 5, 5))),
    ("What happened on December 24?", (D(2024, 12, 24), D(2024, 12, 24))),
    ("What happened on 2025-03-01?", (D(2025, 3, 1), D(2025, 3, 1))),
    ("since 2025-03-01", (D(2025, 3, 1), D(2025, 3, 12))),
    ("What happened 3 days ago?", (D(2025, 3, 9), D(2025, 3, 9))),
    ("What happened two weeks ago?", (D(2025, 2, 24), D(2025, 3, 2))),
    ("What happened a month ago?", (D(2025, 2, 1), D(2025, 2, 28))),
    ("Where are the protests this weekend?", (D(2025, 3, 10), D(2025, 3, 12))),
    ("What happened last weekend?", (D(2025, 3, 8), D(2025, 3, 9))),
    ("What happened over the weekend?", (D(2025, 3, 8), D(2025, 3, 9))),
    # Not a publication range:
    ("Who is the favourite for March Madness?", None),
    ("Trump may visit Brussels", None),
    ("Officials may 5 times review it", None),
    ("Who won the 2024 election?", None),
    ("What did the Brussels summit 2007 treaty say?", None),
    ("What are the 2024-25 season's results?", None),
    ("How did Black Friday sales go?", None),
    ("Who is the favourite on Super Tuesday?", None),
    ("What is the capital of France?", None),
    ("Who will host the World Cup in 2030?", None),
    ("What is planned for tomorrow?", None),
    ("What happens next week?", None),
    ("What happened in December 2025?", None),  # after as_of
    ("What will be decided in April?", None),  # the coming April, not last year's
    ("What is planned for 2 April?", None),
    ("On July 4, 1776, who signed?", None),  # a historical date, not this year's July 4
    ("Which US holiday falls on the third Monday of February?", None),
    ("Which store opens every Sunday?", None),
]


@pytest.mark.parametrize(("question", "expected"), CASES_WEDNESDAY)
def test_time_constraints_against_a_wednesday(
    question: str, expected: tuple[date, date] | None
) -> None:
    constraint = parse_time_constraints(question, WEDNESDAY)
    assert _days(constraint) == expected


CASES_SATURDAY: list[tuple[str, tuple[date, date]]] = [
    ("What happened this weekend?", (D(2025, 3, 15), D(2025, 3, 16))),
    ("What happened over the weekend?", (D(2025, 3, 15), D(2025, 3, 16))),
    ("What happened last weekend?", (D(2025, 3, 8), D(2025, 3, 9))),
    ("What happened on Saturday?", (D(2025, 3, 15), D(2025, 3, 15))),
    ("What happened last Saturday?", (D(2025, 3, 8), D(2025, 3, 15))),
    ("What happened this week?", (D(2025, 3, 10), D(2025, 3, 16))),
]


@pytest.mark.parametrize(("question", "expected"), CASES_SATURDAY)
def test_time_constraints_against_a_saturday(question: str, expected: tuple[date, date]) -> None:
    assert _days(parse_time_constraints(question, SATURDAY)) == expected


@pytest.mark.parametrize(
    ("question", "recent"),
    [
        ("What is the latest on the Gaza ceasefire?", True),
        ("What are the most recent figures?", True),
        ("the newest iPhone", True),
        ("What did the court recently decide?", True),
        ("Who is currently leading?", True),
        ("What happened this week?", True),
        ("Who will host the World Cup in 2030?", True),
        ("What happened in 2024?", False),
        ("What happened last month?", False),
        ("What is the capital of France?", False),
    ],
)
def test_prefers_recent(question: str, recent: bool) -> None:
    assert parse_time_constraints(question, WEDNESDAY).prefers_recent is recent


def test_latest_alone_sets_no_range() -> None:
    constraint = parse_time_constraints("What is the latest on Gaza?", WEDNESDAY)
    assert constraint == TimeConstraint(prefers_recent=True)
    assert not constraint.has_range


def test_bounds_cover_whole_days_in_the_reference_timezone() -> None:
    new_york = ZoneInfo("America/New_York")
    as_of = datetime(2025, 3, 12, 22, 0, tzinfo=new_york)  # already 2025-03-13 in UTC
    constraint = parse_time_constraints("What happened yesterday?", as_of)
    assert constraint.since == datetime.combine(D(2025, 3, 11), time.min, tzinfo=new_york)
    assert constraint.until == datetime.combine(D(2025, 3, 11), time.max, tzinfo=new_york)
    assert constraint.matched_text == "yesterday"


def test_naive_reference_is_utc() -> None:
    constraint = parse_time_constraints("today", datetime(2025, 3, 12, 8, 0))
    assert constraint.since == datetime(2025, 3, 12, tzinfo=UTC)


def test_first_expression_wins_and_is_reported() -> None:
    constraint = parse_time_constraints("Since Monday, what happened in 2024 terms?", WEDNESDAY)
    assert constraint.matched_text == "Since Monday"
    assert _days(constraint) == (D(2025, 3, 10), D(2025, 3, 12))


def _days(constraint: TimeConstraint) -> tuple[date, date] | None:
    if not constraint.has_range:
        return None
    assert constraint.since is not None and constraint.until is not None
    return constraint.since.date(), constraint.until.date()


@pytest.mark.parametrize(
    ("question", "current"),
    [
        ("What happened this week?", True),
        ("Who resigned on Monday?", True),
        ("What happened last month?", True),
        ("What happened in 2024?", False),
        ("Who won the election in March 2017?", False),
        ("What is the capital of France?", False),
    ],
)
def test_a_period_reaching_the_present_is_current(question: str, current: bool) -> None:
    assert parse_time_constraints(question, WEDNESDAY).current is current


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What happened in sepember 2024?", None),  # misspelled: no month, no crash
        ("What happened in septmber 2024?", None),
        ("What happened in Sep 2024?", (D(2024, 9, 1), D(2024, 9, 30))),
        ("What happened in sept. 2024?", (D(2024, 9, 1), D(2024, 9, 30))),
    ],
)
def test_only_month_names_the_index_knows_are_months(
    question: str, expected: tuple[date, date] | None
) -> None:
    assert _days(parse_time_constraints(question, WEDNESDAY)) == expected
