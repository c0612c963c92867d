"""BM25 keyword search in memory (bm25s), derived from the catalog's chunks.

Two indexes over the same text: one document per chunk (which passage matches) and one per
article (which story matches as a whole: a long report that keeps mentioning the question's
names beats a passing mention; long documents get the usual k1=0.9, b=0.4). The catalog stays
the record; this is a cache of it. Scores are precomputed in sparse matrices, so one search over
~60k chunks takes about a millisecond (an SQLite FTS5 OR-query, the earlier design, took ~100 ms).

The indexes are built for one catalog *generation*, saved under ``<home>/keyword/`` and loaded
by the next process; a search notices a newer generation (another build, a web-chat
upload) and rebuilds first. A half-written cache folder is never read: it is written under a
temporary name and renamed into place.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import bm25s
import numpy as np
import Stemmer

from index.stores.bounds import NO_BOUNDS, SearchBounds
from index.stores.catalog import Catalog, ChunkRecord
from index.stores.records import StoredHit
from index.text import KEYWORD_STOPWORDS

FORMAT = 3  # bump when tokenisation or the saved layout changes
_TOKEN = r"(?u)\b\w+\b"
_UNDATED = np.iinfo(np.int64).min
_STEMMER = Stemmer.Stemmer("english")
_STOPWORDS = sorted(KEYWORD_STOPWORDS)


def tokenize(texts: Sequence[str]) -> list[list[str]]:
    """Lower-cased, stemmed words without stopwords: the terms of both chunks and queries."""
    tokens = bm25s.tokenize(
        list(texts), token_pattern=_TOKEN, stopwords=_STOPWORDS, stemmer=_STEMMER,
        return_ids=False, show_progress=False,
    )
    return [list(words) for words in tokens]


@dataclass(frozen=True)
class KeywordHits:
    """One keyword search: the best chunks, and the best articles (as their best chunk)."""

    chunks: list[StoredHit]
    articles: list[StoredHit]


@dataclass(frozen=True)
class _Snapshot:
    """BM25 over the chunks of one catalog generation, with the columns filters need."""

    instance: str  # Catalog.instance(): a cleared and rebuilt index never reuses a snapshot
    generation: int
    chunks: bm25s.BM25 | None  # one document per chunk; None: no chunks
    articles: bm25s.BM25 | None  # one document per article
    rowids: np.ndarray  # int64, chunk position -> catalog rowid
    published_ts: np.ndarray  # int64, _UNDATED when the chunk has no date
    source_codes: np.ndarray  # int32, chunk position -> index into ``sources``
    article_of: np.ndarray  # int32, chunk position -> article position
    sources: tuple[str, ...]  # lower-cased outlet names
    article_ids: tuple[str, ...]  # article position -> article id

    @cached_property
    def article_position(self) -> dict[str, int]:
        """Article id -> article position."""
        return {article_id: number for number, article_id in enumerate(self.article_ids)}

    @cached_property
    def first_chunk(self) -> np.ndarray:
        """Article position -> position of one of its chunks (for its date and outlet)."""
        first = np.zeros(int(self.article_of.max()) + 1 if len(self.article_of) else 0, np.int64)
        first[self.article_of[::-1]] = np.arange(len(self.article_of))[::-1]
        return first


class KeywordIndex:
    """BM25 keyword search over the catalog's chunks, served from memory."""

    def __init__(self, catalog: Catalog, folder: Path) -> None:
        self.catalog = catalog
        self.folder = folder
        self._snapshot: _Snapshot | None = None
        self._lock = threading.Lock()

    def search(
        self,
        terms: Iterable[str],
        n: int,
        bounds: SearchBounds = NO_BOUNDS,
        *,
        articles: int | None = None,
    ) -> KeywordHits:
        """The best chunks and articles for ``terms`` (words; stemmed here) by BM25, best first.

        ``chunks``: the ``n`` best chunks (``score`` > 0). ``articles``: the ``articles``
        (default ``n // 2``) best articles by BM25 over whole articles, each as its chunk that
        matches best, scored with the article's score. Chunks outside ``bounds`` are left out
        (see ``SearchBounds``: its ``cut_ts`` is one more upper bound here). BM25 scores every
        chunk and article once.
        """
        wanted = n // 2 if articles is None else articles
        snapshot = self.refresh()
        words = _index_terms(terms)
        chunk_scores = _scores(snapshot.chunks, words)
        if chunk_scores is None or (n <= 0 and wanted <= 0):
            return KeywordHits([], [])
        allowed = _filter_mask(snapshot, bounds)
        if allowed is not None:
            chunk_scores = np.where(allowed, chunk_scores, 0.0)
        top_chunks = _top(chunk_scores, n)
        best, article_scores = self._best_of_articles(snapshot, words, chunk_scores, allowed,
                                                      wanted)
        rows = self.catalog.chunks_at(
            [int(snapshot.rowids[i]) for i in np.concatenate([top_chunks, best])]
        )
        return KeywordHits(
            chunks=_hits(snapshot, rows, top_chunks, chunk_scores[top_chunks]),
            articles=_hits(snapshot, rows, best, article_scores),
        )

    def outlets(self) -> list[str]:
        """The outlets in the index (from the catalog)."""
        return self.catalog.outlets()

    def also_in(self, article_ids: Sequence[str]) -> dict[str, list[str]]:
        """Outlets of syndicated copies of these articles (from the catalog)."""
        return self.catalog.also_in(article_ids)

    def syndicated_in(self, sources: Sequence[str]) -> list[str]:
        """Articles these outlets ran as syndicated copies (from the catalog)."""
        return self.catalog.syndicated_in(sources)

    def refresh(self) -> _Snapshot:
        """The snapshot of the catalog's current generation (loaded, or built and saved)."""
        generation = self.catalog.generation()  # read once per search
        snapshot = self._snapshot
        if snapshot is not None and snapshot.generation == generation:
            return snapshot
        with self._lock:
            snapshot = self._snapshot  # another thread may have refreshed meanwhile
            if snapshot is None or snapshot.generation != generation:
                instance = self.catalog.instance()
                snapshot = _load(self.folder, instance, generation) or self._build(instance)
                self._snapshot = snapshot
            return snapshot

    @staticmethod
    def _best_of_articles(
        snapshot: _Snapshot,
        words: list[str],
        chunk_scores: np.ndarray,
        allowed: np.ndarray | None,
        n: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The best chunk of each of the ``n`` best articles (positions) and their scores."""
        article_scores = _scores(snapshot.articles, words) if n > 0 else None
        if article_scores is None:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        if allowed is not None:
            article_scores = np.where(allowed[snapshot.first_chunk], article_scores, 0.0)
        top_articles = _top(article_scores, n)
        if top_articles.size == 0:  # the bounds left no article
            return top_articles, np.zeros(0)
        # the best chunk of each top article: sort its chunks by (article rank, -chunk score)
        rank_of = np.full(len(article_scores), -1)
        rank_of[top_articles] = np.arange(len(top_articles))
        members = np.flatnonzero(rank_of[snapshot.article_of] >= 0)
        ranks = rank_of[snapshot.article_of[members]]
        order = np.lexsort((-chunk_scores[members], ranks))
        firsts = np.flatnonzero(np.r_[True, ranks[order][1:] != ranks[order][:-1]])
        return members[order[firsts]], article_scores[top_articles]

    def _build(self, instance: str) -> _Snapshot:
        generation, rows = self.catalog.keyword_corpus()
        names = sorted({str(row["source"]).lower() for row in rows})
        code = {name: number for number, name in enumerate(names)}
        article_numbers: dict[str, int] = {}
        article_texts: list[list[str]] = []
        for row in rows:
            number = article_numbers.setdefault(row["article_id"], len(article_numbers))
            if number == len(article_texts):
                article_texts.append([row["text"]])  # the first chunk with its header
            else:
                article_texts[number].append(row["text"][row["body_start"]:])
        chunks = articles = None
        if rows:
            chunks = bm25s.BM25(k1=1.2, b=0.75)
            chunks.index(tokenize([row["text"] for row in rows]), show_progress=False)
            articles = bm25s.BM25(k1=0.9, b=0.4)
            articles.index(tokenize([" ".join(texts) for texts in article_texts]),
                           show_progress=False)
        snapshot = _Snapshot(
            instance=instance,
            generation=generation,
            chunks=chunks,
            articles=articles,
            rowids=np.array([row["rowid"] for row in rows], dtype=np.int64),
            published_ts=np.array(
                [_UNDATED if row["published_ts"] is None else row["published_ts"] for row in rows],
                dtype=np.int64,
            ),
            source_codes=np.array([code[str(row["source"]).lower()] for row in rows],
                                  dtype=np.int32),
            article_of=np.array([article_numbers[row["article_id"]] for row in rows],
                                dtype=np.int32),
            sources=tuple(names),
            article_ids=tuple(article_numbers),
        )
        _save(self.folder, snapshot)
        return snapshot


def _index_terms(terms: Iterable[str]) -> list[str]:
    """The index terms (stemmed, no stopwords) of distinct words, in sorted word order."""
    return [term for words in tokenize(sorted(set(terms))) for term in words]


def _scores(model: bm25s.BM25 | None, terms: Sequence[str]) -> np.ndarray | None:
    """BM25 score of every document of ``model`` for ``terms`` (None: no known term)."""
    if model is None:
        return None
    known = [term for term in terms if term in model.vocab_dict]
    return model.get_scores(known) if known else None


def _hits(
    snapshot: _Snapshot, rows: dict[int, ChunkRecord], positions: np.ndarray, scores: np.ndarray
) -> list[StoredHit]:
    """Hits for chunk ``positions`` from their catalog ``rows`` (by rowid)."""
    hits = []
    for position, score in zip(positions, scores, strict=True):
        chunk = rows.get(int(snapshot.rowids[position]))
        if chunk is not None:  # removed since the snapshot; the next search rebuilds
            hits.append(StoredHit(chunk.id, chunk.text, dict(chunk.metadata), float(score)))
    return hits


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the ``n`` highest positive scores, best first."""
    n = min(n, int(np.count_nonzero(scores > 0)))
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, n - 1)[:n]
    return top[np.argsort(-scores[top], kind="stable")]


def _filter_mask(snapshot: _Snapshot, bounds: SearchBounds) -> np.ndarray | None:
    """Which chunks pass ``bounds`` (None: all of them); the chunks of ``bounds.syndicated``
    pass the outlet test too."""
    allowed = None
    since_ts, until_ts = bounds.since_ts, bounds.latest_ts
    if since_ts is not None or until_ts is not None:
        allowed = snapshot.published_ts != _UNDATED
        if since_ts is not None:
            allowed &= snapshot.published_ts >= since_ts
        if until_ts is not None:
            allowed &= snapshot.published_ts <= until_ts
    if bounds.outlets:
        wanted = {outlet.lower() for outlet in bounds.outlets}
        codes = [number for number, name in enumerate(snapshot.sources) if name in wanted]
        in_outlets = np.isin(snapshot.source_codes, codes)
        copies = [snapshot.article_position[a] for a in bounds.syndicated
                  if a in snapshot.article_position]
        if copies:
            in_outlets |= np.isin(snapshot.article_of, copies)
        allowed = in_outlets if allowed is None else allowed & in_outlets
    return allowed


def _folder_name(instance: str, generation: int) -> str:
    return f"v{FORMAT}-{instance}-g{generation}"


def _save(folder: Path, snapshot: _Snapshot) -> None:
    """Write the snapshot to ``folder/v<FORMAT>-g<generation>`` (atomically), drop older ones.

    A cache that cannot be written (read-only home) only costs a rebuild in the next process.
    """
    final = folder / _folder_name(snapshot.instance, snapshot.generation)
    temporary = folder / f".{final.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        temporary.mkdir(parents=True, exist_ok=False)
        if snapshot.chunks is not None and snapshot.articles is not None:
            snapshot.chunks.save(str(temporary / "chunks"), show_progress=False)
            snapshot.articles.save(str(temporary / "articles"), show_progress=False)
        np.savez(temporary / "columns.npz", rowids=snapshot.rowids,
                 published_ts=snapshot.published_ts, source_codes=snapshot.source_codes,
                 article_of=snapshot.article_of)
        (temporary / "sources.json").write_text(json.dumps(list(snapshot.sources)))
        (temporary / "articles.json").write_text(json.dumps(list(snapshot.article_ids)))
        if final.exists():
            shutil.rmtree(temporary)
        else:
            temporary.rename(final)
        for old in folder.iterdir():
            if old.name != final.name and not old.name.startswith("."):
                shutil.rmtree(old, ignore_errors=True)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)


def _load(folder: Path, instance: str, generation: int) -> _Snapshot | None:
    """The saved snapshot of this catalog state, or None when there is none (or unreadable)."""
    path = folder / _folder_name(instance, generation)
    try:
        with np.load(path / "columns.npz") as columns:
            rowids, published_ts = columns["rowids"], columns["published_ts"]
            source_codes, article_of = columns["source_codes"], columns["article_of"]
        sources = tuple(json.loads((path / "sources.json").read_text()))
        article_ids = tuple(json.loads((path / "articles.json").read_text()))
        chunks = articles = None
        if len(rowids):
            chunks = bm25s.BM25.load(str(path / "chunks"), mmap=True, show_progress=False)
            articles = bm25s.BM25.load(str(path / "articles"), mmap=True, show_progress=False)
    except (OSError, ValueError, KeyError):
        return None
    return _Snapshot(instance, generation, chunks, articles, rowids, published_ts, source_codes,
                     article_of, sources, article_ids)
