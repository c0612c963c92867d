"""Scheduled refresh: re-read every recorded source, again and again, under the writer lock.

One round (holding the home's writer lock throughout) checks each source recorded by earlier
builds, oldest first:
- a feed URL is first fetched conditionally (its last ETag / Last-Modified): a 304 ends its
  check; otherwise the source is indexed again by ``index.build`` (which fetches it once more:
  the loaders read the feed themselves);
- a file or folder is indexed again (unchanged articles are skipped by the manifest);
- a failure is recorded and the source is retried after ``every * 2**(failures-1)`` seconds,
  at most ``settings.refresh_backoff_cap``;
- nothing is ever removed unless ``prune`` was asked for, and even then a source that fails or
  disappears removes nothing (the build keeps what a rejected input had indexed).
Each check is recorded in ``index.source_status``. ``Refresher.run`` loops until ``stop()``;
``start`` runs it in a thread (for the web app).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from index.errors import FetchFailed, IndexEmpty, NewsdeskError
from index.fetch import fetch
from index.settings import Settings
from index.source_status import SourceStatus, SourceStatusTable
from index.writing import writer

if TYPE_CHECKING:
    from index.embeddings import Embedder

DEFAULT_EVERY = 30 * 60.0
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_every(text: str) -> float:
    """Seconds in ``30m``, ``2h``, ``45s``, ``1d`` or a bare number of seconds."""
    value = text.strip().lower()
    unit = _UNITS.get(value[-1:])
    number = value[:-1] if unit else value
    try:
        seconds = float(number) * (unit or 1)
    except ValueError:
        raise ValueError(f"{text!r} is not a duration; use e.g. 30m, 2h, 45s") from None
    if seconds <= 0:
        raise ValueError(f"{text!r}: the interval must be positive")
    return seconds


@dataclass
class RoundReport:
    """What one round did, per source: ``checked`` (indexed again), ``not_modified``,
    ``failed`` (source -> reason), ``waiting`` (backing off, not tried)."""

    checked: dict[str, int] = field(default_factory=dict)  # source -> articles added
    not_modified: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    waiting: list[str] = field(default_factory=list)


class Refresher:
    """Re-reads the recorded sources of ``settings`` on a schedule (see the module docstring).

    ``embedder`` defaults to the settings' model, loaded on the first build that needs it and
    kept for later rounds. ``clock`` and ``fetcher`` are seams for tests.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        prune: bool = False,
        notify: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.time,
        fetcher: Callable[..., Any] = fetch,
    ) -> None:
        self.settings = settings
        self.prune = prune
        self._embedder = embedder
        self._notify = notify or _to_stderr
        self._clock = clock
        self._fetch = fetcher
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self, every: float = DEFAULT_EVERY) -> RoundReport:
        """Check every recorded source once; ``every`` sets the back-off of failing ones."""
        from index.pipeline import build  # chromadb: imported only to write

        report = RoundReport()
        with writer(self.settings, "index watch"), SourceStatusTable(self.settings) as table:
            for source in self._sources():
                if self._stop.is_set():
                    break
                status = table.get(source) or SourceStatus(source)
                now = self._clock()
                if not self._due(status, now, every):
                    report.waiting.append(source)
                    self._notify_waiting(status, now, every)
                    continue
                validators: dict[str, str | None] = {}
                if "://" in source:
                    try:
                        got = self._fetch(
                            source,
                            self.settings,
                            etag=status.etag,
                            last_modified=status.last_modified,
                        )
                    except FetchFailed as error:
                        self._failed(table, report, source, now, str(error), every)
                        continue
                    if got.not_modified:
                        table.succeeded(source, now, 0, keep_validators=True)
                        report.not_modified.append(source)
                        self._notify(f"{source}: not modified")
                        continue
                    validators = {"etag": got.etag, "last_modified": got.last_modified}
                built = build(
                    [source], self.settings, embedder=self._embedder_for_build(), prune=self.prune
                )
                whole = [r.reason for r in built.rejected if r.input == source]
                if whole:
                    self._failed(table, report, source, now, whole[0], every)
                    continue
                table.succeeded(
                    source,
                    now,
                    built.new,
                    etag=validators.get("etag"),
                    last_modified=validators.get("last_modified"),
                )
                report.checked[source] = built.new
                self._notify(f"{source}: {built.new} new, {built.changed} changed")
        return report

    def run(self, every: float = DEFAULT_EVERY) -> None:
        """Rounds every ``every`` seconds until ``stop()``; an error ends a round, not the loop."""
        while not self._stop.is_set():
            try:
                self.run_once(every)
            except NewsdeskError as error:
                self._notify(f"refresh: {error}")
            except Exception as error:  # a long-running service outlives one bad round
                self._notify(
                    " ".join(f"refresh: unexpected {type(error).__name__}: {error}".split())
                )
            self._stop.wait(every)

    def start(self, every: float = DEFAULT_EVERY) -> threading.Thread:
        """Run ``run(every)`` in a daemon thread (for the web app); ``stop()`` ends it."""
        self._stop.clear()
        self._thread = threading.Thread(
            target=self.run, args=(every,), name="newsdesk-refresh", daemon=True
        )
        self._thread.start()
        return self._thread

    def stop(self, timeout: float | None = None) -> None:
        """Stop after the source being checked now (a build in progress finishes)."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _sources(self) -> list[str]:
        from index.stores.catalog import Catalog

        if not self.settings.catalog_path.exists():
            raise IndexEmpty(_NO_SOURCES.format(home=self.settings.home))
        catalog = Catalog.open(self.settings)
        try:
            sources = catalog.recorded_sources()
        finally:
            catalog.close()
        if not sources:
            raise IndexEmpty(_NO_SOURCES.format(home=self.settings.home))
        return sources

    def _due(self, status: SourceStatus, now: float, every: float) -> bool:
        if not status.failures or status.last_checked is None:
            return True
        return now >= status.last_checked + backoff(status.failures, every, self.settings) * 0.95

    def _notify_waiting(self, status: SourceStatus, now: float, every: float) -> None:
        due = (status.last_checked or now) + backoff(status.failures, every, self.settings)
        self._notify(
            f"{status.source}: still failing ({status.last_error}, {status.failures} in a row);"
            f" next try in {_duration(max(due - now, 0.0))}"
        )

    def _failed(
        self,
        table: SourceStatusTable,
        report: RoundReport,
        source: str,
        now: float,
        reason: str,
        every: float,
    ) -> None:
        status = table.failed(source, now, reason)
        report.failed[source] = reason
        wait = backoff(status.failures, every, self.settings)
        self._notify(f"{source}: failed ({reason}); next try in {_duration(wait)}")

    def _embedder_for_build(self) -> Embedder | None:
        if self._embedder is None:
            from index.embeddings import load_embedder

            self._embedder = load_embedder(self.settings)
        return self._embedder


def backoff(failures: int, every: float, settings: Settings) -> float:
    """Seconds to wait after ``failures`` consecutive failures: doubling, capped."""
    return min(every * 2 ** max(failures - 1, 0), max(settings.refresh_backoff_cap, every))


_NO_SOURCES = "No sources are recorded in the index at {home}: run `newsdesk index build` first."


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds:.0f}s"


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
