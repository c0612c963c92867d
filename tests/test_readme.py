"""The README's Python example runs as written against a real index."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import index
from index.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
STORIES = Path(__file__).parent / "fixtures" / "answering" / "stories"


def _python_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)


@pytest.mark.integration
def test_python_example_runs(
    tmp_path: Path, seed_story: Path, newsdesk_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news = tmp_path / "news"
    shutil.copytree(STORIES, news)
    shutil.copy(seed_story, news / seed_story.name)
    report = index.build([str(news)], Settings(home=newsdesk_home))
    assert report.ok and report.new == 4

    example = _python_blocks()[0]
    assert "from assistant import Assistant" in example
    exec(compile(example, "README.md", "exec"), {})  # the README is the test subject

    printed = capsys.readouterr().out
    assert "December 10" in printed
    assert "New bid to break Kosovo stalemate" in printed
