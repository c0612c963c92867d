"""The keyword index's segments: two tantivy indexes of pre-analysed terms, on disk.

``chunks`` holds one document per catalog chunk, ``articles`` one per article (its first chunk
in full, then the bodies of the others), both scored by tantivy's BM25 (k1=1.2, b=0.75).
Every document carries its article's id (exact deletes and the syndication filter), a 64-bit
key of it (grouping chunks by article from a fast field), its outlet (lower-cased), its date
(epoch seconds; none when undated) and a catalog ``rowid`` (an article's: its first chunk's).
Text is never stored: hits are read back from the catalog by rowid.

Tantivy keeps each commit in immutable, memory-mapped segment files and merges them in the
background; a commit is atomic (a crash before it leaves the previous commit), so a write of N
articles costs time in proportion to N, not to the archive.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import tantivy

from index.stores.bounds import SearchBounds
from index.stores.keyword_terms import terms

_HEAP = 64_000_000  # bytes of indexing buffer per writer (tantivy's minimum is 15 MB)
_I64 = (-(2**63), 2**63 - 1)
_WORD = re.compile(r"\w")
PAD = "."  # the filler term of article documents (no query term is punctuation)
_BEST_CHUNKS_LIMIT = 5_000  # matching chunks read to find each top article's best one


class Row(Protocol):
    """A chunk as the keyword index reads it (a catalog row, or a dict): ``rowid``,
    ``article_id``, ``text``, ``body_start``, ``published_ts`` and ``source``."""

    def __getitem__(self, key: str) -> Any: ...


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("terms", tokenizer_name="whitespace", index_option="freq")
    builder.add_text_field("article_id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("source", tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("published_ts", indexed=True, fast=True)
    builder.add_unsigned_field("rowid", fast=True)
    builder.add_unsigned_field("article_key", fast=True)
    return builder.build()


SCHEMA = _schema()


def article_key(article_id: str) -> int:
    """A 64-bit key of an article id (grouping only: deletes and filters use the id)."""
    return int.from_bytes(hashlib.blake2b(article_id.encode(), digest_size=8).digest(), "big")


@dataclass(frozen=True)
class ArticleHit:
    """One article found by the article index."""

    score: float
    article_id: str
    key: int
    first_rowid: int


class Segments:
    """The two tantivy indexes of one folder (or in memory when ``folder`` is None)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.chunks = _open(None if folder is None else folder / "chunks")
        self.articles = _open(None if folder is None else folder / "articles")

    def write(
        self,
        groups: Iterable[tuple[str, Sequence[Row]]],
        removed: Iterable[str] = (),
        *,
        clear: bool = False,
        padding: int = 0,
    ) -> int:
        """Replace articles: delete every document of ``removed`` (all of them when ``clear``),
        add each ``(article_id, chunk rows)`` group, commit both indexes. Returns the chunks
        added. Deleting an article that ``groups`` adds again is what replaces it. Every article
        document gets ``padding`` filler terms (see ``article_padding``)."""
        chunk_writer = self.chunks.writer(_HEAP, 1)
        article_writer = self.articles.writer(_HEAP, 1)
        if clear:
            chunk_writer.delete_all_documents()
            article_writer.delete_all_documents()
        for article_id in removed:
            chunk_writer.delete_documents_by_term("article_id", article_id)
            article_writer.delete_documents_by_term("article_id", article_id)
        added = 0
        for article_id, rows in groups:
            if not rows:
                continue
            key = article_key(article_id)
            whole: list[str] = []
            for number, row in enumerate(rows):
                chunk, body = _analyse(str(row["text"]), int(row["body_start"]))
                chunk_writer.add_document(_document(chunk, article_id, key, row))
                whole.extend(chunk if number == 0 else body)
            whole.extend([PAD] * padding)
            article_writer.add_document(_document(whole, article_id, key, rows[0]))
            added += len(rows)
        chunk_writer.commit()
        article_writer.commit()
        chunk_writer.wait_merging_threads()
        article_writer.wait_merging_threads()
        return added

    def reload(self) -> None:
        """See the latest commit (of this or another process)."""
        self.chunks.reload()
        self.articles.reload()

    def searchers(self) -> tuple[tantivy.Searcher, tantivy.Searcher]:
        """Searchers of the chunks and articles as of the last ``reload``."""
        return self.chunks.searcher(), self.articles.searcher()


def article_padding(rows: Sequence[Row], sample: int = 300) -> int:
    """Filler terms to add to every article document so that tantivy's BM25 (b = 0.75, fixed)
    normalises article length as b = 0.4 would (the article ranking's tuned value): with P
    more terms per document, the length factor is 1 - b + b * (L + P) / (A + P), i.e. an
    effective b of 0.75 * A / (A + P) for A the mean article length; P = 0.875 A gives 0.4.
    A is estimated from the rows' text (terms per character measured on a ``sample`` of
    chunks); a filler term never matches a query (queries are words)."""
    if not rows:
        return 0
    step = max(len(rows) // sample, 1)
    measured = rows[::step]
    per_char = sum(len(terms(str(r["text"]))) for r in measured) / max(
        sum(len(str(r["text"])) for r in measured), 1
    )
    articles: set[str] = set()
    characters = 0
    for row in rows:
        text = str(row["text"])
        first = str(row["article_id"]) not in articles
        articles.add(str(row["article_id"]))
        characters += len(text) if first else len(text) - int(row["body_start"])
    return round(0.875 * per_char * characters / len(articles))


def top_chunks(
    searcher: tantivy.Searcher, words: Sequence[str], n: int, bounds: SearchBounds
) -> list[tuple[float, int]]:
    """``(score, rowid)`` of the ``n`` best chunks for these index terms within ``bounds``."""
    query = _query(words, bounds)
    if query is None or n <= 0:
        return []
    hits = searcher.search(query, n, count=False).hits
    rowids = searcher.fast_field_values("rowid", [address for _, address in hits])
    return [(float(score), int(rowid or 0)) for (score, _), rowid in zip(hits, rowids, strict=True)]


def top_articles(
    searcher: tantivy.Searcher, words: Sequence[str], n: int, bounds: SearchBounds
) -> list[ArticleHit]:
    """The ``n`` best articles for these index terms (their first chunk within ``bounds``)."""
    query = _query(words, bounds)
    if query is None or n <= 0:
        return []
    hits = searcher.search(query, n, count=False).hits
    addresses = [address for _, address in hits]
    keys = searcher.fast_field_values("article_key", addresses)
    rowids = searcher.fast_field_values("rowid", addresses)
    return [
        ArticleHit(
            float(score),
            str(searcher.doc(address).get_first("article_id")),
            int(key or 0),
            int(rowid or 0),
        )
        for (score, address), key, rowid in zip(hits, keys, rowids, strict=True)
    ]


def best_chunks(
    searcher: tantivy.Searcher,
    words: Sequence[str],
    articles: Sequence[ArticleHit],
    bounds: SearchBounds,
) -> dict[int, int]:
    """Article key -> rowid of its best-scoring chunk, for these articles (those with one)."""
    query = _query(words, bounds, only=[hit.article_id for hit in articles])
    if query is None or not articles:
        return {}
    hits = searcher.search(query, _BEST_CHUNKS_LIMIT, count=False).hits
    addresses = [address for _, address in hits]
    best: dict[int, int] = {}
    keys = searcher.fast_field_values("article_key", addresses)
    rowids = searcher.fast_field_values("rowid", addresses)
    for key, rowid in zip(keys, rowids, strict=True):  # best first
        best.setdefault(int(key or 0), int(rowid or 0))
    return best


def _query(
    words: Sequence[str], bounds: SearchBounds, only: Sequence[str] = ()
) -> tantivy.Query | None:
    """Any of ``words`` (BM25, each occurrence counted) within ``bounds`` (and ``only``
    these articles); None when there is no word."""
    if not words:
        return None
    Occur = tantivy.Occur
    matching = tantivy.Query.boolean_query(
        [
            (Occur.Should, tantivy.Query.term_query(SCHEMA, "terms", word, index_option="freq"))
            for word in words
        ]
    )
    filters = _filters(bounds)
    if only:
        filters.append(tantivy.Query.term_set_query(SCHEMA, "article_id", list(only)))
    if not filters:
        return matching
    return tantivy.Query.boolean_query(
        [(Occur.Must, matching)]
        + [(Occur.Must, tantivy.Query.const_score_query(q, 0.0)) for q in filters]
    )


def _filters(bounds: SearchBounds) -> list[tantivy.Query]:
    """The date and outlet conditions of ``bounds`` (undated documents fail any date bound;
    the articles of ``bounds.syndicated`` pass the outlet condition)."""
    found = []
    since_ts, until_ts = bounds.since_ts, bounds.latest_ts
    if since_ts is not None or until_ts is not None:
        found.append(
            tantivy.Query.range_query(
                SCHEMA,
                "published_ts",
                tantivy.FieldType.Integer,
                _I64[0] if since_ts is None else int(since_ts),
                _I64[1] if until_ts is None else int(until_ts),
            )
        )
    if bounds.outlets:
        outlets = tantivy.Query.term_set_query(
            SCHEMA, "source", sorted({outlet.lower() for outlet in bounds.outlets})
        )
        if bounds.syndicated:
            copies = tantivy.Query.term_set_query(SCHEMA, "article_id", list(bounds.syndicated))
            outlets = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, outlets), (tantivy.Occur.Should, copies)]
            )
        found.append(outlets)
    return found


def _document(analysed: list[str], article_id: str, key: int, row: Row) -> tantivy.Document:
    document = tantivy.Document()
    document.add_text("terms", " ".join(analysed))
    document.add_text("article_id", article_id)
    document.add_text("source", str(row["source"]).lower())
    if row["published_ts"] is not None:
        document.add_integer("published_ts", int(row["published_ts"]))
    document.add_unsigned("rowid", int(row["rowid"]))
    document.add_unsigned("article_key", key)
    return document


def _analyse(text: str, body_start: int) -> tuple[list[str], list[str]]:
    """The terms of a whole chunk and of its body (the body analysed once, as a part of the
    chunk, when header and body meet between words, as they do)."""
    if body_start <= 0:
        body = terms(text)
        return body, body
    if _WORD.match(text, body_start - 1) and _WORD.match(text, body_start):
        return terms(text), terms(text[body_start:])
    body = terms(text[body_start:])
    return terms(text[:body_start]) + body, body


def _open(path: Path | None) -> tantivy.Index:
    """The tantivy index at ``path`` (created when missing; in memory when None); its reader
    reloads only when asked, so a searcher always matches the state it was synced to."""
    if path is None:
        index = tantivy.Index(SCHEMA)
    else:
        path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(SCHEMA, str(path), reuse=True)
    index.config_reader(reload_policy="manual")
    return index
