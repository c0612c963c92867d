"""Inputs that used to break a build: each is now one rejection naming it, and the rest loads."""

from __future__ import annotations

import json
import os
from pathlib import Path

import index
from index.fakes import FakeEmbedder
from index.loaders import load_folder, load_source
from index.loaders.walk import walk_files
from index.models import Article, Rejection
from index.settings import Settings

STORY = "Ministers meet in Brussels\n\nBRUSSELS (Reuters) - Ministers met on {day} to talk."


def story(path: Path, day: str = "Monday") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(STORY.format(day=day))
    return path


def split(items: list[Article | Rejection]) -> tuple[list[Article], list[Rejection]]:
    return (
        [i for i in items if isinstance(i, Article)],
        [i for i in items if isinstance(i, Rejection)],
    )


def loop(path: Path) -> Path:
    """``path`` -> ``path.other`` -> ``path``: a symlink loop."""
    other = path.with_name(path.name + ".other")
    other.symlink_to(path)
    path.symlink_to(other)
    return path


def test_symlink_loop_in_a_folder_is_one_rejection_and_the_rest_loads(
    tmp_path: Path, settings: Settings
) -> None:
    story(tmp_path / "news" / "a.txt")
    loop(tmp_path / "news" / "b.txt")
    story(tmp_path / "news" / "c.txt", "Tuesday")

    articles, rejections = split(list(load_source(tmp_path / "news", settings)))

    assert len(articles) == 2
    assert {Path(r.input).name for r in rejections} == {"b.txt", "b.txt.other"}
    assert all("symlink loop" in r.reason for r in rejections)


def test_symlink_loop_named_directly_is_rejected(tmp_path: Path, settings: Settings) -> None:
    link = loop(tmp_path / "feed.xml")
    [rejection] = load_source(link, settings)
    assert rejection.input == str(link) and rejection.reason.startswith("symlink loop")


def test_build_and_update_carry_on_past_a_symlink_loop(tmp_path: Path, settings: Settings) -> None:
    first = story(tmp_path / "one" / "a.txt")
    later = story(tmp_path / "two" / "b.txt", "Friday")
    report = index.build([first.parent, later.parent], settings, embedder=FakeEmbedder())
    assert report.new == 2

    first.unlink()
    loop(first)  # the first recorded source now holds a loop
    story(tmp_path / "two" / "c.txt", "Sunday")
    updated = index.update(settings, embedder=FakeEmbedder())

    assert updated.new == 1 and updated.unchanged == 1  # the later source was still read
    assert any("symlink loop" in r.reason for r in updated.rejected)
    assert index.stats(settings).articles == 3  # nothing indexed was lost


class UnreadableScandir:
    """``os.scandir`` except for one folder, which raises as an unreadable folder does."""

    def __init__(self, unreadable: Path) -> None:
        self.unreadable = unreadable

    def __call__(self, path: Path):
        if Path(path) == self.unreadable:
            raise PermissionError(13, "Permission denied", str(path))
        return os.scandir(path)


def test_unreadable_subfolder_is_reported_and_the_rest_loads(
    tmp_path: Path, settings: Settings
) -> None:
    story(tmp_path / "news" / "a.txt")
    story(tmp_path / "news" / "private" / "b.txt")
    story(tmp_path / "news" / "z" / "c.txt")
    scandir = UnreadableScandir(tmp_path / "news" / "private")

    articles, rejections = split(list(load_folder(tmp_path / "news", settings, scandir=scandir)))

    assert [Path(a.origin).name for a in articles] == ["a.txt", "c.txt"]
    assert rejections == [
        Rejection(
            str(tmp_path / "news" / "private"),
            "could not read the folder: permission denied; skipped",
        )
    ]


def test_really_unreadable_subfolder_is_reported(tmp_path: Path) -> None:
    """With real permissions: as root (who reads anything) the folder stays readable, and the
    walk must then list its file; otherwise it must report the folder."""
    story(tmp_path / "news" / "a.txt")
    private = story(tmp_path / "news" / "private" / "b.txt").parent
    private.chmod(0)
    try:
        readable = os.access(private, os.R_OK)
        found = list(walk_files(tmp_path / "news"))
    finally:
        private.chmod(0o755)
    names = {Path(str(item.input if isinstance(item, Rejection) else item)).name for item in found}
    assert names == ({"a.txt", "b.txt"} if readable else {"a.txt", "private"})


def test_json_nested_ten_thousand_deep_is_too_deep(tmp_path: Path, settings: Settings) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"text": ' + "[" * 10_000 + "]" * 10_000 + "}")
    lines = tmp_path / "deep.jsonl"
    good = json.dumps({"title": "Fine", "text": "A fine story about ministers."})
    lines.write_text(good + "\n" + "[" * 10_000 + "]" * 10_000 + "\n")

    [rejection] = load_source(deep, settings)
    articles, rejections = split(list(load_source(lines, settings)))

    assert rejection.input == str(deep) and "nested too deeply" in rejection.reason
    assert "Recursion" not in rejection.reason
    assert len(articles) == 1
    assert [r.reason.split(":")[0] for r in rejections] == ["line 2"]
    assert "nested too deeply" in rejections[0].reason


BOMB = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<rss version="2.0"><channel><title>Bomb</title>
<item><title>&lol9;</title><description>&lol9;</description><link>http://x.example/1</link></item>
</channel></rss>
"""


def test_feed_declaring_entities_is_rejected(tmp_path: Path, settings: Settings) -> None:
    feed = tmp_path / "bomb.rss"
    feed.write_text(BOMB)
    [rejection] = load_source(feed, settings)
    assert isinstance(rejection, Rejection) and rejection.input == str(feed)
    assert "declares entities" in rejection.reason


def test_feed_with_a_plain_doctype_still_loads(tmp_path: Path, settings: Settings) -> None:
    feed = tmp_path / "plain.rss"
    feed.write_text(
        BOMB.replace(
            BOMB[BOMB.index("<!DOCTYPE") : BOMB.index("<rss")],
            '<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "">\n',
        ).replace("&lol9;", "Ministers meet")
    )
    [article] = load_source(feed, settings)
    assert isinstance(article, Article) and article.title == "Ministers meet"


def test_nul_bytes_after_the_first_8_kb_never_reach_a_chunk(
    tmp_path: Path, settings: Settings
) -> None:
    padding = "Ministers met again. " * 500  # > 8 KB before the NUL byte
    wire = tmp_path / "news" / "wire.txt"
    wire.parent.mkdir()
    wire.write_bytes(f"Title\n\n{padding}\x00hidden".encode())
    page = tmp_path / "news" / "page.html"
    page.write_bytes(f"<html><title>T</title><body><p>{padding}\x00</p></body></html>".encode())
    feed = tmp_path / "news" / "feed.rss"
    feed.write_bytes(
        BOMB.split("<!DOCTYPE")[0].encode() + b"<rss><channel><item><title>T"
        b"</title><description>" + padding.encode() + b"\x00</description>"
        b"</item></channel></rss>"
    )
    record = tmp_path / "news" / "record.json"
    record.write_text(json.dumps({"title": "T", "text": padding + "\x00end"}))

    articles, rejections = split(list(load_source(tmp_path / "news", settings)))

    assert {Path(r.input).name for r in rejections} == {"wire.txt", "page.html", "feed.rss"}
    assert all(r.reason.startswith("binary file") for r in rejections)
    [kept] = articles  # a JSON "\u0000" escape is data, not binary: it is dropped from the text
    assert "\x00" not in kept.text and kept.text.endswith("end")


def test_a_nul_character_reference_in_a_feed_is_dropped(tmp_path: Path, settings: Settings) -> None:
    feed = tmp_path / "refs.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss><channel><item><title>Harbour&#0; reopens</title>'
        "<description>The harbour&#x0; reopened.</description></item></channel></rss>"
    )
    [article] = load_source(feed, settings)
    assert article.title == "Harbour reopens" and "\x00" not in article.text
