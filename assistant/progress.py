"""Progress for long jobs: a bar per stage in the terminal (:class:`ProgressBar`), and one bar
in articles with a measured ETA on the web page (:class:`IndexingProgress`)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# What each indexing stage counts (``index.build_run`` stage names): one unit per bar.
UNITS = {"articles": "articles", "chunks": "chunks", "prune": "articles", "items": "items"}
MIN_ETA_FRACTION = 0.03  # below this share done, an ETA would be a guess
MIN_ETA_SECONDS = 2.0


class ProgressBar:
    """A rich progress bar on stderr (a line per stage) with rate and ETA, fed by
    ``(done, total, stage)`` callbacks; silent when ``quiet`` or stderr is not a terminal."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet or not sys.stderr.isatty()
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> Any:
        if self.quiet:
            return None
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class RateColumn(ProgressColumn):
            def render(self, task: Any) -> Text:
                return Text(f"{task.speed:,.1f}/s" if task.speed else "", style="cyan")

        self._bar = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            RateColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._bar.start()
        return self.update

    def update(self, done: int, total: int | None, stage: str) -> None:
        """Progress callback: ``done`` of ``total`` items in ``stage``."""
        if stage not in self._tasks:
            self._tasks[stage] = self._bar.add_task(stage, total=total, unit=UNITS.get(stage, ""))
        self._bar.update(self._tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


@dataclass(frozen=True)
class Status:
    """What the page's one progress bar shows: ``done`` of ``total`` articles (None: not
    known yet) and a line saying the stage, the chunks embedded and the time left."""

    done: int | None
    total: int | None
    text: str


class IndexingProgress:
    """Turns an index build's ``(done, total, stage)`` callbacks into one bar in articles.

    Articles are read in batches as the previous batch is embedded, so the articles read track
    the work done; the chunks embedded are said in words, never as a second bar. The ETA is
    measured: the time so far, scaled by the share of articles left.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._started: float | None = None  # when reading began (fetching a corpus is not)
        self._articles: tuple[int, int | None] = (0, None)
        self._chunks = 0

    def update(self, done: int, total: int | None, stage: str) -> Status:
        """Take one callback; the bar to show now."""
        if stage in ("articles", "chunks") and self._started is None:
            self._started = self._clock()
        if stage == "articles":
            self._articles = (done, total)
        elif stage == "chunks":
            self._chunks = done
        elif stage != "prune":  # a stage before reading, e.g. "fetching the demo corpus"
            return Status(None, None, stage[:1].upper() + stage[1:] + "…")
        read, expected = self._articles
        total_known = expected if expected and expected >= read else None
        parts = [
            f"Indexing {read:,} of {total_known:,} articles"
            if total_known
            else f"Indexing: {read:,} articles read"
        ]
        if self._chunks:
            parts.append(f"{self._chunks:,} chunks embedded")
        if stage == "prune":
            parts.append(f"removing {done:,} vanished articles")
        left = self.seconds_left()
        if left is not None:
            parts.append(f"about {describe_seconds(left)} left")
        return Status(read, total_known, " · ".join(parts))

    def seconds_left(self) -> float | None:
        """Measured time left: elapsed x (left / done), once enough is done to measure."""
        read, total = self._articles
        if not total or total < read or self._started is None:
            return None
        fraction = read / total
        elapsed = self._clock() - self._started
        if fraction < MIN_ETA_FRACTION or elapsed < MIN_ETA_SECONDS:
            return None
        return elapsed * (1 - fraction) / fraction


def describe_seconds(seconds: float) -> str:
    """``40 s``, ``3 min``: a short time left."""
    if seconds < 90:
        return f"{max(5, round(seconds / 5) * 5):.0f} s"
    return f"{round(seconds / 60):.0f} min"
