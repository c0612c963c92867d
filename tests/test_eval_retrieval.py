"""Which articles count as gold, and the retrievers under evaluation."""

from __future__ import annotations

from pathlib import Path

from assistant.evaluation.data import load_corpus, load_questions
from assistant.evaluation.retrieval import copies_of, gold_ids, make_retrievers
from index.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def test_copies_of_identical_texts() -> None:
    corpus = load_corpus(FIXTURES / "corpus.jsonl")
    copies = copies_of(corpus)
    assert copies == {"a1": frozenset({"a8"}), "a8": frozenset({"a1"})}
    (question,) = [q for q in load_questions(FIXTURES / "questions.jsonl") if q.id == "q1"]
    assert gold_ids(question, copies) == {"a1", "a2", "a8"}


def test_baselines_are_plain_rankings(settings: Settings) -> None:
    retrievers = make_retrievers(settings, None, ["bm25", "naive"])
    assert list(retrievers) == ["bm25"]
    bm25 = retrievers["bm25"]
    assert bm25.mode == "keyword" and bm25.keyword_coverage == 0.0
    assert bm25.settings.relevance_floor < 0


def test_tuning_reaches_every_mode(settings: Settings) -> None:
    retrievers = make_retrievers(settings, None, ["bm25", "hybrid"], article_weight=1.5, rrf_k=20)
    assert retrievers["hybrid"].article_weight == 1.5 and retrievers["hybrid"].rrf_k == 20
    assert retrievers["bm25"].article_weight == 1.5 and retrievers["bm25"].rrf_k == 20
