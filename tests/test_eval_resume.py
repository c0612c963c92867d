"""A resumable evaluation: per-question results kept as they come, a stopped run continued."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.backends.fake import ScriptedBackend
from assistant.evaluation.metrics import names_only_gold_choice
from assistant.evaluation.resume import ResultLog
from assistant.evaluation.runner import EvalConfig, run_evaluation
from assistant.evaluation.views import CEILING
from index.errors import NewsdeskError
from index.fakes import FakeEmbedder
from index.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
REPLY = "Wildfires tore through Los Angeles County [1]."


def test_a_log_keeps_records_and_refuses_another_runs_file(tmp_path: Path) -> None:
    path = tmp_path / "progress.jsonl"
    log = ResultLog(path, "run A")
    log.put("local", "q1", {"correct": True})
    with path.open("a") as out:
        out.write('{"stage": "local", "id": "q2", "rec')  # the run stopped mid-line
    again = ResultLog(path, "run A")
    assert again.get("local", "q1") == {"correct": True} and again.get("local", "q2") is None
    again.put("local", "q2", {"correct": False})
    assert len(ResultLog(path, "run A")) == 2
    with pytest.raises(NewsdeskError, match="another run"):
        ResultLog(path, "run B")


def test_a_stopped_run_continues_where_it_stopped(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    config = EvalConfig(
        questions=FIXTURES / "questions.jsonl",
        corpus=FIXTURES / "corpus.jsonl",
        llms=("fake",),
        retrievers=("hybrid",),
        results=tmp_path / "report" / "progress.jsonl",
    )
    first = ScriptedBackend([REPLY] * 4)  # two questions, each with its unanswerable variant
    run_evaluation(
        replace(config, limit=2), settings, embedder=fake_embedder, backends={"fake": first}
    )
    lines = (tmp_path / "report" / "progress.jsonl").read_text().splitlines()
    assert [json.loads(line).get("stage") for line in lines[1:]] == [
        "retrieval", "retrieval", "fake", "fake"
    ]  # fmt: skip
    second = ScriptedBackend([REPLY] * 4)
    result = run_evaluation(config, settings, embedder=fake_embedder, backends={"fake": second})
    asked = " ".join(m[-1]["content"] for m in second.sent)
    assert "Question: What percentage of Delaware" in asked  # question 3 was asked ...
    assert "Question: Which California" not in asked  # ... question 1 was not
    assert "Question: What is the new owner" not in asked
    assert result.answer_questions == 4
    assert result.details[0]["answers"]["fake"]["correct"]
    assert "blend@2400" in result.views and CEILING in result.views
    assert "blend@2400/5" in result.views and "top5" in result.views


@pytest.mark.parametrize(
    ("answer", "named"),
    [
        ("Longwood Gardens bought it [1].", True),
        ("Longwood Gardens or the du Pont family [1].", False),
        ("A buyer [1].", False),
        ("Kamala Harris said so [2].", True),
    ],
)
def test_the_choice_measure_wants_the_gold_choice_and_no_other(answer, named) -> None:
    choices = [
        "The state of Delaware", "Longwood Gardens", "The du Pont family",
        "Former Vice President Kamala Harris",
    ]  # fmt: skip
    gold = ["Kamala Harris"] if "Harris" in answer else ["Longwood Gardens"]
    gold_choice = "Former Vice President Kamala Harris" if "Harris" in answer else gold[0]
    assert names_only_gold_choice(answer, choices, [gold_choice]) is named


def test_an_empty_log_given_is_the_one_written(tmp_path: Path, settings: Settings) -> None:
    from assistant.evaluation.answers import AnswerFinder, evaluate_answers
    from assistant.evaluation.data import load_corpus, load_questions
    from assistant.testing import FakeRetriever
    from tests.fixtures.answering.sources import three_sources

    log = ResultLog(tmp_path / "progress.jsonl", "run")
    assert not len(log)  # empty, hence falsy: it must still be the log written to
    questions = load_questions(FIXTURES / "questions.jsonl")[:1]
    details = [{"id": q.id} for q in questions]
    finder = AnswerFinder(load_corpus(FIXTURES / "corpus.jsonl"))
    model = ScriptedBackend([REPLY, REPLY])
    retriever = FakeRetriever(three_sources())
    evaluate_answers(
        "fake", questions, details, finder, settings, retriever, answerer=model, log=log
    )
    assert ResultLog(tmp_path / "progress.jsonl", "run").get("fake", questions[0].id) is not None
