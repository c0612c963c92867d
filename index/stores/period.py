"""Read-only queries by publication period on the catalog's SQLite file (briefings, timelines).

Kept beside :mod:`index.stores.catalog` (which writes the file) so the briefing code never needs
the catalog's write side. Articles are the canonical ones (those holding chunks); the outlets of
their syndicated copies and duplicates come along as ``copies``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["PeriodArticle", "PeriodQueries"]

_ARTICLE_SQL = (
    "SELECT a.id, a.title, a.outlet, a.published_ts, c.id AS chunk_id, c.url, c.text, "
    "c.body_start FROM articles AS a JOIN chunks AS c ON c.article_id = a.id AND c.chunk_index = 0 "
    "WHERE a.state = 'done' AND a.canonical_id IS NULL"
)


@dataclass(frozen=True)
class PeriodArticle:
    """One canonical indexed article with its lede (the body of its first chunk)."""

    article_id: str
    title: str
    outlet: str
    url: str
    published: datetime | None
    lede: str
    chunk_id: str  # id of the first chunk (its stored vector stands for the article)
    copies: tuple[tuple[str, datetime | None], ...] = ()  # (outlet, published) of copies


class PeriodQueries:
    """Period queries on the catalog file at ``path`` (opened read-only, one connection)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._db.row_factory = sqlite3.Row

    def close(self) -> None:
        """Close the connection."""
        self._db.close()

    def between(
        self, since: datetime | None, until: datetime | None, sources: Sequence[str] = ()
    ) -> list[PeriodArticle]:
        """Articles published in ``[since, until]`` (inclusive; None is open), oldest first.

        With ``sources``, only articles that one of these outlets ran (itself or as a copy).
        Undated articles are never in a period.
        """
        sql = _ARTICLE_SQL + " AND a.published_ts IS NOT NULL"
        params: list[Any] = []
        if since is not None:
            sql += " AND a.published_ts >= ?"
            params.append(int(since.timestamp()))
        if until is not None:
            sql += " AND a.published_ts <= ?"
            params.append(int(until.timestamp()))
        if sources:
            marks = ",".join("?" * len(sources))
            lowered = [name.lower() for name in sources]
            sql += (
                f" AND (lower(a.outlet) IN ({marks}) OR a.id IN (SELECT canonical_id FROM "
                f"articles WHERE state = 'done' AND lower(outlet) IN ({marks})))"
            )
            params += lowered + lowered
        sql += " ORDER BY a.published_ts, a.id"
        return self._with_copies(self._db.execute(sql, params).fetchall())

    def articles(self, article_ids: Sequence[str]) -> list[PeriodArticle]:
        """These articles (canonical ones only; unknown ids are skipped), in the order given."""
        found: dict[str, PeriodArticle] = {}
        ids = list(dict.fromkeys(article_ids))
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            rows = self._db.execute(_ARTICLE_SQL + f" AND a.id IN ({marks})", batch).fetchall()
            found.update((article.article_id, article) for article in self._with_copies(rows))
        return [found[article_id] for article_id in ids if article_id in found]

    def date_range(self) -> tuple[datetime | None, datetime | None]:
        """First and last publication time of the indexed articles."""
        first, last = self._db.execute(
            "SELECT MIN(published_ts), MAX(published_ts) FROM articles "
            "WHERE state = 'done' AND canonical_id IS NULL"
        ).fetchone()
        return _datetime(first), _datetime(last)

    def _with_copies(self, rows: list[sqlite3.Row]) -> list[PeriodArticle]:
        copies: dict[str, list[tuple[str, datetime | None]]] = {}
        ids = [row["id"] for row in rows]
        for start in range(0, len(ids), 500):
            batch = ids[start : start + 500]
            marks = ",".join("?" * len(batch))
            for canonical_id, outlet, published_ts in self._db.execute(
                "SELECT canonical_id, outlet, published_ts FROM articles "
                f"WHERE state = 'done' AND canonical_id IN ({marks}) ORDER BY published_ts, id",
                batch,
            ):
                copies.setdefault(canonical_id, []).append((outlet or "", _datetime(published_ts)))
        return [
            PeriodArticle(
                article_id=row["id"],
                title=row["title"],
                outlet=row["outlet"] or "",
                url=row["url"] or "",
                published=_datetime(row["published_ts"]),
                lede=(row["text"] or "")[int(row["body_start"] or 0) :].strip(),
                chunk_id=row["chunk_id"],
                copies=tuple(copies.get(row["id"], ())),
            )
            for row in rows
        ]


def _datetime(ts: float | None) -> datetime | None:
    return datetime.fromtimestamp(ts, UTC) if ts is not None else None
