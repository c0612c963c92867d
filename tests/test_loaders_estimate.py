"""The article estimate and upload suffixes, both read from the loaders' one list of types."""

from __future__ import annotations

import gzip
from pathlib import Path

from index.loaders import LOADERS
from index.loaders.estimate import estimate_articles, estimate_file, upload_suffixes


def test_estimate_counts_files_and_lines(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Title\n\nBody")
    (tmp_path / "b.html").write_text("<html></html>")
    (tmp_path / "c.jsonl").write_text('{"a": 1}\n\n{"a": 2}\n')
    with gzip.open(tmp_path / "d.jsonl.gz", "wt") as out:
        out.write('{"a": 1}\n{"a": 2}\n{"a": 3}\n')
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("skipped")
    assert estimate_articles([str(tmp_path)]) == 1 + 1 + 2 + 3
    assert estimate_articles([str(tmp_path / "a.txt"), str(tmp_path / "c.jsonl")]) == 3


def test_estimate_is_unknown_for_feeds_json_and_urls(tmp_path: Path) -> None:
    (tmp_path / "feed.rss").write_text("<rss></rss>")
    (tmp_path / "items.json").write_text("[]")
    assert estimate_file(tmp_path / "feed.rss") is None
    assert estimate_file(tmp_path / "items.json") is None
    assert estimate_articles([str(tmp_path)]) is None
    assert estimate_articles(["https://example.org/feed.xml"]) is None
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(b"not gzip")
    assert estimate_file(broken) == 0


def test_upload_suffixes_cover_every_loader() -> None:
    suffixes = upload_suffixes()
    assert ".gz" in suffixes and ".jsonl.gz" not in suffixes
    assert all(any(name.endswith(s) for s in suffixes) for name in LOADERS)
    assert suffixes == sorted(set(suffixes))
