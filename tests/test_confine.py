"""Confinement on every read (issue 22): a recorded source under the allowed roots is checked
each time it is read, by the page's "Update index", ``index update`` and ``index watch`` alike;
a link planted after the folder was approved is never followed."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import index
from assistant.webui.library import Library
from index.fakes import FakeEmbedder
from index.loaders.confine import LINK_OUT, OUTSIDE
from index.models import BuildReport
from index.refresh import Refresher
from index.settings import Settings

STORY = "Harbour wall finished\n\nLISBON (Reuters) - Crews finished the harbour wall on Monday."
SECRET = "Root password\n\nThe root password of the server is hunter2."


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def rooted(settings: Settings, tmp_path: Path) -> Settings:
    write(tmp_path / "root" / "news" / "a.txt", STORY)
    write(tmp_path / "private" / "secret.txt", SECRET)
    return settings.with_overrides(ui_source_roots=[tmp_path / "root"])


def by_page(settings: Settings) -> BuildReport:
    report: BuildReport = Library(settings, embedder=FakeEmbedder(), uploaded_from=[]).update(
        lambda done, total, stage: None
    )
    return report


def by_update(settings: Settings) -> BuildReport:
    return index.update(settings, embedder=FakeEmbedder())


def by_watch(settings: Settings) -> BuildReport:
    refresher = Refresher(settings, embedder=FakeEmbedder(), notify=lambda line: None)
    round_ = refresher.run_once(every=60)
    return BuildReport(new=sum(round_.checked.values()))


READERS: list[Callable[[Settings], BuildReport]] = [by_page, by_update, by_watch]


def secret_indexed(settings: Settings) -> bool:
    from index.stores.catalog import Catalog

    catalog = Catalog.open(settings)
    try:
        return any("hunter2" in chunk.text for chunk in catalog.chunks())
    finally:
        catalog.close()


@pytest.mark.parametrize("read", READERS, ids=lambda f: f.__name__)
def test_a_link_planted_after_the_folder_was_added_is_not_followed(
    read: Callable[[Settings], BuildReport], rooted: Settings, tmp_path: Path
) -> None:
    library = Library(rooted, embedder=FakeEmbedder(), uploaded_from=[])
    assert library.add([str(tmp_path / "root" / "news")], lambda d, t, s: None).new == 1
    (tmp_path / "root" / "news" / "b.txt").symlink_to(tmp_path / "private" / "secret.txt")

    report = read(rooted)

    assert report.new == 0
    assert not secret_indexed(rooted)
    if read is not by_watch:
        assert [r.reason for r in report.rejected] == [f"skipped {LINK_OUT}"]
        assert "secret" not in str(report.rejected) and "private" not in str(report.rejected)


@pytest.mark.parametrize("read", READERS, ids=lambda f: f.__name__)
def test_a_recorded_folder_replaced_by_a_link_out_is_refused(
    read: Callable[[Settings], BuildReport], rooted: Settings, tmp_path: Path
) -> None:
    news = tmp_path / "root" / "news"
    Library(rooted, embedder=FakeEmbedder(), uploaded_from=[]).add([str(news)], lambda *a: None)
    shutil.rmtree(news)
    news.symlink_to(tmp_path / "private")

    report = read(rooted)

    assert report.new == 0 and not secret_indexed(rooted)
    if read is not by_watch:
        assert [(r.input, r.reason) for r in report.rejected] == [(str(news), OUTSIDE)]


def test_a_recorded_upload_replaced_by_a_link_is_refused(
    settings: Settings, tmp_path: Path
) -> None:
    upload = write(tmp_path / "gradio" / "story.txt", STORY)
    library = Library(settings, embedder=FakeEmbedder(), uploaded_from=[tmp_path / "gradio"])
    [staged] = library.stage_uploads([str(upload)])
    assert library.add([staged], lambda *a: None).new == 1
    write(tmp_path / "private" / "secret.txt", SECRET)
    Path(staged).unlink()
    Path(staged).symlink_to(tmp_path / "private" / "secret.txt")

    report = by_update(settings)

    assert [(r.input, r.reason) for r in report.rejected] == [(staged, OUTSIDE)]
    assert not secret_indexed(settings)


def test_command_line_sources_outside_the_roots_are_not_confined(
    rooted: Settings, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "archive"
    write(elsewhere / "a.txt", STORY)
    (elsewhere / "b.txt").symlink_to(tmp_path / "private" / "secret.txt")
    assert index.build([elsewhere], rooted, embedder=FakeEmbedder()).new == 2
