"""Stated dates become timezone-aware datetimes; missing, partial or relative ones become None."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from index.loaders.dates import as_utc_aware, from_struct_time, parse_date

EST = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-04-11", datetime(2022, 4, 11, tzinfo=UTC)),
        ("2025-03-01T09:30:00+01:00", datetime(2025, 3, 1, 8, 30, tzinfo=UTC)),
        ("2022-01-06T10:00:00Z", datetime(2022, 1, 6, 10, tzinfo=UTC)),
        ("2025-03-04 08:15", datetime(2025, 3, 4, 8, 15, tzinfo=UTC)),
        ("Wed, 01 Jan 2025 09:15:00 -0500", datetime(2025, 1, 1, 9, 15, tzinfo=EST)),
        ("March 3, 2025", datetime(2025, 3, 3, tzinfo=UTC)),
        ("3 March 2025", datetime(2025, 3, 3, tzinfo=UTC)),
        (date(2024, 2, 29), datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2024, 2, 29, 12), datetime(2024, 2, 29, 12, tzinfo=UTC)),
        (1_700_000_000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        (1_700_000_000_000, datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
        ("1700000000", datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)),
    ],
)
def test_stated_dates_are_parsed(value: object, expected: datetime) -> None:
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is not None and parsed.tzinfo is not None


@pytest.mark.parametrize(
    "value", [None, "", "   ", "March 3", "yesterday", "last week", "not a date", True, [], {}]
)
def test_missing_partial_or_relative_dates_are_none(value: object) -> None:
    assert parse_date(value) is None


def test_aware_datetimes_keep_their_zone() -> None:
    moment = datetime(2025, 1, 1, 9, tzinfo=EST)
    assert as_utc_aware(moment) is moment


def test_struct_time_is_utc() -> None:
    assert from_struct_time(time.gmtime(0)) == datetime(1970, 1, 1, tzinfo=UTC)
