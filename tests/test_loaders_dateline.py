"""Datelines: place and outlet from the opening of a story; a date only with its year."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.loaders.dateline import Dateline, parse_dateline


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("BRUSSELS (Reuters) - Serbian and Kosovo leaders", Dateline("BRUSSELS", "Reuters")),
        ("WASHINGTON, March 3 (AP) — The House", Dateline("WASHINGTON", "AP")),
        ("LONDON (AFP) - The European Union", Dateline("LONDON", "AFP")),
        ("NEW YORK (Reuters) -- Stocks fell", Dateline("NEW YORK", "Reuters")),
        ("SAN JUAN, Puerto Rico (AP) — Power returned", Dateline("SAN JUAN, Puerto Rico", "AP")),
        ("ST. LOUIS, Sept. 30 (AP) – A jury", Dateline("ST. LOUIS", "AP")),
        ("LONDON/PARIS (Reuters) - Europe's", Dateline("LONDON/PARIS", "Reuters")),
        ("ZÜRICH (Reuters) - Café owners", Dateline("ZÜRICH", "Reuters")),
        ("Brussels (Reuters) - Talks", Dateline("Brussels", "Reuters")),
        ("**KYIV** (AP) — Air raid", Dateline("KYIV", "AP")),
        ("(CNN) Russia's multi-pronged invasion", Dateline(None, "CNN")),
        ("(Reuters) - Shares rose", Dateline(None, "Reuters")),
        (
            "BRUSSELS, Dec 4, 2007 (Reuters) - Leaders",
            Dateline("BRUSSELS", "Reuters", datetime(2007, 12, 4, tzinfo=UTC)),
        ),
        (
            "PARIS, 4 March 2025 (AFP) - Day first",
            Dateline("PARIS", "AFP", datetime(2025, 3, 4, tzinfo=UTC)),
        ),
        ("PARIS, 4 March (AFP) - No year", Dateline("PARIS", "AFP")),
        ("The minister (who spoke to Reuters) - said", Dateline()),
        ("Serbia has offered broad autonomy (90 percent) - to", Dateline()),
        ("No dateline at all.", Dateline()),
        ("", Dateline()),
    ],
)
def test_parse_dateline(body: str, expected: Dateline) -> None:
    assert parse_dateline(body) == expected


def test_impossible_date_is_dropped() -> None:
    assert parse_dateline("ROME, Feb. 30, 2024 (AP) — x") == Dateline("ROME", "AP", None)
