"""benchmarks/bench_retrieval.py measures the retrievers of ``newsdesk eval`` (fake embedder)."""

from __future__ import annotations

from pathlib import Path

import index
from assistant.evaluation.data import load_corpus, load_questions
from assistant.evaluation.retrieval import copies_of, make_retrievers
from benchmarks.bench_retrieval import MODES, evaluate, markdown
from index.fakes import FakeEmbedder

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def test_every_mode_is_scored_against_the_eval_gold(settings) -> None:
    embedder = FakeEmbedder()
    index.build([FIXTURES / "corpus.jsonl"], settings, embedder=embedder)
    questions = load_questions(FIXTURES / "questions.jsonl")
    copies = copies_of(load_corpus(FIXTURES / "corpus.jsonl"))
    retrievers = make_retrievers(settings, embedder, MODES)

    results = {mode: evaluate(mode, retrievers, questions, copies) for mode in MODES}

    assert set(results) == {"dense", "bm25", "hybrid"}
    # BM25 on these short, distinct stories finds each question's article first
    assert results["bm25"]["recall@1"] == 1.0 and results["bm25"]["answer@5"] > 0.5
    for scores in results.values():
        assert scores["recall@1"] <= scores["recall@5"] <= scores["recall@10"] <= 1.0
    table = markdown({"questions": len(questions), "retrieval": results})
    assert "| bm25 | 1.000 |" in table
