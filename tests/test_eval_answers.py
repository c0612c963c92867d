"""Answer evaluation helpers: leaving articles out of retrieval, finding the gold answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.answer import RetrievedChunk, Source
from assistant.evaluation.answers import AnswerFinder, ExcludingRetriever
from assistant.evaluation.data import load_corpus
from index.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def test_answer_finder() -> None:
    finder = AnswerFinder(load_corpus(FIXTURES / "corpus.jsonl"))
    assert finder.articles_with(["Los Angeles"]) == {"a1", "a2", "a8"}
    assert finder.holds_answer("a4", ["25%"]) and not finder.holds_answer("a5", ["25%"])
    assert not finder.holds_answer("absent", ["25%"])


def _source(n: int, article_id: str) -> Source:
    chunk = RetrievedChunk(chunk_id=f"{article_id}#0", text="t", body="t", score=1.0)
    return Source(n, article_id, "T", None, None, None, (chunk,), 1.0)


class _StubRetriever:
    def __init__(self) -> None:
        self.settings = Settings()
        self.asked: list[int | None] = []

    def search(
        self, question: str, filters: Any = None, as_of: Any = None, k: int | None = None
    ) -> list[Source]:
        self.asked.append(k)
        return [_source(n, f"a{n}") for n in range(1, (k or 5) + 1)]


def test_excluding_retriever_drops_and_renumbers() -> None:
    stub = _StubRetriever()
    excluding = ExcludingRetriever(stub, frozenset({"a1", "a3"}))
    sources = excluding.search("q", k=3)
    assert [(s.n, s.article_id) for s in sources] == [(1, "a2"), (2, "a4"), (3, "a5")]
    assert stub.asked == [5]  # asked for room for the excluded ones
    excluding.excluded = frozenset()
    assert [s.article_id for s in excluding.search("q", k=2)] == ["a1", "a2"]
    assert excluding.settings is stub.settings


def test_label_free_share_counts_the_gold_answer_in_the_readers_text() -> None:
    from assistant.evaluation.answers import label_free_share

    details = [
        {"answers": {"local": {"gold_in_reader_text": True}}},
        {"answers": {"local": {"gold_in_reader_text": False}}},
        {"answers": {"local": {"error": "timed out"}}},
        {"answers": {"extractive": {"gold_in_reader_text": True}}},
    ]
    assert label_free_share(details, "local") == 0.5
    assert label_free_share(details, "extractive") == 1.0
    assert label_free_share(details, "openai") is None
