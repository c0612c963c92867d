"""Reading and checking evaluation inputs: a questions JSONL and a corpus JSONL(.gz).

The format is that of ``../shared/eval/realtimeqa/`` (see its README). Every problem is reported
as one :class:`EvalDataError` naming the file and line, never a traceback.
"""

from __future__ import annotations

import gzip
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, TypeGuard

from index.errors import NewsdeskError


class EvalDataError(NewsdeskError):
    """A questions or corpus file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Question:
    """One evaluation question with its gold answers and the articles that hold them."""

    id: str
    date: date
    question: str
    answers: tuple[str, ...]
    answer_doc_ids: tuple[str, ...]
    retrieved_doc_ids: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()

    @property
    def as_of(self) -> datetime:
        """The reference time for relative words ("this week"): the end of the question's day."""
        return datetime.combine(self.date, time(23, 59, 59), tzinfo=UTC)


@dataclass(frozen=True)
class CorpusArticle:
    """One corpus record, as the evaluation needs it (ids must match ``answer_doc_ids``)."""

    id: str
    title: str
    text: str
    published: str = ""


def load_questions(path: str | Path) -> list[Question]:
    """Read and check a questions JSONL file; blank lines are skipped."""
    path = Path(path)
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for line_number, record in read_records(path):
        question = _question(record, path, line_number)
        if question.id in seen:
            raise EvalDataError(
                f"{path} line {line_number}: question id {question.id!r} already used on line "
                f"{seen[question.id]}; give every question its own id"
            )
        seen[question.id] = line_number
        questions.append(question)
    if not questions:
        raise EvalDataError(f"{path}: no questions found; expected one JSON object a line")
    return questions


def load_corpus(path: str | Path) -> dict[str, CorpusArticle]:
    """Read and check a corpus JSONL(.gz) file into ``{article id: article}``."""
    path = Path(path)
    corpus: dict[str, CorpusArticle] = {}
    for line_number, record in read_records(path):
        article_id = record.get("id")
        if not isinstance(article_id, str) or not article_id.strip():
            raise EvalDataError(f"{path} line {line_number}: 'id' must be a non-empty string")
        text = record.get("text", "")
        title = record.get("title", "")
        if not isinstance(text, str) or not isinstance(title, str):
            raise EvalDataError(f"{path} line {line_number}: 'title' and 'text' must be strings")
        published = record.get("published") or ""
        corpus[article_id] = CorpusArticle(article_id, title, text, str(published))
    if not corpus:
        raise EvalDataError(f"{path}: no articles found; expected one JSON object a line")
    return corpus


def select_questions(
    questions: Sequence[Question],
    *,
    limit: int | None = None,
    sample: int | None = None,
    seed: int = 0,
) -> list[Question]:
    """A reproducible subset: a random ``sample`` (by ``seed``, kept in file order), then the
    first ``limit``."""
    chosen = list(questions)
    if sample is not None and sample < len(chosen):
        picked = set(random.Random(seed).sample(range(len(chosen)), sample))
        chosen = [question for position, question in enumerate(chosen) if position in picked]
    if limit is not None:
        chosen = chosen[:limit]
    return chosen


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, JSON object) for every non-blank line of a JSONL or JSONL.gz file."""
    if not path.is_file():
        raise EvalDataError(f"{path}: no such file")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            for line_number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise EvalDataError(
                        f"{path} line {line_number}: not valid JSON ({error.msg} at column "
                        f"{error.colno})"
                    ) from None
                if not isinstance(record, dict):
                    raise EvalDataError(f"{path} line {line_number}: expected a JSON object")
                yield line_number, record
    except (OSError, UnicodeDecodeError, EOFError) as error:
        raise EvalDataError(f"{path}: cannot be read ({error})") from None


def _question(record: dict[str, Any], path: Path, line_number: int) -> Question:
    where = f"{path} line {line_number}"
    for field in ("id", "question"):
        if not isinstance(record.get(field), str) or not record[field].strip():
            raise EvalDataError(f"{where}: {field!r} must be a non-empty string")
    raw_date = record.get("date")
    try:
        day = date.fromisoformat(raw_date) if isinstance(raw_date, str) else None
    except ValueError:
        day = None
    if day is None:
        raise EvalDataError(f"{where}: 'date' must be a date like 2025-01-31, got {raw_date!r}")
    answers = record.get("answer")
    if isinstance(answers, str):
        answers = [answers]
    if not _strings(answers) or not any(answer.strip() for answer in answers):
        raise EvalDataError(f"{where}: 'answer' must be a non-empty list of strings")
    for field in ("answer_doc_ids", "retrieved_doc_ids", "choices"):
        if field in record and not _strings(record[field]):
            raise EvalDataError(f"{where}: {field!r} must be a list of strings")
    if "answer_doc_ids" not in record:
        raise EvalDataError(
            f"{where}: 'answer_doc_ids' is missing (the ids of the articles holding the answer)"
        )
    return Question(
        id=record["id"],
        date=day,
        question=record["question"].strip(),
        answers=tuple(answer for answer in answers if answer.strip()),
        answer_doc_ids=tuple(record["answer_doc_ids"]),
        retrieved_doc_ids=tuple(record.get("retrieved_doc_ids", ())),
        choices=tuple(record.get("choices", ())),
    )


def _strings(value: object) -> TypeGuard[list[str]]:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)
