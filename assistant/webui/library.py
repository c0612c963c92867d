"""The index as the web chat uses it: status, example questions, staging uploads, adding and
updating sources, and indexing the demo corpus. Every write is tried with ``wait=False``: when
another process holds the home's writer lock it raises ``WriterBusy`` at once (a page worker
never blocks behind a CLI build).

A page user can make the server read only what ``assistant.webui.access`` allows: uploads
(size-limited, each stored in a folder of its own so no upload overwrites another), http(s)
feed URLs, and folders under ``NEWSDESK_UI_SOURCE_ROOTS``. A refused location is reported and
never recorded, so "Update index" never reads it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.webui.access import check_location, inside, upload_dirs
from assistant.webui.render import example_questions, explain
from index import demo, human_size, upload_suffixes
from index.errors import SourceRejected
from index.models import BuildReport, Progress, Rejection
from index.reader import diagnose, recorded_sources
from index.settings import Settings

if TYPE_CHECKING:
    from index.embeddings import Embedder

log = logging.getLogger("newsdesk.ui")

UPLOAD_TYPES = upload_suffixes()

_UNSAFE_NAME = re.compile(r"[^\w.\-]+")
RATE_KEPT_SECONDS = 300.0  # a demo rate measured on this machine is reused this long


@dataclass
class IndexView:
    """What the sidebar shows about the index."""

    stats: dict[str, Any] = field(default_factory=dict)
    outlets: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def empty(self) -> bool:
        """True when the index could be read and holds no article (show the onboarding)."""
        return not self.error and not self.stats.get("articles")


class Library:
    """The index of ``settings`` as the page uses it (``embedder`` for tests: a fake).

    ``uploaded_from`` are the folders uploads may come from (Gradio's upload folder by
    default): a "file" naming any other server path is refused.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        embedder: Embedder | None = None,
        uploaded_from: Sequence[Path] | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.uploaded_from = list(uploaded_from) if uploaded_from is not None else upload_dirs()
        self._measured: tuple[float, float | None] = (0.0, None)  # (when, demo articles/s)

    @property
    def uploads_folder(self) -> Path:
        """Where staged uploads are kept (``<home>/uploads/<one folder per upload>``)."""
        return self.settings.uploads_path

    def view(self) -> IndexView:
        """Stats, outlets and example questions; an ``error`` message instead of raising."""
        import index

        try:
            stats = index.stats(self.settings).to_dict()
        except Exception as error:
            return IndexView(error=explain(diagnose(self.settings) or error))
        outlets = sorted(
            (name for name in stats.get("sources") or {} if name != "unknown"), key=str.casefold
        )
        titles = self.recent_titles(24) if stats.get("articles") else []
        return IndexView(stats=stats, outlets=outlets, examples=example_questions(titles))

    def recent_titles(self, n: int) -> list[tuple[str, str]]:
        """(title, outlet) of the ``n`` most recently published titled articles."""
        from index.reader import IndexReader

        if not self.settings.catalog_path.exists():
            return []
        try:
            with IndexReader.open(self.settings) as reader:
                articles = reader.recent_articles(n)
        except Exception as error:  # example questions are a nicety: never break the page
            log.warning("no example questions: %s", error)
            return []
        return [(a.title, a.outlet) for a in articles if a.title]

    def stage_uploads(self, files: Sequence[str]) -> list[str]:
        """Copy uploaded files into ``<home>/uploads/<uuid>/`` (kept for ``index update``).

        Refused with ``SourceRejected``: a type the loaders cannot read, a file over
        ``ui_max_upload_bytes``, and a path outside the upload folders (an API client naming a
        server file).
        """
        checked = [self._check_upload(Path(file)) for file in files]
        staged = []
        for path in checked:
            folder = self.uploads_folder / uuid.uuid4().hex
            folder.mkdir(parents=True)
            target = folder / safe_name(path.name)
            shutil.copyfile(path, target)
            staged.append(str(target))
        return staged

    def add(self, sources: Sequence[str], progress: Progress) -> Any:
        """Index the allowed ``sources`` (staged uploads, feed URLs, folders under the roots);
        returns the ``BuildReport``, whose ``rejected`` starts with the refused locations."""
        import index

        allowed: list[str] = []
        refused: list[Rejection] = []
        for source in sources:
            try:
                allowed.append(self._check_source(source))
            except SourceRejected as error:
                refused.append(Rejection(source.strip(), str(error)))
        if not allowed:
            self.discard_uploads(sources)
            return BuildReport(rejected=refused)
        try:
            report = index.build(
                allowed, self.settings, embedder=self.embedder, progress=progress, wait=False
            )
        except BaseException:  # WriterBusy, a damaged store...: nothing of the uploads is kept
            self.discard_uploads(sources)
            raise
        report.rejected[:0] = refused
        kept = {os.path.realpath(source) for source in self.recorded()}
        self.discard_uploads(s for s in sources if os.path.realpath(s) not in kept)
        return report

    def recorded(self) -> list[str]:
        """The sources the index records (re-read by "Update index")."""
        return recorded_sources(self.settings)

    def discard_uploads(self, sources: Iterable[str]) -> None:
        """Delete the staged uploads among ``sources`` (refused, or never indexed), each with
        its own folder, so no upload stays in ``<home>/uploads`` without being indexed."""
        uploads = os.path.realpath(self.uploads_folder)
        for source in sources:
            real = os.path.realpath(source) if not re.match(r"^\w+:", source) else ""
            folder = os.path.dirname(real)
            if real and os.path.dirname(folder) == uploads:
                shutil.rmtree(folder, ignore_errors=True)

    def _check_source(self, source: str) -> str:
        real = os.path.realpath(source) if source and not re.match(r"^\w+:", source) else ""
        if real and inside(real, os.path.realpath(self.uploads_folder)):
            return real
        return check_location(source, self.settings)

    def _check_upload(self, path: Path) -> Path:
        name = path.name
        if not any(name.lower().endswith(ext) for ext in UPLOAD_TYPES):
            raise SourceRejected(
                f"{name}: not a supported file type; upload {', '.join(UPLOAD_TYPES)} files"
            )
        real = os.path.realpath(path)
        roots = [os.path.realpath(folder) for folder in self.uploaded_from]
        if not any(inside(real, root) for root in roots) or not os.path.isfile(real):
            raise SourceRejected(f"{name}: not an uploaded file")
        size = os.path.getsize(real)
        limit = self.settings.ui_max_upload_bytes
        if size > limit:
            raise SourceRejected(
                f"{name}: {human_size(size)}, over the {human_size(limit)} "
                "upload limit (NEWSDESK_UI_MAX_UPLOAD_BYTES)"
            )
        return Path(real)

    def update(self, progress: Progress) -> Any:
        """Re-read every recorded source and index what changed."""
        import index

        return index.update(self.settings, embedder=self.embedder, progress=progress, wait=False)

    def demo_rate(self) -> float | None:
        """Demo articles per second on this machine: the last demo build's, else measured now
        with the embedder (loaded here once and kept for the build); None when it fails."""
        rate = demo.recorded_rate(self.settings)
        if rate is not None:
            return rate
        measured_at, rate = self._measured
        if rate is not None and time.monotonic() - measured_at < RATE_KEPT_SECONDS:
            return rate  # every page load would otherwise take the CPU for a few seconds
        try:
            if self.embedder is None:
                from index.embeddings import load_embedder

                self.embedder = load_embedder(self.settings)
            rate = demo.measure_rate(self.embedder)
        except Exception as error:  # an estimate is a nicety: never break the page
            log.warning("could not measure the demo's indexing rate: %s", error)
            return None
        self._measured = (time.monotonic(), rate)
        return rate

    def index_demo(self, limit: int | None, progress: Progress) -> Any:
        """Index the demo corpus (``limit`` most recent articles, or all)."""
        return demo.index_demo(
            self.settings, limit, embedder=self.embedder, progress=progress, wait=False
        )


def safe_name(name: str) -> str:
    """``name`` with only letters, digits, ``.``, ``-`` and ``_`` (no path, no hidden file)."""
    cleaned = _UNSAFE_NAME.sub("_", Path(name).name).lstrip(".")
    return cleaned or "upload"
