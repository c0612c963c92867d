"""In-memory fakes of the two searches over a few stories, shared by the retriever tests (their
fixtures are in this folder's ``conftest``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from index.fakes import FakeEmbedder
from index.stores.bounds import NO_BOUNDS, SearchBounds
from index.stores.keyword_index import KeywordHits
from index.stores.records import StoredHit

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


class MemoryIndex:
    """Both searches over a few stories: cosine over fake vectors, and term-count keyword hits."""

    def __init__(self, stories: Sequence[Story], embedder: FakeEmbedder) -> None:
        self.hits: list[StoredHit] = []
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
                self.hits.append(StoredHit(chunk_id, header + body, metadata, 0.0))
        self.vectors = embedder.embed([hit.text for hit in self.hits])
        self.dense_wheres: list[dict | None] = []
        self.keyword_calls: list[tuple[frozenset[str], SearchBounds]] = []
        self.syndicated: dict[str, list[str]] = {"fish-deal": ["BBC", "The Guardian"]}

    def query(
        self, embedding: np.ndarray, n: int, bounds: SearchBounds = NO_BOUNDS
    ) -> list[StoredHit]:
        where = bounds.chroma_where()
        self.dense_wheres.append(where)
        sims = self.vectors @ np.asarray(embedding)
        order = [
            i
            for i in np.argsort(-sims)
            if _matches(self.hits[i].metadata, where)
            and bounds.before_cut(self.hits[i].metadata.get("published_ts"))
        ]
        return [_scored(self.hits[i], float(sims[i])) for i in order[:n]]

    def search(
        self, terms: Any, n: int, bounds: SearchBounds = NO_BOUNDS, *, articles: int | None = None
    ) -> KeywordHits:
        self.keyword_calls.append((frozenset(terms), bounds))
        since_ts, until_ts = bounds.since_ts, bounds.latest_ts
        scored = []
        for hit in self.hits:
            ts = hit.metadata.get("published_ts")
            if (since_ts is not None or until_ts is not None) and ts is None:
                continue
            if (since_ts is not None and ts < since_ts) or (until_ts is not None and ts > until_ts):
                continue
            if bounds.outlets and not _from_outlets(hit, bounds.outlets, bounds.syndicated):
                continue
            words = re.findall(r"\w+", hit.text.lower())
            score = sum(words.count(term) for term in terms)
            if score:
                scored.append(_scored(hit, float(score)))
        scored.sort(key=lambda hit: -hit.score)
        # the best chunk of each article in keyword order (scored by the chunk)
        best = {hit.metadata["article_id"]: hit for hit in reversed(scored)}
        by_article = sorted(best.values(), key=lambda hit: -hit.score)
        return KeywordHits(scored[:n], by_article[: n // 2 if articles is None else articles])

    def outlets(self) -> list[str]:
        names = {hit.metadata["source"] for hit in self.hits if hit.metadata["source"]}
        return sorted(names.union(*self.syndicated.values()))

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        return {a: self.syndicated[a] for a in article_ids if a in self.syndicated}

    def syndicated_in(self, sources: Sequence[str]) -> list[str]:
        wanted = {source.lower() for source in sources}
        return [
            a
            for a, outlets in self.syndicated.items()
            if wanted & {outlet.lower() for outlet in outlets}
        ]


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
        return [hit for hit in self.dense if _matches(hit.metadata, bounds.chroma_where())][:n]

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


def _from_outlets(hit: StoredHit, sources: Sequence[str], syndicated: Sequence[str]) -> bool:
    wanted = {source.lower() for source in sources}
    return hit.metadata["source"].lower() in wanted or hit.metadata["article_id"] in syndicated


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


def _scored(hit: StoredHit, score: float) -> StoredHit:
    return StoredHit(hit.chunk_id, hit.text, hit.metadata, score)


def _matches(metadata: dict[str, Any], where: dict | None) -> bool:
    if not where:
        return True
    if "$and" in where:
        return all(_matches(metadata, clause) for clause in where["$and"])
    if "$or" in where:
        return any(_matches(metadata, clause) for clause in where["$or"])
    ((key, condition),) = where.items()
    if key not in metadata:
        return False
    value = metadata[key]
    if not isinstance(condition, dict):
        return value == condition
    ((op, operand),) = condition.items()
    return {
        "$gte": lambda: value >= operand,
        "$lte": lambda: value <= operand,
        "$in": lambda: value in operand,
    }[op]()


def _ids(sources: Sequence[Any]) -> list[str]:
    return [source.article_id for source in sources]
