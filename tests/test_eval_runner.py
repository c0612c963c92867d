"""One evaluation run over the fixture corpus with fakes (no real model)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from assistant.backends.fake import ScriptedBackend
from assistant.evaluation.runner import EvalConfig, eval_folder, run_evaluation
from index.fakes import FakeEmbedder
from index.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
CONFIG = EvalConfig(questions=FIXTURES / "questions.jsonl", corpus=FIXTURES / "corpus.jsonl")


def test_retrieval_run_scores_every_retriever(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    config = replace(CONFIG, retrieval_only=True)
    result = run_evaluation(config, settings, embedder=fake_embedder)
    assert result.questions == 4
    assert list(result.retrieval) == ["dense", "bm25", "hybrid", "naive"]
    for name, scores in result.retrieval.items():
        assert set(scores) == {"recall@1", "recall@5", "recall@10", "mrr@10"}
        assert 0 <= scores["recall@1"] <= scores["recall@5"] <= scores["recall@10"] <= 1, name
        assert len(result.curves[name]) == 10
    # Distinct topics, few articles: the keyword and hybrid rankings find every answer article.
    assert result.retrieval["bm25"]["recall@5"] == 1.0
    assert result.retrieval["hybrid"]["recall@5"] == 1.0
    assert result.answers == {}
    assert result.index_home == eval_folder(settings, CONFIG.corpus, fake_embedder) / "index"
    assert set(result.details[0]["ranks"]) == set(result.retrieval)


def test_second_run_reuses_the_index(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    config = replace(CONFIG, retrieval_only=True, limit=1, views=False)
    run_evaluation(config, settings, embedder=fake_embedder)
    embedded = sum(len(call) for call in fake_embedder.calls)
    again = run_evaluation(config, settings, embedder=fake_embedder)
    # Only the question itself is embedded again (dense, hybrid and naive queries).
    assert sum(len(call) for call in fake_embedder.calls) - embedded <= 3
    assert again.questions == 1


def test_the_index_folder_follows_the_corpus_content(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    folder = eval_folder(settings, CONFIG.corpus, fake_embedder)
    copy = tmp_path / "elsewhere" / "corpus.jsonl"
    copy.parent.mkdir()
    copy.write_bytes(CONFIG.corpus.read_bytes())  # the same corpus copied: new path and mtime
    assert eval_folder(settings, copy, fake_embedder) == folder
    copy.write_bytes(CONFIG.corpus.read_bytes().replace(b"Los Angeles", b"Los Angeles!"))
    assert eval_folder(settings, copy, fake_embedder) != folder
    assert (
        eval_folder(settings.with_overrides(chunk_tokens=100), CONFIG.corpus, fake_embedder)
        != folder
    )


def test_answers_with_a_fake_chat_model(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    model = ScriptedBackend(["Wildfires tore through Los Angeles County [1]."] * 20)
    config = replace(CONFIG, llms=("fake",), retrievers=("hybrid",), limit=1)
    result = run_evaluation(config, settings, embedder=fake_embedder, backends={"fake": model})
    scores = result.answers["fake"]
    assert scores["accuracy"] == 1.0 and scores["false_refusal"] == 0.0
    assert scores["citation_precision"] == 1.0
    # With every article mentioning Los Angeles left out, nothing supports that answer.
    assert scores["abstention"] == 1.0
    detail = result.details[0]["answers"]["fake"]
    assert detail["correct"] and detail["gold_in_text"] and detail["abstained"]
    assert detail["cited"][0] in {"a1", "a8"}
    # who refused the variant (the gate: the model was never asked) is kept for error analysis
    assert (detail["abstained_by"], detail["variant_reply"]) == ("gate", None)


def test_unknown_ids_in_answer_doc_ids_only_lower_recall(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    questions = tmp_path / "q.jsonl"
    line = (FIXTURES / "questions.jsonl").read_text().splitlines()[1]
    unknown = line.replace('"answer_doc_ids": ["a3"]', '"answer_doc_ids": ["zz"]')
    questions.write_text(unknown + "\n")
    config = replace(CONFIG, questions=questions, retrieval_only=True, retrievers=("bm25",))
    result = run_evaluation(config, settings, embedder=fake_embedder)
    assert result.retrieval["bm25"]["recall@10"] == 0.0


@pytest.mark.parametrize("retrievers", [("naive",), ("dense", "hybrid")])
def test_subsets_of_retrievers(
    settings: Settings, fake_embedder: FakeEmbedder, retrievers: tuple[str, ...]
) -> None:
    config = replace(CONFIG, retrieval_only=True, retrievers=retrievers, limit=2)
    result = run_evaluation(config, settings, embedder=fake_embedder)
    assert list(result.retrieval) == list(retrievers)


def test_a_failing_answer_is_recorded_and_the_run_goes_on(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    reply = "Wildfires tore through Los Angeles County [1]."
    model = ScriptedBackend([RuntimeError("connection reset"), reply, reply])
    config = replace(CONFIG, llms=("fake",), retrievers=("hybrid",), limit=2)
    result = run_evaluation(config, settings, embedder=fake_embedder, backends={"fake": model})
    failed, answered = (detail["answers"]["fake"] for detail in result.details)
    assert failed["error"].startswith("The answering model failed: RuntimeError: connection reset")
    assert not failed["correct"] and "text" in answered and "error" not in answered
    assert result.latency["fake"]["errors"] == 0.5
    assert result.latency["fake"]["total_p50"] is not None
    assert result.answers["fake"]["accuracy"] is not None
