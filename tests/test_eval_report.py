"""Showing results: terminal tables and the Markdown report with its plots."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from assistant.evaluation.report import markdown, print_tables, tables_console, write_report
from assistant.evaluation.runner import EvalConfig, EvalResult


def _result(with_answers: bool = True) -> EvalResult:
    scores = {"recall@1": 0.5, "recall@5": 0.75, "recall@10": 1.0, "mrr@10": 0.625}
    return EvalResult(
        config=EvalConfig(questions=Path("q.jsonl"), corpus=Path("c.jsonl"), llms=("extractive",)),
        questions=4,
        retrieval={name: dict(scores) for name in ("dense", "bm25", "hybrid", "naive")},
        curves={name: [0.5, 0.5, 0.75, 0.75, 0.75] + [1.0] * 5 for name in ("dense", "hybrid")},
        answer_in_context={"dense": 0.5, "hybrid": 0.75},
        answers={
            "extractive": {
                "accuracy": 0.5,
                "citation_precision": None,
                "abstention": 0.25,
                "false_refusal": 0.0,
            }
        }
        if with_answers
        else {},
        answer_questions=4 if with_answers else 0,
        details=[{"id": "q1", "ranks": {"hybrid": 1}}],
        index_home=Path("/tmp/home"),
        started="2026-01-01T00:00:00+00:00",
        seconds={"index": 1.0, "retrieval": 2.5},
    )


def test_report_writes_markdown_plots_and_json(tmp_path: Path) -> None:
    path = write_report(_result(), tmp_path / "report")
    folder = path.parent
    assert path.name == "report.md"
    for name in ("recall_at_k.png", "answers.png"):
        assert (folder / name).read_bytes().startswith(b"\x89PNG")
    text = path.read_text()
    assert "| hybrid (Newsdesk) | 0.500 | 0.750 | 1.000 | 0.625 | 0.750 |" in text
    assert "| extractive | 0.500 | – | 0.250 | 0.000 |" in text
    assert "![recall@k per retriever](recall_at_k.png)" in text
    assert "newsdesk eval --questions q.jsonl --corpus c.jsonl --llm extractive" in text
    full = json.loads((folder / "results.json").read_text())
    assert full["questions"] == 4 and full["recall_curves"]["dense"][0] == 0.5
    assert json.loads((folder / "questions.jsonl").read_text())["id"] == "q1"


def test_report_without_answers_has_no_answer_section(tmp_path: Path) -> None:
    result = _result(with_answers=False)
    write_report(result, tmp_path)
    assert not (tmp_path / "answers.png").exists()
    assert "## Answers" not in markdown(result)


def test_terminal_tables() -> None:
    console = Console(record=True, width=120)
    print_tables(_result(), console)
    text = console.export_text()
    assert "Retrieval, article level (4 questions)" in text
    assert "naive LangChain" in text and "0.625" in text
    assert "extractive" in text and "false refusal" in text


def test_tables_written_to_a_file_or_pipe_are_not_cut_to_80_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    out = io.StringIO()
    print_tables(_result(), tables_console(out))
    lines = out.getvalue().splitlines()
    assert "…" not in out.getvalue()
    assert "gold in view" in out.getvalue() and "not covered, gold in view" in out.getvalue()
    assert max(len(line) for line in lines) > 80
    monkeypatch.setenv("COLUMNS", "100")  # the user's own width wins
    assert tables_console(io.StringIO()).width == 100


def test_json_shape() -> None:
    assert _result().to_json() == {
        "retrieval": {
            name: {"recall@1": 0.5, "recall@5": 0.75, "recall@10": 1.0, "mrr@10": 0.625}
            for name in ("dense", "bm25", "hybrid", "naive")
        },
        "answers": {
            "extractive": {
                "accuracy": 0.5,
                "citation_precision": None,
                "abstention": 0.25,
                "false_refusal": 0.0,
            }
        },
        "questions": 4,
    }


def test_without_the_eval_extra_the_report_names_it(monkeypatch) -> None:
    import sys

    import pytest

    from assistant.evaluation.report import _pyplot
    from index.errors import MissingExtra

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    with pytest.raises(MissingExtra, match=r"pip install -e '\.\[eval\]'"):
        _pyplot()
