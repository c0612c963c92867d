"""What each recorded source did when last refreshed: a ``source_status`` table in the catalog
file (kept out of the catalog's own schema; ``index clear`` drops it with the catalog).

Per source: when it was last checked, last read successfully, the last error (None after a
success), the articles added by the last successful check and in total, the consecutive
failures (for the refresher's back-off) and the feed's validators (ETag / Last-Modified) for
the next conditional request. Readers open the file read-only and never wait for a writer.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from index.settings import Settings

_SCHEMA = """
CREATE TABLE IF NOT EXISTS source_status (
    source TEXT PRIMARY KEY,
    last_checked REAL,
    last_success REAL,
    last_error TEXT,
    added INTEGER NOT NULL DEFAULT 0,
    added_total INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT
)
"""
_COLUMNS = (
    "source, last_checked, last_success, last_error, added, added_total, failures, etag, "
    "last_modified"
)


@dataclass(frozen=True)
class SourceStatus:
    """The refresh record of one source (times are Unix seconds)."""

    source: str
    last_checked: float | None = None
    last_success: float | None = None
    last_error: str | None = None
    added: int = 0
    added_total: int = 0
    failures: int = 0
    etag: str | None = None
    last_modified: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: times as ISO 8601 UTC; the validators are left out."""
        return {
            "source": self.source,
            "last_checked": _iso(self.last_checked),
            "last_success": _iso(self.last_success),
            "last_error": self.last_error,
            "added": self.added,
            "added_total": self.added_total,
            "failures": self.failures,
        }


class SourceStatusTable:
    """Read and write the ``source_status`` table of ``settings.catalog_path`` (a writer: used
    under the home's writer lock)."""

    def __init__(self, settings: Settings) -> None:
        settings.home.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(settings.catalog_path, timeout=30)
        with self._db:
            self._db.execute(_SCHEMA)

    def get(self, source: str) -> SourceStatus | None:
        row = self._db.execute(
            f"SELECT {_COLUMNS} FROM source_status WHERE source = ?", (source,)
        ).fetchone()
        return SourceStatus(*row) if row else None

    def all(self) -> list[SourceStatus]:
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM source_status ORDER BY source")
        return [SourceStatus(*row) for row in rows]

    def succeeded(
        self,
        source: str,
        now: float,
        added: int,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        keep_validators: bool = False,
    ) -> None:
        """A successful check that added ``added`` articles (0 for a 304: not modified)."""
        old = self.get(source) or SourceStatus(source)
        if keep_validators:
            etag, last_modified = old.etag, old.last_modified
        self._put(
            SourceStatus(
                source, now, now, None, added, old.added_total + added, 0, etag, last_modified
            )
        )

    def failed(self, source: str, now: float, error: str) -> SourceStatus:
        """A failed check; returns the new record (``failures`` counts consecutive ones)."""
        old = self.get(source) or SourceStatus(source)
        new = SourceStatus(
            source,
            now,
            old.last_success,
            error,
            old.added,
            old.added_total,
            old.failures + 1,
            old.etag,
            old.last_modified,
        )
        self._put(new)
        return new

    def _put(self, status: SourceStatus) -> None:
        with self._db:
            self._db.execute(
                f"INSERT OR REPLACE INTO source_status ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    status.source,
                    status.last_checked,
                    status.last_success,
                    status.last_error,
                    status.added,
                    status.added_total,
                    status.failures,
                    status.etag,
                    status.last_modified,
                ),
            )

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SourceStatusTable:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def read_status(settings: Settings) -> list[SourceStatus]:
    """Every source's record, read-only (empty when nothing was refreshed yet)."""
    path = settings.catalog_path
    if not path.exists():
        return []
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM source_status ORDER BY source").fetchall()
    except sqlite3.OperationalError:
        return []  # no such table: never refreshed
    return [SourceStatus(*row) for row in rows]


def _iso(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="seconds")
