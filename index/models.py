"""The records that flow through the indexer: articles, chunks, rejections and the build report."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

Progress = Callable[[int, int | None, str], None]
"""The one progress callback of long jobs: ``progress(done, total, stage)``; ``total`` is an
estimate, or None when unknown, and ``done`` may pass it."""


def content_hash(*parts: str) -> str:
    """A stable hex digest of the given text parts."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()


@dataclass(frozen=True)
class Article:
    """One news article, as read from a source.

    ``id`` is stable across runs (feed guid, URL, record id or file path); ``published`` is
    timezone-aware or ``None`` when the source states no date (never guessed).
    """

    id: str
    title: str
    text: str
    source: str | None = None  # the outlet, e.g. "Reuters"
    url: str | None = None
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    place: str | None = None  # dateline place, e.g. "BRUSSELS"
    origin: str = ""  # the file, folder or feed it was read from

    @property
    def content_hash(self) -> str:
        """Hash of everything that, when changed, requires re-indexing."""
        published = self.published.isoformat() if self.published else ""
        return content_hash(
            self.title,
            self.text,
            self.source or "",
            self.url or "",
            published,
            "|".join(self.authors),
            self.place or "",
        )


@dataclass(frozen=True)
class Rejection:
    """An input that could not be read, and why (one line for the user)."""

    input: str
    reason: str
    # over a size limit (index.loaders.limits): not read again while unchanged; not compared
    too_large: bool = field(default=False, compare=False)

    def __str__(self) -> str:
        return f"{self.input}: {self.reason}"


@dataclass(frozen=True)
class Chunk:
    """A piece of an article small enough to embed, with a header so it stands alone."""

    id: str
    article_id: str
    index: int
    text: str  # header + body, what is embedded and shown to the LLM
    body: str  # the article text of this chunk alone


@dataclass
class BuildReport:
    """What one build or update did."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    removed: int = 0
    chunks_added: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no input was rejected."""
        return not self.rejected

    def summary(self) -> str:
        """One line for a person: ``4 new, 0 changed, ... 1 rejected; 12 chunks in 3.2s``."""
        return (
            f"{self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.duplicates} duplicates, {self.removed} removed, "
            f"{len(self.rejected)} rejected; {self.chunks_added} chunks in {self.seconds:.1f}s"
        )
