"""A shared server keeps its own files: what a page user may make it read, and what is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.webui.access import NO_ROOTS, OUTSIDE, check_location
from assistant.webui.library import Library, safe_name
from index.errors import SourceRejected
from index.fakes import FakeEmbedder
from index.settings import Settings
from index.stores.catalog import Catalog

STORY = "Harbour wall finished\n\nLISBON (Reuters) - Crews finished the harbour wall on Monday."


def story(path: Path, text: str = STORY) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def rooted(settings: Settings, tmp_path: Path) -> Settings:
    story(tmp_path / "root" / "news" / "a.txt")
    return settings.with_overrides(ui_source_roots=[tmp_path / "root"])


def test_server_paths_are_refused_without_configured_roots(settings: Settings) -> None:
    for location in ("/etc", "/etc/passwd", "relative/folder", "~"):
        with pytest.raises(SourceRejected) as refused:
            check_location(location, settings)
        assert str(refused.value) == NO_ROOTS


@pytest.mark.parametrize("location", ["file:///etc/passwd", "FILE:/etc/passwd", "file:etc"])
def test_file_urls_are_refused(location: str, rooted: Settings) -> None:
    with pytest.raises(SourceRejected, match="file: URLs are not read"):
        check_location(location, rooted)


@pytest.mark.parametrize("location", ["ftp://x.example/f.xml", "gopher://x", "javascript:x"])
def test_other_schemes_are_refused(location: str, settings: Settings) -> None:
    with pytest.raises(SourceRejected, match="URLs are not read; give an http"):
        check_location(location, settings)


def test_http_feed_urls_pass_to_the_fetcher(settings: Settings) -> None:
    url = "https://news.example/feed.xml"
    assert check_location(f"  {url} ", settings) == url
    with pytest.raises(SourceRejected, match="no host"):
        check_location("http:///feed.xml", settings)


def test_folders_under_a_root_are_allowed_as_their_real_path(
    rooted: Settings, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    assert check_location(str(root / "news"), rooted) == str((root / "news").resolve())
    assert check_location(str(root), rooted) == str(root.resolve())


def test_dot_dot_and_symlinks_cannot_escape_the_roots(rooted: Settings, tmp_path: Path) -> None:
    root = tmp_path / "root"
    story(tmp_path / "private" / "secret.txt", "Secret\n\nThe root password is hunter2.")
    (root / "escape").symlink_to(tmp_path / "private")
    (root / "news" / "leak.txt").symlink_to(tmp_path / "private" / "secret.txt")
    (tmp_path / "root-sibling").mkdir()

    for location in (
        f"{root}/../private",
        f"{root}/escape",
        f"{root}/escape/secret.txt",
        str(tmp_path / "root-sibling"),
        "/etc",
    ):
        with pytest.raises(SourceRejected) as refused:
            check_location(location, rooted)
        assert str(refused.value) == OUTSIDE, location
    with pytest.raises(SourceRejected, match=r"holds a link that leads outside .*leak\.txt"):
        check_location(str(root / "news"), rooted)
    with pytest.raises(SourceRejected, match=r"holds a link .*escape"):
        check_location(str(root), rooted)


def test_roots_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_UI_SOURCE_ROOTS", "/srv/news:/data/wire:")
    assert Settings().ui_source_roots == [Path("/srv/news"), Path("/data/wire")]
    monkeypatch.setenv("NEWSDESK_UI_SOURCE_ROOTS", '["/srv/a:b"]')
    assert Settings().ui_source_roots == [Path("/srv/a:b")]
    monkeypatch.delenv("NEWSDESK_UI_SOURCE_ROOTS")
    assert Settings().ui_source_roots == []


def test_refused_locations_are_reported_and_never_recorded(
    rooted: Settings, tmp_path: Path
) -> None:
    story(tmp_path / "private" / "secret.txt", "Secret\n\nThe root password is hunter2.")
    library = Library(rooted, embedder=FakeEmbedder(), uploaded_from=[tmp_path / "uploads"])
    allowed = str(tmp_path / "root" / "news")

    report = library.add(
        [str(tmp_path / "private"), "file:///etc/passwd", allowed], lambda d, t, s: None
    )

    assert report.new == 1
    assert [(r.input, r.reason) for r in report.rejected] == [
        (str(tmp_path / "private"), OUTSIDE),
        ("file:///etc/passwd", "file: URLs are not read from the web page; upload the file"),
    ]
    catalog = Catalog.open(rooted)
    try:
        assert catalog.recorded_sources() == [str(Path(allowed).resolve())]
    finally:
        catalog.close()
    assert library.update(lambda d, t, s: None).rejected == []


def test_only_refused_locations_build_nothing(settings: Settings) -> None:
    report = Library(settings, uploaded_from=[]).add(["/etc"], lambda d, t, s: None)
    assert report.new == 0 and [r.reason for r in report.rejected] == [NO_ROOTS]
    assert not settings.catalog_path.exists()


def test_uploads_never_overwrite_each_other(settings: Settings, tmp_path: Path) -> None:
    first = story(tmp_path / "gradio" / "one" / "story.txt", "First\n\nOne user's story.")
    second = story(tmp_path / "gradio" / "two" / "story.txt", "Second\n\nAnother's story.")
    library = Library(settings, uploaded_from=[tmp_path / "gradio"])

    staged = library.stage_uploads([str(first)]) + library.stage_uploads([str(second)])

    assert len(set(staged)) == 2 and all(Path(p).name == "story.txt" for p in staged)
    assert [Path(p).read_text() for p in staged] == [first.read_text(), second.read_text()]
    assert all(Path(p).parent.parent == settings.home / "uploads" for p in staged)


def test_uploads_are_size_limited(settings: Settings, tmp_path: Path) -> None:
    big = story(tmp_path / "gradio" / "big.txt", "Big\n\n" + "word " * 400)
    library = Library(
        settings.with_overrides(ui_max_upload_bytes=1000), uploaded_from=[tmp_path / "gradio"]
    )
    with pytest.raises(SourceRejected, match=r"big\.txt: 2 KB, over the 1 KB upload limit"):
        library.stage_uploads([str(big)])
    assert not (settings.home / "uploads").exists()


def test_an_upload_must_come_from_the_upload_folder(settings: Settings, tmp_path: Path) -> None:
    server_file = story(tmp_path / "etc" / "passwd.txt", "root:x:0:0")
    (tmp_path / "gradio").mkdir()
    (tmp_path / "gradio" / "link.txt").symlink_to(server_file)
    library = Library(settings, uploaded_from=[tmp_path / "gradio"])
    for path in (server_file, tmp_path / "gradio" / "link.txt"):
        with pytest.raises(SourceRejected, match="not an uploaded file"):
            library.stage_uploads([str(path)])


def test_staged_uploads_are_indexed_without_roots(settings: Settings, tmp_path: Path) -> None:
    upload = story(tmp_path / "gradio" / "story.txt")
    library = Library(settings, embedder=FakeEmbedder(), uploaded_from=[tmp_path / "gradio"])
    report = library.add(library.stage_uploads([str(upload)]), lambda d, t, s: None)
    assert report.new == 1 and report.rejected == []


def test_safe_names_keep_the_extension_and_drop_paths() -> None:
    assert safe_name("../../etc/cron.d/x.jsonl.gz") == "x.jsonl.gz"
    assert safe_name("my story (1).txt") == "my_story_1_.txt"
    assert safe_name(".hidden.txt") == "hidden.txt"
