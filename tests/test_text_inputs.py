"""Every text input decoded or refused in one line (issue 22): a command-line question that is
not UTF-8 is decoded, a path whose name is not UTF-8 is refused, a lone surrogate never
reaches a tokenizer, SQLite or a JSON encoder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import index
from assistant import Assistant
from assistant.cli import EXIT_REJECTED, main
from index.fakes import FakeEmbedder
from index.inputs import NOT_UTF8_PATH, decode_input, printable
from index.settings import Settings

STORY = "Trams\n\nLISBON (Reuters) - The tram fare in Lisbon is 3.10 euros for a single ride."


def test_decoding_rules() -> None:
    assert decode_input("caf\udce9 au lait") == "café au lait"  # byte 0xE9 as Windows-1252
    assert decode_input("a \ud800 b") == "a \ufffd b"  # a lone surrogate from JSON
    assert decode_input("plain é text") == "plain é text"
    assert printable("bad\udcff.txt") == "bad\\udcff.txt"


@pytest.fixture
def indexed(settings: Settings, tmp_path: Path) -> Settings:
    story = tmp_path / "trams.txt"
    story.write_text(STORY)
    assert index.build([story], settings).new == 1  # the packaged embedder: ask embeds too
    return settings


def test_a_question_that_is_not_utf8_is_answered(indexed: Settings) -> None:
    # Python gives the bytes \xff\xfe of a non-UTF-8 argument as surrogate escapes
    question = "What is the tram fare in Lisbon \udcff\udcfe?"
    result = CliRunner().invoke(main, ["ask", "--llm", "extractive", question])
    assert result.exit_code == 0, result.output
    assert "3.10 euros" in result.output and "Traceback" not in result.output


def test_the_api_decodes_a_lone_surrogate_in_question_and_history(indexed: Settings) -> None:
    assistant = Assistant(indexed.with_overrides(llm="extractive"))
    answer = assistant.ask(
        "What is the tram fare \ud800 in Lisbon?", history=[("Hello \udfff", "Hi \ud83d")]
    )
    assert "3.10" in answer.text and "\ud800" not in answer.question_used


def test_a_file_name_that_is_not_utf8_is_refused_in_one_line(
    settings: Settings, tmp_path: Path
) -> None:
    news = tmp_path / "news"
    news.mkdir()
    (news / "good.txt").write_text(STORY)
    bad = os.fsencode(news) + b"/caf\xe9.txt"
    with open(bad, "w") as file:
        file.write(STORY.replace("3.10", "2.00"))
    report = index.build([news], settings, embedder=FakeEmbedder())
    assert report.new == 1
    assert [str(r) for r in report.rejected] == [f"{news}/caf\\udce9.txt: {NOT_UTF8_PATH}"]
    result = CliRunner().invoke(main, ["index", "build", "-q", os.fsdecode(bad)])
    assert result.exit_code == EXIT_REJECTED and "Traceback" not in result.output
    assert f"caf\\udce9.txt: {NOT_UTF8_PATH}" in result.output
