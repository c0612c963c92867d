"""Progress bars for long commands (index builds, evaluation runs)."""

from __future__ import annotations

import sys
from typing import Any


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
            self._tasks[stage] = self._bar.add_task(stage, total=total)
        self._bar.update(self._tasks[stage], completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
