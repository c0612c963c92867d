"""Damaged stores say what is wrong in one line and recover (issue 22): a truncated or garbage
catalog or Chroma database names the file and the fix; ``index clear`` works whatever the
state; a deleted Chroma folder is reported by ``stats`` and re-embedded from the catalog by the
next build."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import index
from assistant.cli import EXIT_ERROR, main
from index.fakes import FakeEmbedder
from index.settings import Settings
from index.stores import open_stores

STORY = "Trams\n\nLISBON (Reuters) - The tram fare in Lisbon is 3.10 euros for a single ride."


def truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 40)


@pytest.fixture
def built(settings: Settings, tmp_path: Path) -> Path:
    story = tmp_path / "trams.txt"
    story.write_text(STORY)
    assert index.build([story], settings, embedder=FakeEmbedder()).new == 1
    return story


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


DAMAGES: list[tuple[str, Callable[[Path], None], str]] = [
    ("catalog.sqlite3", truncate, "catalog"),
    ("catalog.sqlite3", garbage, "catalog"),
    ("chroma/chroma.sqlite3", truncate, "Chroma database"),
    ("chroma/chroma.sqlite3", garbage, "Chroma database"),
]


@pytest.mark.parametrize("name, damage, what", DAMAGES, ids=lambda v: getattr(v, "__name__", v))
def test_a_damaged_store_is_one_line_naming_the_file_and_clear_fixes_it(
    name: str,
    damage: Callable[[Path], None],
    what: str,
    built: Path,
    settings: Settings,
) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()  # as a new process would: nothing cached
    damage(settings.home / name)
    expected = f"Error: The {what} {settings.home / name} is damaged ("
    for command in (
        ["ask", "--llm", "extractive", "What is the tram fare?"],
        ["index", "build", "-q", str(built)],
    ):
        code, output = cli(*command)
        assert code == EXIT_ERROR, output
        assert "Traceback" not in output and len(output.strip().splitlines()) == 1, output
        assert output.startswith(expected) and "run `newsdesk index clear --yes`" in output
    code, output = cli("index", "stats")
    if what == "catalog":
        assert code == EXIT_ERROR and output.startswith(expected)
    else:
        assert code == 0 and f"Warning: the Chroma database {settings.home / name}" in output
    code, output = cli("index", "clear", "--yes")
    assert code == 0, output
    assert index.build([built], settings, embedder=FakeEmbedder()).new == 1


def test_a_deleted_chroma_folder_is_reported_and_embedded_again(
    built: Path, settings: Settings
) -> None:
    shutil.rmtree(settings.chroma_path)

    warning = index.stats(settings).warning
    assert warning and "is missing: 1 chunks have no vectors" in warning
    code, output = cli("index", "stats", "--json")
    assert code == 0 and json.loads(output)["warning"] == warning

    report = index.update(settings, embedder=FakeEmbedder())

    assert (report.new, report.unchanged) == (0, 1)
    assert index.stats(settings).warning is None and index.stats(settings).articles == 1
    with open_stores(settings) as stores:
        assert stores.chroma.count() == stores.catalog.chunk_count() == 1


def test_the_page_shows_the_missing_chroma_folder(built: Path, settings: Settings) -> None:
    from assistant.webui.library import Library
    from assistant.webui.panels import status_html

    shutil.rmtree(settings.chroma_path)
    panel = status_html(Library(settings, uploaded_from=[]).view())
    assert "nd-error" in panel and "is missing: 1 chunks have no vectors" in panel
