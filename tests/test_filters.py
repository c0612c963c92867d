"""Explicit filters: date range validation and outlet names."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from assistant.filters import Filters, parse_day, resolve_outlets
from index.errors import InvalidQuestion

OUTLETS = ["Reuters", "The Week", "USA Today", "CNN"]


def test_empty_filters() -> None:
    assert Filters().is_empty
    assert not Filters(sources=("CNN",)).is_empty


def test_naive_datetimes_are_utc_and_sources_are_cleaned() -> None:
    filters = Filters(since=datetime(2025, 3, 1), sources=(" CNN ", "", "CNN"))
    assert filters.since == datetime(2025, 3, 1, tzinfo=UTC)
    assert filters.sources == ("CNN",)


def test_parse_makes_until_cover_its_day() -> None:
    filters = Filters.parse(since="2025-03-01", until=date(2025, 3, 31))
    assert filters.since == datetime(2025, 3, 1, tzinfo=UTC)
    assert filters.until == datetime(2025, 3, 31, 23, 59, 59, 999999, tzinfo=UTC)


def test_parse_day_accepts_datetimes_and_rejects_garbage() -> None:
    assert parse_day("2025-03-01T10:00:00+01:00") == datetime.fromisoformat(
        "2025-03-01T10:00:00+01:00"
    )
    assert parse_day(None) is None
    with pytest.raises(InvalidQuestion, match=r"--since 'last tuesday' is not a date"):
        parse_day("last tuesday", "since")


def test_since_after_until_is_a_clear_error() -> None:
    with pytest.raises(InvalidQuestion, match="Swap the dates"):
        Filters(since=datetime(2025, 3, 2, tzinfo=UTC), until=datetime(2025, 3, 1, tzinfo=UTC))


def test_outlets_resolve_case_and_space_insensitively() -> None:
    filters = resolve_outlets(Filters(sources=("usa  today", "the week")), OUTLETS)
    assert filters.sources == ("USA Today", "The Week")


def test_unknown_outlet_suggests_close_matches() -> None:
    with pytest.raises(InvalidQuestion, match=r"No outlet named 'Reuter'.*Did you mean 'Reuters'"):
        resolve_outlets(Filters(sources=("Reuter",)), OUTLETS)


def test_unknown_outlet_without_close_match_lists_the_outlets() -> None:
    with pytest.raises(InvalidQuestion, match=r"Known outlets: CNN, Reuters, The Week, USA Today"):
        resolve_outlets(Filters(sources=("Le Monde",)), OUTLETS)


def test_no_outlets_in_the_index() -> None:
    with pytest.raises(InvalidQuestion, match="records no outlets"):
        resolve_outlets(Filters(sources=("CNN",)), [])


def test_parse_day_end_of_day_covers_the_whole_day_only_without_a_time() -> None:
    assert parse_day("2025-03-01", end_of_day=True) == datetime(
        2025, 3, 1, 23, 59, 59, 999999, tzinfo=UTC
    )
    assert parse_day("2025-03-01T10:00", end_of_day=True) == datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert parse_day("2025-03-01") == datetime(2025, 3, 1, tzinfo=UTC)
