"""The sources of a build: each path resolved once, a path that cannot be is one rejection."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import index
from index.fakes import FakeEmbedder
from index.settings import Settings

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pipeline" / "news"


@pytest.fixture
def news(tmp_path: Path) -> Path:
    """A writable copy of the fixture stories."""
    return Path(shutil.copytree(FIXTURES, tmp_path / "news"))


def build(sources: list[Path], settings: Settings) -> tuple[index.BuildReport, FakeEmbedder]:
    embedder = FakeEmbedder()
    return index.build(sources, settings, embedder=embedder), embedder


def test_each_source_path_is_resolved_once(
    news: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    story = news / "storm.md"
    resolved: list[Path] = []
    real = Path.resolve

    def counting(self: Path, strict: bool = False) -> Path:
        if self.name == story.name:
            resolved.append(self)
        return real(self, strict)

    monkeypatch.setattr(Path, "resolve", counting)
    report, _ = build([story], settings)
    assert report.new == 1 and not report.rejected
    assert len(resolved) == 1


def test_a_symlink_loop_source_is_one_rejection_and_the_rest_loads(
    news: Path, settings: Settings, tmp_path: Path
) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    report, _ = build([loop, news / "storm.md"], settings)
    assert report.new == 1
    assert [(r.input, r.reason.split(" (")[0]) for r in report.rejected] == [
        (str(loop), "symlink loop")
    ]


def test_build_and_update_share_one_set_of_options(settings: Settings) -> None:
    from index.pipeline import BuildOptions

    assert BuildOptions.__optional_keys__ == {"embedder", "prune", "progress", "wait"}
    with pytest.raises(TypeError, match=r"unexpected build option.*prun"):
        index.build([], settings, prun=True)
    with pytest.raises(TypeError, match=r"unexpected build option.*prun"):
        index.update(settings, prun=True)


def test_the_report_line_names_every_count(news: Path, settings: Settings) -> None:
    report, _ = build([news / "storm.md", news / "missing.md"], settings)
    line = report.summary()
    assert line.startswith("1 new, 0 changed, 0 unchanged, 0 duplicates, 0 removed, 1 rejected; ")
    assert line.endswith(f"{report.chunks_added} chunks in {report.seconds:.1f}s")
