"""In-memory fakes of the two searches over a few stories, shared by the retriever tests (their
fixtures are in this folder's ``conftest``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from index.fakes import FakeEmbedder
from index.memory import MemoryIndex as InMemoryIndex
from index.memory import passes
from index.reader import NO_BOUNDS, KeywordHits, SearchBounds, StoredHit

AS_OF = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)  # a Wednesday


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    source: str
    published: str  # YYYY-MM-DD or ""
    paragraphs: tuple[str, ...]


STORIES = [
    Story(
        "fish-deal",
        "EU and UK agree fishing deal",
        "Reuters",
        "2025-03-10",
        (
            "The European Union and Britain agreed a fishing deal in Brussels on Monday.",
            "Fishermen in Scotland welcomed the cod and herring quotas.",
            "Ministers will meet again on December 10 to sign the fishing deal.",
            "Talks had lasted for months before the breakthrough.",
        ),
    ),
    Story(
        "fish-old",
        "Fishing talks between EU and UK stall",
        "AP",
        "2024-06-01",
        ("Fishing talks between the European Union and Britain stalled in Brussels.",),
    ),
    Story(
        "mars",
        "NASA plans Mars sample return",
        "CNN",
        "2025-03-11",
        ("NASA announced a plan to retrieve rock samples from Mars with a cheaper mission.",),
    ),
    Story(
        "tariffs",
        "Trump announces steel tariffs",
        "USA Today",
        "2025-03-05",
        ("President Trump announced a 25% tariff on steel imports from Canada and Mexico.",),
    ),
    Story(
        "fish-future",
        "EU and UK sign fishing deal",
        "Reuters",
        "2025-04-01",
        ("The European Union and Britain signed the fishing deal in Brussels.",),
    ),
    Story(
        "undated",
        "Herring stocks recover",
        "",
        "",
        ("Herring stocks in the North Sea recovered, scientists said.",),
    ),
]


class MemoryIndex(InMemoryIndex):
    """Both searches over a few stories (``index.memory.MemoryIndex``, built from ``Story``s):
    cosine over fake vectors, term-count keyword hits; BBC and The Guardian ran copies of
    ``fish-deal``."""

    def __init__(self, stories: Sequence[Story], embedder: FakeEmbedder) -> None:
        hits: list[StoredHit] = []
        for story in stories:
            header = f"{story.title}\n{story.source} · {story.published}\n\n"
            for index, body in enumerate(story.paragraphs):
                metadata: dict[str, Any] = {
                    "article_id": story.id,
                    "chunk_index": index,
                    "title": story.title,
                    "source": story.source,
                    "url": f"https://news.example/{story.id}",
                    "published": story.published,
                    "authors": "",
                    "place": "",
                    "body_start": len(header),
                }
                if story.published:
                    day = date.fromisoformat(story.published)
                    metadata["published_ts"] = int(
                        datetime(*day.timetuple()[:3], tzinfo=UTC).timestamp()
                    )
                chunk_id = f"{story.id}#hash#{index}"
                hits.append(StoredHit(chunk_id, header + body, metadata, 0.0))
        vectors = embedder.embed([hit.text for hit in hits])
        super().__init__(hits, vectors, syndicated={"fish-deal": ["BBC", "The Guardian"]})

    @property
    def dense_wheres(self) -> list[dict | None]:
        """The Chroma filter of each dense search (what ``ChromaStore`` would have sent)."""
        return [bounds.chroma_where() for bounds in self.dense_bounds]


class ScriptedSearch:
    """Dense and keyword searches that return fixed rankings (filters still apply)."""

    def __init__(
        self,
        dense: list[StoredHit],
        keyword: list[StoredHit],
        articles: list[StoredHit] | None = None,
    ) -> None:
        self.dense, self.keyword, self.articles = dense, keyword, articles or []
        self.article_calls = 0

    def query(
        self, embedding: np.ndarray, n: int, bounds: SearchBounds = NO_BOUNDS
    ) -> list[StoredHit]:
        return [hit for hit in self.dense if passes(hit, bounds, dense=True)][:n]

    def search(
        self, terms: Any, n: int, bounds: SearchBounds = NO_BOUNDS, *, articles: int | None = None
    ) -> KeywordHits:
        wanted = n // 2 if articles is None else articles
        self.article_calls += wanted > 0
        return KeywordHits(self.keyword[:n], self.articles[:wanted])

    def outlets(self) -> list[str]:
        return []

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        return {}

    def syndicated_in(self, sources: Sequence[str]) -> list[str]:
        return []


def _hit(article: str, score: float) -> StoredHit:
    """A one-chunk article hit with minimal metadata."""
    metadata = {
        "article_id": article,
        "chunk_index": 0,
        "title": article,
        "source": "",
        "url": "",
        "published": "",
        "body_start": 0,
    }
    return StoredHit(f"{article}#h#0", f"text of {article}", metadata, score)


def _ids(sources: Sequence[Any]) -> list[str]:
    return [source.article_id for source in sources]
