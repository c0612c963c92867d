"""What the assistant returns: an answer, its citations, and the sources it was given."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class RetrievedChunk:
    """One chunk found for a question; ``text`` carries the header, ``body`` the article text."""

    chunk_id: str
    text: str
    body: str
    score: float  # fused score (higher is better)
    similarity: float | None = None  # cosine similarity to the question, when known


@dataclass(frozen=True)
class ArticleRef:
    """An article as an answer numbers it: ``[n]``, its id, and what names it to a reader."""

    n: int
    article_id: str
    title: str
    source: str | None  # the outlet
    url: str | None
    published: datetime | None


@dataclass(frozen=True)
class Source(ArticleRef):
    """One article given to the LLM as source ``[n]``, with its best chunks."""

    chunks: tuple[RetrievedChunk, ...]
    score: float
    also_in: tuple[str, ...] = ()  # other outlets that ran the same story

    @property
    def text(self) -> str:
        """The article text the LLM sees for this source (its best chunks, in article order)."""
        return "\n...\n".join(chunk.body for chunk in self.chunks)


@dataclass(frozen=True)
class Citation(ArticleRef):
    """A source number used in the answer, with the text of the source that supports it."""

    snippet: str
    also_in: tuple[str, ...] = ()  # other outlets that ran the same story

    @classmethod
    def of(cls, source: Source, snippet: str) -> Citation:
        """The citation of ``source`` (same number and article) shown with ``snippet``."""
        return cls(
            source.n,
            source.article_id,
            source.title,
            source.source,
            source.url,
            source.published,
            snippet=snippet,
            also_in=source.also_in,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``--json`` contract)."""
        return {
            "n": self.n,
            "article_id": self.article_id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "snippet": self.snippet,
            "also_in": list(self.also_in),
        }


@dataclass(frozen=True)
class BriefItem:
    """One line of a briefing, timeline or comparison: its date, text and source numbers."""

    date: datetime | None
    text: str
    citations: list[int]
    story_id: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``"items"`` of the ``--json`` contract); ``date`` is YYYY-MM-DD."""
        return {
            "date": self.date.date().isoformat() if self.date else None,
            "text": self.text,
            "citations": list(self.citations),
            "story_id": self.story_id,
        }


@dataclass
class Answer:
    """The reply; ``covered`` is False when the indexed news does not hold the answer."""

    text: str
    citations: list[Citation]
    sources: list[Source]
    question_used: str
    timings: dict[str, float] = field(default_factory=dict)
    covered: bool = True
    kind: str = "fact"  # "fact", "briefing", "timeline" or "compare" (assistant.kinds)
    items: list[BriefItem] = field(default_factory=list)  # the dated lines of a non-fact answer
    note: str = ""  # what the reader must know first, e.g. that another period was answered

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the ``--json`` contract)."""
        return {
            "answer": self.text,
            "citations": [citation.to_dict() for citation in self.citations],
            "question_used": self.question_used,
            "covered": self.covered,
            "timings": {name: round(value, 4) for name, value in self.timings.items()},
            "kind": self.kind,
            "items": [item.to_dict() for item in self.items],
            "note": self.note,
        }
