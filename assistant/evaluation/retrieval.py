"""Retrieval evaluation: ranked article ids from each retriever, and which ids count as gold.

``dense`` and ``bm25`` are Newsdesk's retriever in its dense and keyword modes measured as plain
rankings (no relevance floor; ``bm25`` is BM25 over chunks alone, without the article-level
ranking the hybrid adds); ``hybrid`` is the retriever exactly as the assistant uses it;
``naive`` is the LangChain baseline. Copies of a gold article (same text, indexed once by the
indexer's dedup) count as gold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from assistant.answer import Source
from assistant.evaluation.data import CorpusArticle, Question
from assistant.evaluation.metrics import normalize
from assistant.evaluation.naive import NaiveBaseline
from index.settings import Settings

if TYPE_CHECKING:
    from assistant.retriever import HybridRetriever
    from index.embeddings import Embedder

RETRIEVERS = ("dense", "bm25", "hybrid", "naive")
_MODES = {"dense": "dense", "bm25": "keyword"}


def make_retrievers(
    settings: Settings, embedder: Embedder | None, names: Sequence[str], **tuning: Any
) -> dict[str, HybridRetriever]:
    """Newsdesk's retriever in each requested mode over the index of ``settings``; ``tuning``
    overrides ``HybridRetriever`` fields in every mode (``benchmarks/bench_retrieval.py --set``)."""
    from assistant.retriever import HybridRetriever
    from index.reader import IndexReader

    wanted = [name for name in names if name in {"dense", "bm25", "hybrid"}]
    if not wanted:
        return {}
    reader = IndexReader.open(settings)
    plain = settings.with_overrides(relevance_floor=-1.0)
    retrievers = {}
    for name in wanted:
        if name == "hybrid":
            retrievers[name] = HybridRetriever.from_settings(
                settings, embedder=embedder, reader=reader, **tuning
            )
        else:
            fields = {"keyword_coverage": 0.0, "article_weight": 0.0, **tuning}
            retrievers[name] = HybridRetriever.from_settings(
                plain, embedder=embedder, reader=reader, mode=_MODES[name], **fields
            )
    return retrievers


def ranked_articles(
    name: str,
    question: Question,
    retrievers: Mapping[str, Any],
    naive: NaiveBaseline | None,
    k: int = 10,
) -> tuple[list[str], list[str]]:
    """The top ``k`` article ids of one retriever, and the text each result would give an LLM."""
    ids, texts, _ = ranked_sources(name, question, retrievers, naive, k)
    return ids, texts


def ranked_sources(
    name: str,
    question: Question,
    retrievers: Mapping[str, Any],
    naive: NaiveBaseline | None,
    k: int = 10,
) -> tuple[list[str], list[str], list[Source]]:
    """:func:`ranked_articles` and the sources themselves (none for the naive baseline)."""
    if name == "naive":
        if naive is None:
            raise ValueError("the naive baseline was not built")
        hits = naive.search(question.question, k=k)
        return [hit.article_id for hit in hits], [hit.text for hit in hits], []
    sources = list(retrievers[name].search(question.question, as_of=question.as_of, k=k))
    ids = [source.article_id for source in sources]
    return ids, [source.text for source in sources], sources


def gold_ids(question: Question, copies: Mapping[str, frozenset[str]]) -> frozenset[str]:
    """The question's answer articles and their identical copies."""
    gold: set[str] = set(question.answer_doc_ids)
    for article_id in question.answer_doc_ids:
        gold |= copies.get(article_id, frozenset())
    return frozenset(gold)


def copies_of(corpus: Mapping[str, CorpusArticle]) -> dict[str, frozenset[str]]:
    """Article id -> ids of other articles with the same text (the indexer keeps one of them).

    Short texts (under 40 words) are compared together with their title.
    """
    groups: dict[str, list[str]] = {}
    for article in corpus.values():
        body = normalize(article.text)
        if len(body.split()) < 40:
            body = normalize(article.title) + "\n" + body
        groups.setdefault(body, []).append(article.id)
    copies: dict[str, frozenset[str]] = {}
    for ids in groups.values():
        if len(ids) > 1:
            for article_id in ids:
                copies[article_id] = frozenset(ids) - {article_id}
    return copies
