"""Saved web pages (``.html`` / ``.htm``): the article's text and metadata, via trafilatura."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from index.errors import SourceRejected
from index.loaders.dateline import parse_dateline
from index.loaders.dates import parse_date
from index.loaders.decoding import decode_text, read_bytes
from index.loaders.outlets import outlet_from_url
from index.models import Article
from index.settings import Settings

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
# Keep the time of day when the page states one; look only where dates are declared
# (meta tags, JSON-LD, <time>), never guess from a copyright line.
_DATE_PARAMS = {
    "original_date": True,
    "extensive_search": False,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def load_html(path: Path, settings: Settings) -> Iterator[Article]:
    """The article on a saved page (id and origin: its resolved path)."""
    data = read_bytes(path, settings)
    declared = _META_CHARSET.search(data[:4096])
    text = decode_text(data, declared=declared[1].decode("ascii") if declared else None)
    yield parse_html(text, article_id=str(path), origin=str(path), fallback_title=path.stem)


def parse_html(html: str, *, article_id: str, origin: str, fallback_title: str = "") -> Article:
    """An ``Article`` from a page's HTML; rejects pages with no extractable article text."""
    import trafilatura

    result = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, date_extraction_params=_DATE_PARAMS
    )
    fields: dict[str, Any] = (
        result.as_dict() if result is not None and not isinstance(result, dict) else (result or {})
    )
    title = (fields.get("title") or "").strip()
    body = _without_title((fields.get("text") or "").strip(), title)
    if not body:
        raise SourceRejected("no article text could be extracted from the page")
    url = fields.get("url") or None
    dateline = parse_dateline(body)
    return Article(
        id=article_id,
        title=title or fallback_title,
        text=body,
        source=_outlet(fields.get("sitename"), url) or dateline.outlet,
        url=url,
        published=parse_date(fields.get("date")),
        authors=_authors(fields.get("author")),
        place=dateline.place,
        origin=origin,
    )


def _without_title(body: str, title: str) -> str:
    """The text without its first line when that line is the headline (it heads every chunk)."""
    first, _, rest = body.partition("\n")
    return rest.strip() if title and first.strip().casefold() == title.casefold() else body


def _outlet(sitename: str | None, url: str | None) -> str | None:
    """The page's site name; a bare host name (trafilatura's fallback) becomes the outlet's name."""
    if sitename and not re.fullmatch(r"[\w.-]+\.[a-z]{2,}", sitename.strip(), re.IGNORECASE):
        return sitename.strip()
    return outlet_from_url(url) or sitename or None


def _authors(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(name.strip() for name in value.split(";") if name.strip())
