"""The `newsdesk` command line, end to end with the real embedder and the extractive backend."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import EXIT_ERROR, EXIT_REJECTED, main

STORIES = Path(__file__).parent / "fixtures" / "answering" / "stories"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def news(tmp_path: Path, seed_story: Path) -> Path:
    """A folder with the seed story and three fixture wire stories."""
    folder = tmp_path / "news"
    shutil.copytree(STORIES, folder)
    shutil.copy(seed_story, folder / seed_story.name)
    return folder


def test_empty_index_points_at_index_build(runner: CliRunner) -> None:
    result = runner.invoke(main, ["ask", "What is the deadline?"])
    assert result.exit_code == EXIT_ERROR
    assert "newsdesk index build" in result.output
    assert "Traceback" not in result.output


def test_empty_question_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(main, ["ask", "   "])
    assert result.exit_code == EXIT_ERROR
    assert "question is empty" in result.output


def test_bad_date_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["ask", "anything", "--since", "last tuesday-ish"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_stats_of_an_empty_index(runner: CliRunner) -> None:
    result = runner.invoke(main, ["index", "stats", "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.output)
    assert stats["articles"] == 0 and stats["chunks"] == 0


def _stats(runner: CliRunner, home: Path) -> dict:
    result = runner.invoke(main, ["--home", str(home), "index", "stats", "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.integration
def test_build_ask_stats_update_clear(runner: CliRunner, news: Path, tmp_path: Path) -> None:
    (news / "broken.json").write_text('{"title": "cut off', encoding="utf-8")
    home = tmp_path / "cli-home"

    built = runner.invoke(main, ["--home", str(home), "index", "build", str(news), "-q"])
    assert built.exit_code == EXIT_REJECTED, built.output
    assert "broken.json" in built.output  # the rejected input is named
    assert "4 new" in built.output

    stats = _stats(runner, home)
    assert stats["articles"] == 4
    assert "Reuters" in stats["sources"]
    assert set(stats) >= {"articles", "chunks", "sources", "last_indexed"}

    asked = runner.invoke(
        main,
        [
            "--home",
            str(home),
            "ask",
            "What is the deadline for a deal on Kosovo?",
            "--llm",
            "extractive",
            "--json",
        ],
    )
    assert asked.exit_code == 0, asked.output
    answer = json.loads(asked.output)
    assert set(answer) >= {"answer", "citations", "question_used", "timings"}
    assert "December 10" in answer["answer"]
    cited = {citation["title"] for citation in answer["citations"]}
    assert "New bid to break Kosovo stalemate as deadline nears" in cited
    assert set(answer["citations"][0]) == {
        "n",
        "article_id",
        "title",
        "source",
        "url",
        "published",
        "snippet",
        "also_in",
    }

    unknown = runner.invoke(
        main, ["--home", str(home), "ask", "storm", "--source", "Bloomberg", "--llm", "extractive"]
    )
    assert unknown.exit_code == EXIT_ERROR
    assert "Bloomberg" in unknown.output

    impossible = runner.invoke(
        main,
        [
            "--home",
            str(home),
            "ask",
            "storm",
            "--since",
            "2025-03-02",
            "--until",
            "2025-03-01",
            "--llm",
            "extractive",
        ],
    )
    assert impossible.exit_code == EXIT_ERROR
    assert "Traceback" not in impossible.output

    (news / "broken.json").unlink()
    updated = runner.invoke(main, ["--home", str(home), "index", "update", "-q"])
    assert updated.exit_code == 0, updated.output
    assert "4 unchanged" in updated.output

    (home / "eval" / "0123456789abcdef").mkdir(parents=True)  # an index `newsdesk eval` built
    cleared = runner.invoke(main, ["--home", str(home), "index", "clear", "--yes"])
    assert cleared.exit_code == 0
    after = _stats(runner, home)
    assert after["articles"] == 0
    assert f"`newsdesk eval` built are kept in {home / 'eval'}" in cleared.output
    assert (home / "eval" / "0123456789abcdef").is_dir()


@pytest.mark.integration
def test_source_filter_finds_a_story_the_outlet_ran_as_a_copy(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    story = (
        "---\ntitle: Port workers end strike after pay deal\noutlet: {outlet}\n"
        "published: 2026-11-20\n---\nDock workers at the port of Rotterdam ended a "
        "five-day strike on Friday after unions accepted a 6 percent pay rise.\n"
    )
    (folder / "a_courier.md").write_text(story.format(outlet="Daily Courier"))
    (folder / "b_reuters.md").write_text(story.format(outlet="Reuters"))  # the copy
    home = tmp_path / "copies-home"
    built = runner.invoke(main, ["--home", str(home), "index", "build", str(folder), "-q"])
    assert built.exit_code == 0, built.output

    asked = runner.invoke(
        main,
        [
            "--home",
            str(home),
            "ask",
            "Why did the port strike end?",
            "--source",
            "reuters",
            "--llm",
            "extractive",
        ],
    )
    assert asked.exit_code == 0, asked.output
    assert "Daily Courier (also in Reuters), as of 20 November 2026" in asked.output


def test_chat_lists_sources_and_starts_over(runner: CliRunner, news: Path, tmp_path: Path) -> None:
    home = tmp_path / "chat-home"
    built = runner.invoke(main, ["--home", str(home), "index", "build", str(news), "-q"])
    assert built.exit_code == 0, built.output
    result = runner.invoke(
        main,
        ["--home", str(home), "chat", "--llm", "extractive"],
        input="What is the deadline for a deal on Kosovo?\n/new\n/quit\n",
    )
    assert result.exit_code == 0, result.output
    assert "December 10" in result.output
    assert "Sources" in result.output and "[1]" in result.output
    assert "New conversation." in result.output
