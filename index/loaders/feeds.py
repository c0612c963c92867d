"""RSS and Atom feeds, from a file or an http(s) URL, read with feedparser.

Each entry is an article: id = guid/id else link; text = content or summary as plain text;
published from the entry's published/updated date (UTC); outlet = a well-known name for the
feed's site (``KNOWN_OUTLETS``), else the feed's title. An entry with no text is rejected alone.
A feed whose DTD declares entities is rejected whole (entity expansion is never wanted).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from index.errors import SourceRejected
from index.fetch import fetch
from index.loaders.dateline import parse_dateline
from index.loaders.dates import from_struct_time
from index.loaders.decoding import looks_binary, read_bytes
from index.loaders.htmltext import html_to_text
from index.loaders.outlets import known_outlet
from index.models import Article, Rejection, content_hash
from index.settings import Settings

_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_SNIFF_BYTES = 4096  # the root element comes after at most an XML declaration and comments
_DTD_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)


def looks_like_feed(path: Path) -> bool:
    """True when the start of the file is an RSS, Atom or RDF document."""
    with path.open("rb") as handle:
        return _has_feed_root(handle.read(_SNIFF_BYTES))


def load_feed_file(path: Path, settings: Settings) -> Iterator[Article | Rejection]:
    """The entries of a feed saved as a file (origin: its resolved path)."""
    yield from parse_feed(read_bytes(path, settings), origin=str(path))


def load_feed_url(url: str, settings: Settings) -> Iterator[Article | Rejection]:
    """The entries of the feed at ``url`` (origin: the URL), fetched by ``index.fetch`` (public
    http(s) addresses only, bounded in time and size); failures raise SourceRejected."""
    yield from parse_feed(fetch(url, settings).body, origin=url, base_url=url)


def parse_feed(
    data: bytes, *, origin: str, base_url: str | None = None
) -> Iterator[Article | Rejection]:
    """Articles from a feed document; rejects one that does not parse as a feed."""
    import feedparser

    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and (looks_binary(data) or b"\x00" in data):
        raise SourceRejected("binary file, not a feed")
    if not _has_feed_root(data[:_SNIFF_BYTES]):
        raise SourceRejected("not an RSS or Atom feed")
    if declares_entities(data):
        raise SourceRejected(
            "the feed declares entities in a DTD (<!DOCTYPE [...]> or <!ENTITY>); refused, "
            "as entity expansion can blow up or read what it should not"
        )
    headers = {"content-type": "application/xml"}
    if base_url:
        headers["content-location"] = base_url
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not parsed.entries:
        if parsed.get("bozo"):
            problem = _one_line(parsed.get("bozo_exception"))
            raise SourceRejected(f"feed could not be parsed: {problem}")
        return  # a valid feed with no entries today
    feed = parsed.feed
    outlet = known_outlet(feed.get("link") or base_url) or _clean(feed.get("title")) or None
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            yield entry_to_article(entry, outlet=outlet, origin=origin)
        except SourceRejected as error:
            yield Rejection(origin, f"entry {number}: {error}")


def entry_to_article(entry: Mapping[str, Any], *, outlet: str | None, origin: str) -> Article:
    """An ``Article`` from one feedparser entry."""
    title = _clean(entry.get("title"))
    text = _entry_text(entry)
    if not text:
        named = f"'{title}': " if title else ""
        raise SourceRejected(f"{named}no text (the entry has neither content nor a summary)")
    link = entry.get("link") or None
    entry_id = entry.get("id") or link or f"{origin}#{content_hash(title, text)[:16]}"
    dateline = parse_dateline(text)
    source = (entry.get("source") or {}).get("title")  # RSS <source>: the original outlet
    return Article(
        id=entry_id,
        title=title or text.split("\n", 1)[0][:120],
        text=text,
        source=_clean(source) or outlet or dateline.outlet,
        url=link,
        published=_entry_date(entry),
        authors=_entry_authors(entry),
        place=dateline.place,
        origin=origin,
    )


def declares_entities(data: bytes) -> bool:
    """True when the prolog (before the root element) has a DTD internal subset or an
    ``<!ENTITY`` declaration; real feeds never need one, entity bombs always do."""
    head = data[:_SNIFF_BYTES]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    root = _FEED_ROOT.search(head)
    prolog = head[: root.start()] if root else head
    return bool(_DTD_SUBSET.search(prolog) or b"<!entity" in prolog.lower())


def _has_feed_root(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    return bool(_FEED_ROOT.search(head))


def _entry_text(entry: Mapping[str, Any]) -> str:
    contents = [item.get("value", "") for item in entry.get("content") or []]
    best = max(contents, key=len, default="")
    summary = entry.get("summary") or ""
    return html_to_text((best if len(best) >= len(summary) else summary).replace("\x00", ""))


def _entry_date(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        if entry.get(key):
            return from_struct_time(entry[key])
    return None


def _entry_authors(entry: Mapping[str, Any]) -> tuple[str, ...]:
    names = [author.get("name", "") for author in entry.get("authors") or []]
    if not any(names) and entry.get("author"):
        names = [entry["author"]]
    return tuple(dict.fromkeys(name.strip() for name in names if name and name.strip()))


def _clean(value: object) -> str:
    """Plain one-line text; a NUL from a ``&#0;`` reference is dropped (never reaches a chunk)."""
    if not value:
        return ""
    return html_to_text(str(value).replace("\x00", "")).replace("\n\n", " ")


def _one_line(error: object) -> str:
    text = " ".join(str(error or "unknown error").split())
    return text[:200]
