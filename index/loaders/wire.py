"""Wire stories in ``.txt`` / ``.md`` files: the title on the first line, then the story.

The story's dateline (``BRUSSELS (Reuters) - ...``) gives the place and the outlet and stays
in the text. Markdown may open with front matter (``---`` ``title: ...`` ``---``) whose
title, date, author(s), source and url win over what the text says.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from index.errors import SourceRejected
from index.loaders.dateline import parse_dateline
from index.loaders.dates import parse_date
from index.loaders.decoding import read_text
from index.models import Article
from index.settings import Settings

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<meta>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_BYLINE = re.compile(r"^By[ \t]+(?P<names>[A-Z][^\n.!?]{1,80})$")


def load_wire(path: Path, settings: Settings) -> Iterator[Article]:
    """The one article in a wire-story file (id and origin: its resolved path)."""
    text = read_text(path, settings)
    yield parse_wire(text, article_id=str(path), origin=str(path))


def parse_wire(text: str, *, article_id: str, origin: str) -> Article:
    """An ``Article`` from the text of a wire story (optionally with front matter)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    meta, text = split_front_matter(text)
    lines = text.strip().split("\n")
    title = str(meta.get("title") or "").strip()
    if not title or _heading_text(lines[0]).casefold() == title.casefold():
        title = _heading_text(lines[0]) or title
        lines = lines[1:]
    body = "\n".join(lines).strip()
    if not title:
        raise SourceRejected("no title: the first line should be the story's title")
    if not body:
        raise SourceRejected("no story text after the title line")
    dateline = parse_dateline(body)
    return Article(
        id=article_id,
        title=title,
        text=body,
        source=_text(meta, "source", "outlet", "publisher") or dateline.outlet,
        url=_text(meta, "url", "link", "canonical_url"),
        published=_first_date(meta) or dateline.published,
        authors=_authors(meta) or _byline(body),
        place=_text(meta, "place", "dateline") or dateline.place,
        origin=origin,
    )


def split_front_matter(text: str) -> tuple[dict[str, object], str]:
    """(front matter fields, the rest); no front matter gives ``({}, text)``."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    return _parse_meta(match["meta"]), text[match.end() :]


def _parse_meta(block: str) -> dict[str, object]:
    try:
        import yaml
    except ImportError:
        return _parse_simple_meta(block)
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:  # e.g. an unquoted "title: Kosovo: talks resume"
        return _parse_simple_meta(block)
    if isinstance(data, dict):
        return {str(key).lower(): value for key, value in data.items()}
    return _parse_simple_meta(block)


def _parse_simple_meta(block: str) -> dict[str, object]:
    """Tolerant ``key: value`` lines; ``- item`` lines make the previous key a list."""
    meta: dict[str, object] = {}
    key = None
    for line in block.split("\n"):
        item = re.match(r"^\s+-\s+(.*)$", line) or re.match(r"^-\s+(.*)$", line)
        if item and key:
            previous = meta.get(key)
            values = previous if isinstance(previous, list) else []
            meta[key] = [*values, _unquote(item[1])]
            continue
        if ":" in line:
            key, value = line.split(":", 1)
            key = key.strip().lower()
            meta[key] = _unquote(value)
    return meta


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _heading_text(line: str) -> str:
    return line.strip().lstrip("#").strip()


def _text(meta: dict[str, object], *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key)
        if value not in (None, "", []):
            return str(value).strip()
    return None


def _first_date(meta: dict[str, object]) -> datetime | None:
    for key in ("date", "published", "published_at", "pubdate"):
        if meta.get(key) not in (None, ""):
            return parse_date(meta[key])
    return None


def _authors(meta: dict[str, object]) -> tuple[str, ...]:
    value = meta.get("authors") or meta.get("author")
    if isinstance(value, list):
        return tuple(str(name).strip() for name in value if str(name).strip())
    if isinstance(value, str) and value.strip():
        return tuple(name.strip() for name in re.split(r";|\band\b", value) if name.strip())
    return ()


def _byline(body: str) -> tuple[str, ...]:
    """Authors from a ``By Jane Doe and John Roe`` line right after the dateline-less title."""
    first = body.split("\n", 1)[0].strip()
    match = _BYLINE.match(first)
    if not match:
        return ()
    names = re.split(r",|\band\b", match["names"])
    return tuple(name.strip() for name in names if name.strip())
