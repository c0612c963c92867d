"""`newsdesk ask` for briefings: the printed list and the --json shape (no model loaded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import index
from assistant.cli import main
from index.settings import Settings
from tests.fakes import FakeEmbedder

FIXTURES = Path(__file__).parent / "fixtures" / "briefing"


@pytest.fixture
def home(newsdesk_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSDESK_BRIEFING_THRESHOLD", "0.75")  # calibrated for the fake embedder
    index.build([str(FIXTURES)], Settings(home=newsdesk_home), embedder=FakeEmbedder())
    return newsdesk_home


def test_json_keeps_the_documented_object_and_adds_kind_and_items(home: Path) -> None:
    result = CliRunner().invoke(
        main, ["ask", "What happened this week?", "--as-of", "2025-03-14", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"answer", "citations", "question_used", "covered", "timings", "kind", "items"} <= set(
        data
    )
    assert data["kind"] == "briefing" and len(data["items"]) == 3
    for item in data["items"]:
        assert set(item) == {"date", "text", "citations", "story_id"}
        assert item["date"] >= "2025-03-08"
        assert all(1 <= n <= len(data["citations"]) for n in item["citations"])
    assert [c["n"] for c in data["citations"]] == list(range(1, len(data["citations"]) + 1))


def test_the_list_is_printed_with_dates_and_numbers(home: Path) -> None:
    result = CliRunner().invoke(
        main, ["ask", "rail strike", "--kind", "briefing", "--as-of", "2025-03-14"]
    )
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert (
        first.startswith("2025-03-1")
        and " — " in first
        and first.rstrip().endswith("(also in BBC, Guardian)")
    )
    assert "[1]" in first and "Sources" in result.output


def test_an_empty_period_is_one_line(home: Path) -> None:
    result = CliRunner().invoke(
        main, ["ask", "What happened?", "--since", "2024-01-01", "--until", "2024-01-31"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "No indexed articles between 2024-01-01 and 2024-01-31 "
        "(the index holds articles from 2025-03-05 to 2025-03-13)."
    )
