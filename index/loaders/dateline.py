"""Parse the dateline that opens a wire story: ``BRUSSELS (Reuters) -``, ``WASHINGTON, March 3
(AP) —``, ``PARIS, 4 March 2025 (AFP) -``, ``SAN JUAN, Puerto Rico (AP) —``, ``(CNN)``.

A dateline's month and day without a year is not a full date, so it gives none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from index.text import DATELINE as _WITH_PLACE
from index.text import MONTHS
from index.text import OUTLET_DATELINE as _OUTLET_ONLY


@dataclass(frozen=True)
class Dateline:
    """What a dateline states; ``published`` only when it gives a full date with the year."""

    place: str | None = None
    outlet: str | None = None
    published: datetime | None = None


def parse_dateline(body: str) -> Dateline:
    """The dateline at the start of ``body`` (an empty ``Dateline`` when there is none)."""
    match = _WITH_PLACE.match(body)
    if match:
        place = match["place"].rstrip(".")
        if match["region"]:
            place = f"{place}, {match['region']}"
        return Dateline(place=place, outlet=match["outlet"].strip(), published=_full_date(match))
    match = _OUTLET_ONLY.match(body)
    if match:
        return Dateline(outlet=match["outlet"].strip())
    return Dateline()


def _full_date(match: re.Match[str]) -> datetime | None:
    year = match["year"] or match["year2"]
    if not year:
        return None  # "March 3" without a year: never guess which year
    month = MONTHS[(match["month"] or match["month2"])[:3].lower()]
    try:
        return datetime(int(year), month, int(match["day"] or match["day2"]), tzinfo=UTC)
    except ValueError:
        return None
