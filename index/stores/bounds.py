"""The constraints of one search, built once and handed to both stores."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SearchBounds:
    """What a search may return: a publication range, an as-of cut and outlets.

    ``since_ts``/``until_ts`` are inclusive epoch seconds; an undated chunk never passes them.
    ``cut_ts`` (an explicit as-of: nothing published after it) is applied by the dense store
    after its search, keeping undated chunks (a Chroma filter is several times slower than a
    plain search), and by the keyword index as one more upper bound, which undated chunks do
    not pass. ``outlets`` are outlet names as the index spells them; ``syndicated`` are the ids
    of articles those outlets ran as copies of another outlet's, which pass the outlet test too.
    """

    since_ts: int | None = None
    until_ts: int | None = None
    cut_ts: int | None = None
    outlets: tuple[str, ...] = ()
    syndicated: tuple[str, ...] = ()

    @property
    def latest_ts(self) -> int | None:
        """The stricter of ``until_ts`` and ``cut_ts`` (the keyword index's upper bound)."""
        if self.until_ts is None or self.cut_ts is None:
            return self.cut_ts if self.until_ts is None else self.until_ts
        return min(self.until_ts, self.cut_ts)

    def chroma_where(self) -> dict[str, Any] | None:
        """The Chroma metadata filter for the range and outlets (None: no filter)."""
        conditions: list[dict[str, Any]] = []
        if self.since_ts is not None:
            conditions.append({"published_ts": {"$gte": self.since_ts}})
        if self.until_ts is not None:
            conditions.append({"published_ts": {"$lte": self.until_ts}})
        if self.outlets:
            outlet: dict[str, Any] = {"source": {"$in": list(self.outlets)}}
            if self.syndicated:
                outlet = {"$or": [outlet, {"article_id": {"$in": list(self.syndicated)}}]}
            conditions.append(outlet)
        if not conditions:
            return None
        return conditions[0] if len(conditions) == 1 else {"$and": conditions}

    def before_cut(self, published_ts: int | None) -> bool:
        """True unless the chunk was published after ``cut_ts`` (undated chunks pass)."""
        return self.cut_ts is None or published_ts is None or published_ts <= self.cut_ts


NO_BOUNDS = SearchBounds()
