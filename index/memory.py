"""An in-memory index: the read interface of ``index.reader.IndexReader`` over a list of chunks.

A test double, shipped so users' tests can use it too: cosine over given vectors for the dense
search, term counts for the keyword search, and the same search bounds as the real stores
(``tests/test_search_bounds.py`` runs one contract suite against both). It records the calls it
gets (``dense_bounds``, ``keyword_calls``) so tests can see what a retriever asked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from index.reader import NO_BOUNDS, KeywordHits, SearchBounds, StoredHit

_WORD = re.compile(r"\w+")


class MemoryIndex:
    """Both searches and the article facts over ``hits`` (chunks with their metadata).

    ``vectors`` holds one unit vector per hit, in order; ``syndicated`` maps an article id to
    the outlets that ran copies of it (``also_in``).
    """

    def __init__(
        self,
        hits: Sequence[StoredHit],
        vectors: np.ndarray,
        syndicated: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        if len(hits) != len(vectors):
            raise ValueError(f"{len(hits)} chunks but {len(vectors)} vectors")
        self.hits = list(hits)
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.syndicated = {key: list(value) for key, value in (syndicated or {}).items()}
        self.dense_bounds: list[SearchBounds] = []
        self.keyword_calls: list[tuple[frozenset[str], SearchBounds]] = []

    def query(
        self, embedding: np.ndarray, n: int, bounds: SearchBounds = NO_BOUNDS
    ) -> list[StoredHit]:
        """The ``n`` nearest chunks within ``bounds`` (the as-of cut keeps undated chunks)."""
        self.dense_bounds.append(bounds)
        if n <= 0 or not self.hits:
            return []
        similarities = self.vectors @ np.asarray(embedding, dtype=np.float32)
        order = [
            i
            for i in np.argsort(-similarities, kind="stable")
            if passes(self.hits[i], bounds, dense=True)
        ]
        return [_scored(self.hits[i], float(similarities[i])) for i in order[:n]]

    def search(
        self,
        terms: Iterable[str],
        n: int,
        bounds: SearchBounds = NO_BOUNDS,
        *,
        articles: int | None = None,
    ) -> KeywordHits:
        """Chunks holding ``terms`` (case-insensitive), most occurrences first, within
        ``bounds`` (the as-of cut is one more upper bound: undated chunks do not pass); and the
        best chunk of each of the best ``articles`` (default ``n // 2``) articles."""
        words = frozenset(term.lower() for term in terms)
        self.keyword_calls.append((words, bounds))
        scored = []
        for hit in self.hits:
            if not passes(hit, bounds, dense=False):
                continue
            found = _WORD.findall(hit.text.lower())
            score = sum(found.count(word) for word in words)
            if score:
                scored.append(_scored(hit, float(score)))
        scored.sort(key=lambda hit: -hit.score)
        best = {hit.metadata["article_id"]: hit for hit in reversed(scored)}
        by_article = sorted(best.values(), key=lambda hit: -hit.score)
        wanted = n // 2 if articles is None else articles
        return KeywordHits(scored[: max(n, 0)], by_article[: max(wanted, 0)])

    def outlets(self) -> list[str]:
        """Outlets of the chunks and of the syndicated copies, sorted case-insensitively."""
        names = {str(hit.metadata.get("source") or "") for hit in self.hits}
        names.update(*self.syndicated.values())
        return sorted((name for name in names if name), key=str.casefold)

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """Outlets of the syndicated copies of these articles (absent: no copies)."""
        return {
            article_id: sorted(self.syndicated[article_id], key=str.lower)
            for article_id in article_ids
            if self.syndicated.get(article_id)
        }

    def syndicated_in(self, sources: Sequence[str]) -> list[str]:
        """Articles that these outlets (case-insensitive) ran as copies."""
        wanted = {source.lower() for source in sources}
        return [
            article_id
            for article_id, outlets in self.syndicated.items()
            if wanted & {outlet.lower() for outlet in outlets}
        ]


def passes(hit: StoredHit, bounds: SearchBounds, *, dense: bool) -> bool:
    """Whether a chunk is inside ``bounds`` as the dense store (``dense``) or the keyword index
    applies them: the dense store cuts after its search and keeps undated chunks there, and
    matches outlet names exactly; the keyword index takes the cut as one more upper bound and
    ignores the case of outlet names."""
    if dense:
        return _within(hit, bounds, bounds.until_ts, fold_case=False) and bounds.before_cut(
            hit.metadata.get("published_ts")
        )
    return _within(hit, bounds, bounds.latest_ts, fold_case=True)


def _within(hit: StoredHit, bounds: SearchBounds, until_ts: int | None, *, fold_case: bool) -> bool:
    """Inside the publication range ending at ``until_ts`` (undated chunks are not) and from one
    of the outlets (or a copy they ran). Outlet names match exactly as in Chroma's filter, or
    ignoring case (``fold_case``) as in the keyword index."""
    ts = hit.metadata.get("published_ts")
    if bounds.since_ts is not None or until_ts is not None:
        if ts is None:
            return False
        if bounds.since_ts is not None and ts < bounds.since_ts:
            return False
        if until_ts is not None and ts > until_ts:
            return False
    if not bounds.outlets or hit.metadata.get("article_id") in bounds.syndicated:
        return True
    source = str(hit.metadata.get("source") or "")
    if fold_case:
        return source.lower() in {outlet.lower() for outlet in bounds.outlets}
    return source in bounds.outlets


def _scored(hit: StoredHit, score: float) -> StoredHit:
    return StoredHit(hit.chunk_id, hit.text, hit.metadata, score)
