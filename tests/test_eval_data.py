"""Reading evaluation questions and corpora: valid files parse, bad ones name the line."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from assistant.evaluation.data import (
    EvalDataError,
    load_corpus,
    load_questions,
    select_questions,
)
from index.errors import NewsdeskError

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def _write(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    return path


def _question(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": "q",
        "date": "2025-01-10",
        "question": "Who?",
        "answer": ["Ann"],
        "answer_doc_ids": ["a1"],
    }
    record.update(changes)
    return record


def test_questions_parse() -> None:
    questions = load_questions(FIXTURES / "questions.jsonl")
    assert [q.id for q in questions] == ["q1", "q2", "q3", "q4"]
    first = questions[0]
    assert first.date == date(2025, 1, 10)
    assert first.answers == ("Los Angeles",)
    assert first.answer_doc_ids == ("a1", "a2")
    assert first.as_of == datetime(2025, 1, 10, 23, 59, 59, tzinfo=UTC)


def test_malformed_line_is_named() -> None:
    with pytest.raises(EvalDataError, match=r"malformed_questions\.jsonl line 4: not valid JSON"):
        load_questions(FIXTURES / "malformed_questions.jsonl")


def test_eval_data_error_is_a_newsdesk_error() -> None:
    assert issubclass(EvalDataError, NewsdeskError)


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (_question(date="10/01/2025"), r"line 2: 'date' must be a date"),
        (_question(question=""), r"line 2: 'question' must be a non-empty string"),
        (_question(answer=[]), r"line 2: 'answer' must be a non-empty list"),
        (_question(answer_doc_ids="a1"), r"line 2: 'answer_doc_ids' must be a list"),
        (
            {k: v for k, v in _question().items() if k != "answer_doc_ids"},
            r"'answer_doc_ids' is missing",
        ),
        ([1, 2], r"line 2: expected a JSON object"),
        (_question(id="first"), r"line 2: question id 'first' already used on line 1"),
    ],
)
def test_bad_question_fields_are_named(tmp_path: Path, record: object, message: str) -> None:
    path = _write(tmp_path / "q.jsonl", [_question(id="first"), record])
    with pytest.raises(EvalDataError, match=message):
        load_questions(path)


def test_answer_may_be_a_single_string(tmp_path: Path) -> None:
    (question,) = load_questions(_write(tmp_path / "q.jsonl", [_question(answer="Ann")]))
    assert question.answers == ("Ann",)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_text("\n\n")
    with pytest.raises(EvalDataError, match="no questions found"):
        load_questions(tmp_path / "empty.jsonl")
    with pytest.raises(EvalDataError, match="no such file"):
        load_questions(tmp_path / "absent.jsonl")


def test_corpus_plain_and_gzip(tmp_path: Path) -> None:
    corpus = load_corpus(FIXTURES / "corpus.jsonl")
    assert len(corpus) == 8 and corpus["a3"].title.startswith("Longwood")
    packed = tmp_path / "corpus.jsonl.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "corpus.jsonl").read_bytes()))
    assert load_corpus(packed) == corpus


def test_corpus_record_without_id_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.jsonl", [{"id": "a", "text": "x"}, {"title": "t", "text": "x"}])
    with pytest.raises(EvalDataError, match=r"c\.jsonl line 2: 'id' must be a non-empty string"):
        load_corpus(path)


def test_select_limit_and_sample_are_reproducible() -> None:
    questions = load_questions(FIXTURES / "questions.jsonl")
    assert [q.id for q in select_questions(questions, limit=2)] == ["q1", "q2"]
    first = select_questions(questions, sample=2, seed=7)
    assert first == select_questions(questions, sample=2, seed=7)
    assert len(first) == 2 and first == sorted(first, key=questions.index)
    assert select_questions(questions, sample=10) == questions
