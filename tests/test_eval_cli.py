"""``newsdesk eval`` on the command line, with a fake embedder and fake chat model."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from assistant.backends.fake import ScriptedBackend
from assistant.evaluation.cli import EvalDeps, eval_command
from index.fakes import FakeEmbedder
from index.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
FILES = [
    "--questions",
    str(FIXTURES / "questions.jsonl"),
    "--corpus",
    str(FIXTURES / "corpus.jsonl"),
]
MEASURES = {"recall@1", "recall@5", "recall@10", "mrr@10"}
ANSWER_MEASURES = {
    "accuracy", "citation_precision", "abstention", "false_refusal", "label_free",
    "choice_accuracy", "not_covered_gold_in_view", "not_covered_gold_in_view_gate",
    "not_covered_gold_in_view_model", "not_covered_gold_in_view_verifier",
}  # fmt: skip


def _deps(settings: Settings, fake_embedder: FakeEmbedder) -> EvalDeps:
    model = ScriptedBackend(["Wildfires tore through Los Angeles County [1]."] * 20)
    return EvalDeps(settings=settings, embedder=fake_embedder, backends={"fake": model})


def test_json_shape(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    result = CliRunner().invoke(
        eval_command,
        [*FILES, "--llm", "fake", "--llm", "extractive", "--limit", "2", "--json"],
        obj=_deps(settings, fake_embedder),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"retrieval", "answers", "questions"}
    assert data["questions"] == 2
    assert set(data["retrieval"]) == {"dense", "bm25", "hybrid", "naive"}
    assert all(set(scores) == MEASURES for scores in data["retrieval"].values())
    assert set(data["answers"]) == {"fake", "extractive"}
    assert all(set(scores) == ANSWER_MEASURES for scores in data["answers"].values())


def test_retrieval_only_table_and_report(
    tmp_path: Path, settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    result = CliRunner().invoke(
        eval_command,
        [
            *FILES,
            "--retrieval-only",
            "--sample",
            "3",
            "--seed",
            "1",
            "--no-naive",
            "--report",
            str(tmp_path / "out"),
        ],
        obj=_deps(settings, fake_embedder),
    )
    assert result.exit_code == 0, result.output
    assert "Retrieval, article level (3 questions)" in result.stdout
    assert "Answers" not in result.stdout and "naive" not in result.stdout
    assert (tmp_path / "out" / "report.md").exists()
    assert (tmp_path / "out" / "recall_at_k.png").exists()
    assert "--no-naive" in (tmp_path / "out" / "report.md").read_text()


def test_malformed_questions_file_names_the_line(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    args = [
        "--questions",
        str(FIXTURES / "malformed_questions.jsonl"),
        "--corpus",
        str(FIXTURES / "corpus.jsonl"),
        "--json",
    ]
    result = CliRunner().invoke(eval_command, args, obj=_deps(settings, fake_embedder))
    assert result.exit_code == 1
    assert "malformed_questions.jsonl line 4: not valid JSON" in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_unknown_backend_is_a_usage_error(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    result = CliRunner().invoke(
        eval_command, [*FILES, "--llm", "gpt-9"], obj=_deps(settings, fake_embedder)
    )
    assert result.exit_code == 2
    assert "unknown backend 'gpt-9'" in result.output


def test_mounted_on_the_main_command() -> None:
    from assistant.cli import main

    assert main.get_command(None, "eval") is eval_command  # type: ignore[arg-type]
