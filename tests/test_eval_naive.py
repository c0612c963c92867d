"""The naive LangChain baseline: built once, searched by article."""

from __future__ import annotations

from pathlib import Path

from assistant.evaluation.data import load_corpus
from assistant.evaluation.naive import NaiveBaseline
from index.fakes import FakeEmbedder

CORPUS = Path(__file__).parent / "fixtures" / "eval" / "corpus.jsonl"


def test_builds_once_and_ranks_articles(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    corpus = load_corpus(CORPUS)
    baseline = NaiveBaseline(tmp_path / "naive", fake_embedder, corpus)
    stages: list[tuple[int, int | None, str]] = []
    baseline.ensure_built("v1", lambda done, total, stage: stages.append((done, total, stage)))
    assert stages[-1] == (8, 8, "naive")  # one chunk per short article

    hits = baseline.search("Who will own the Granogue estate of the du Pont family?", k=3)
    assert hits[0].article_id == "a3"
    assert len({hit.article_id for hit in hits}) == len(hits) == 3

    calls = len(fake_embedder.calls)
    again = NaiveBaseline(tmp_path / "naive", fake_embedder, corpus)
    again.ensure_built("v1")
    assert len(fake_embedder.calls) == calls  # nothing re-embedded
    again.ensure_built("v2")  # another corpus or model: rebuilt from scratch
    assert len(fake_embedder.calls) > calls
    assert again.search("Blue Origin New Glenn rocket orbit", k=1)[0].article_id == "a5"


def test_long_articles_are_split_1000_200(tmp_path: Path, fake_embedder: FakeEmbedder) -> None:
    from assistant.evaluation.data import CorpusArticle

    text = " ".join(f"word{i}" for i in range(800))  # ~6,000 characters
    baseline = NaiveBaseline(tmp_path, fake_embedder, {"long": CorpusArticle("long", "T", text)})
    ids, texts, _ = baseline._chunks()
    assert len(ids) >= 7 and all(len(chunk) <= 1000 for chunk in texts)
    assert texts[0][-150:] in texts[1]  # overlapping chunks


def test_chunks_for_a_stuff_prompt_and_langchain_embeddings(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    from index.embeddings import LangChainEmbeddings

    corpus = load_corpus(CORPUS)
    baseline = NaiveBaseline(tmp_path / "naive", LangChainEmbeddings(fake_embedder), corpus)
    assert baseline.ensure_built("v1") == 8
    assert baseline.ensure_built("v1") == 8  # already built: the count from the marker
    chunks = baseline.chunks("Who will own the Granogue estate of the du Pont family?", k=2)
    assert len(chunks) == 2 and "Granogue" in chunks[0]
