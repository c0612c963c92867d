"""The index as the web chat uses it: status, example questions, staging uploads, adding and
updating sources, and indexing the demo corpus."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.webui.render import example_questions, explain
from index import demo
from index.errors import SourceRejected
from index.loaders.estimate import upload_suffixes
from index.models import Progress
from index.settings import Settings

log = logging.getLogger("newsdesk.ui")

UPLOAD_TYPES = upload_suffixes()



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
    """The index of ``settings`` as the page uses it (``embedder`` for tests: a fake)."""

    def __init__(self, settings: Settings, *, embedder: Any = None) -> None:
        self.settings = settings
        self.embedder = embedder

    def view(self) -> IndexView:
        """Stats, outlets and example questions; an ``error`` message instead of raising."""
        import index

        try:
            stats = index.stats(self.settings).to_dict()
        except Exception as error:
            return IndexView(error=explain(error))
        outlets = sorted((name for name in stats.get("sources") or {} if name != "unknown"),
                         key=str.casefold)
        titles = self.recent_titles(24) if stats.get("articles") else []
        return IndexView(stats=stats, outlets=outlets, examples=example_questions(titles))

    def recent_titles(self, n: int) -> list[tuple[str, str]]:
        """(title, outlet) of the ``n`` most recently published titled articles."""
        from index.stores import open_stores

        if not self.settings.catalog_path.exists():
            return []
        try:
            with open_stores(self.settings) as stores:
                articles = stores.catalog.recent_articles(n)
        except Exception as error:  # example questions are a nicety: never break the page
            log.warning("no example questions: %s", error)
            return []
        return [(a.title, a.outlet) for a in articles if a.title]

    def stage_uploads(self, files: Sequence[str]) -> list[str]:
        """Copy uploaded files into ``<home>/uploads`` (kept for ``index update``)."""
        if not files:
            return []
        folder = self.settings.home / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        staged = []
        for file in files:
            path = Path(file)
            if not any(path.name.lower().endswith(ext) for ext in UPLOAD_TYPES):
                raise SourceRejected(
                    f"{path.name}: not a supported file type; upload "
                    f"{', '.join(UPLOAD_TYPES)} files")
            target = folder / path.name
            shutil.copyfile(path, target)
            staged.append(str(target))
        return staged

    def add(self, sources: Sequence[str], progress: Progress) -> Any:
        """Index ``sources`` (files, folders, feed URLs); returns the ``BuildReport``."""
        import index

        return index.build(list(sources), self.settings, embedder=self.embedder, progress=progress)

    def update(self, progress: Progress) -> Any:
        """Re-read every recorded source and index what changed."""
        import index

        return index.update(self.settings, embedder=self.embedder, progress=progress)

    def index_demo(self, limit: int | None, progress: Progress) -> Any:
        """Index the demo corpus (``limit`` most recent articles, or all)."""
        return demo.index_demo(self.settings, limit, embedder=self.embedder, progress=progress)
