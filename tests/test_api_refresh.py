"""Assistant.refresh: an assistant sees what another process indexed after it started."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import index
from assistant import Assistant
from index.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "tests" / "fixtures" / "pipeline" / "news"
WHEAT = "Why did wheat futures climb in Chicago?"
WRITER = """\
import sys
from pathlib import Path

import index
from index.settings import Settings
from index.fakes import FakeEmbedder

report = index.build([sys.argv[2]], Settings(home=Path(sys.argv[1])), embedder=FakeEmbedder())
print(report.new)
"""


def story_folders(tmp_path: Path) -> tuple[Path, Path]:
    """Two folders of one fixture story each: the storm (indexed first), then the wheat."""
    storm, wheat = tmp_path / "storm", tmp_path / "wheat"
    for folder, name in ((storm, "storm.md"), (wheat, "wheat.md")):
        folder.mkdir()
        shutil.copy(NEWS / name, folder / name)
    return storm, wheat


def write_in_another_process(home: Path, source: Path) -> None:
    """``index.build(source)`` into ``home`` from a fresh Python process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", WRITER, str(home), str(source)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "1"  # one new article


def test_an_assistant_answers_from_an_article_another_process_indexed(settings, tmp_path):
    settings = settings.with_overrides(llm="extractive")
    storm, wheat = story_folders(tmp_path)
    index.build([storm], settings, embedder=FakeEmbedder())
    bot = Assistant(settings, embedder=FakeEmbedder())

    before = bot.ask(WHEAT)
    assert not any("Wheat" in source.title for source in before.sources)
    assert bot.refresh() is False  # nothing written since: no reload

    write_in_another_process(settings.home, wheat)

    after = bot.ask(WHEAT)  # ask() refreshes first
    wheat_sources = [source for source in after.sources if "Wheat" in source.title]
    assert wheat_sources, [source.title for source in after.sources]
    # found by the dense search too: the Chroma side was re-opened, not only BM25 reloaded
    assert any(chunk.similarity is not None for chunk in wheat_sources[0].chunks)
    assert after.covered and "wheat" in after.text.lower()
    assert bot.refresh() is False


def test_refresh_leaves_a_given_retriever_alone(settings) -> None:
    from assistant.testing import FakeRetriever
    from tests.fixtures.answering.sources import three_sources

    bot = Assistant(settings, retriever=FakeRetriever(three_sources()))
    assert bot.refresh() is False
