"""Article records: ``.json`` (one object, a list, or ``{"articles": [...]}``), ``.jsonl`` and
``.jsonl.gz`` (one object per line, streamed).

Fields: ``id, title, text, url, published, authors, source``; tolerated aliases are
``content``/``body``, ``date``/``published_at``, ``link``, ``author``. Without a source the
outlet comes from the URL's host. A bad line is rejected on its own (the rest still loads).
A record with no text field is rejected; one whose text is empty but which has a title is a
headline-only item (video, podcast) and is kept with its title as its text.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, cast

from index.errors import SourceRejected
from index.loaders.dateline import parse_dateline
from index.loaders.dates import parse_date
from index.loaders.decoding import check_size, looks_binary, read_text
from index.loaders.limits import TooLarge, bounded_lines
from index.loaders.outlets import outlet_from_url
from index.models import Article, Rejection
from index.settings import Settings

TEXT_KEYS = ("text", "content", "body", "article", "maintext")
TITLE_KEYS = ("title", "headline")
URL_KEYS = ("url", "link", "canonical_url")
DATE_KEYS = ("published", "date", "published_at", "publishedAt", "pubDate", "date_publish")
AUTHOR_KEYS = ("authors", "author", "byline")
SOURCE_KEYS = ("source", "outlet", "publisher", "site_name", "sitename")
LIST_KEYS = ("articles", "items", "records", "data")
TOO_DEEP = "JSON nested too deeply to read (thousands of levels; article records are flat)"
# After this many bad lines in one file, the rest are summarised in one line.
MAX_LINE_REJECTIONS = 20


def load_jsonl(path: Path, settings: Settings) -> Iterator[Article | Rejection]:
    """Stream the records of a ``.jsonl`` or ``.jsonl.gz`` file, one line at a time."""
    check_size(path, settings)
    if path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as unzipped:
            yield from _read_lines(path, cast(IO[bytes], unzipped), settings)
    else:
        with path.open("rb") as stream:
            yield from _read_lines(path, stream, settings)


def load_json(path: Path, settings: Settings) -> Iterator[Article | Rejection]:
    """The records of a ``.json`` file: one article, a list of them, or ``{"articles": [...]}``."""
    text = read_text(path, settings)
    try:
        data = json.loads(text)
    except RecursionError as error:
        raise SourceRejected(TOO_DEEP) from error
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and text.lstrip().startswith("{"):
            # JSON lines saved as .json: read it line by line like .jsonl
            yield from _read_lines(path, io.BytesIO(text.encode("utf-8")), settings)
            return
        truncated = error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated")
        what = "truncated JSON" if truncated else "invalid JSON"
        raise SourceRejected(
            f"{what} ({error.msg}: line {error.lineno} column {error.colno})"
        ) from error
    records = _records_in(data)
    if records is None:
        raise SourceRejected(
            "no article records: expected an object with 'text', a list of them, "
            'or {"articles": [...]}'
        )
    for number, record in enumerate(records, start=1):
        try:
            yield record_to_article(record, fallback_id=f"{path}#{number}", origin=str(path))
        except SourceRejected as error:
            where = f"item {number}" if len(records) > 1 or not isinstance(data, dict) else "record"
            yield Rejection(str(path), f"{where}: {error}")


def record_to_article(record: object, *, fallback_id: str, origin: str) -> Article:
    """An ``Article`` from one record; raises ``SourceRejected`` when it has no usable text."""
    if not isinstance(record, dict):
        raise SourceRejected(f"expected a JSON object, got {type(record).__name__}")
    title = _string(record, TITLE_KEYS)
    text = _string(record, TEXT_KEYS)
    if not text:
        if not any(key in record for key in TEXT_KEYS):
            raise SourceRejected(f"no article text (expected a '{TEXT_KEYS[0]}' field)")
        if not title:
            raise SourceRejected("empty text and no title")
        text = title  # a headline-only item (a video, a podcast): its headline is all it says
    url = _string(record, URL_KEYS)
    dateline = parse_dateline(text)
    return Article(
        id=_string(record, ("id", "guid", "uuid")) or url or fallback_id,
        title=title or _first_line(text),
        text=text,
        source=_source(record) or outlet_from_url(url) or dateline.outlet,
        url=url,
        published=parse_date(_first(record, DATE_KEYS)),
        authors=_authors(_first(record, AUTHOR_KEYS)),
        place=_string(record, ("place", "dateline")) or dateline.place,
        origin=origin,
    )


def _read_lines(path: Path, stream: IO[bytes], settings: Settings) -> Iterator[Article | Rejection]:
    bad = 0
    first_bad_hidden = 0
    number = 0
    try:
        if looks_binary(_peek(stream)):
            raise SourceRejected("binary file, not JSON lines")
        for number, raw in enumerate(bounded_lines(stream, settings), start=1):
            if isinstance(raw, TooLarge):
                yield Rejection(str(path), f"line {number}: {raw}", too_large=True)
                continue
            line = raw.strip()
            if not line:
                continue
            try:
                yield _line_to_article(line, path, number)
            except SourceRejected as error:
                bad += 1
                if bad <= MAX_LINE_REJECTIONS:
                    yield Rejection(str(path), f"line {number}: {error}")
                elif not first_bad_hidden:
                    first_bad_hidden = number
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        yield Rejection(str(path), _gzip_problem(error, number))
    except TooLarge as error:
        yield Rejection(str(path), f"after line {number}: {error}", too_large=True)
    if bad > MAX_LINE_REJECTIONS:
        hidden = bad - MAX_LINE_REJECTIONS
        yield Rejection(str(path), f"{hidden} more bad lines, the first at line {first_bad_hidden}")


def _line_to_article(line: bytes, path: Path, number: int) -> Article:
    try:
        record = json.loads(line.decode("utf-8-sig" if number == 1 else "utf-8"))
    except UnicodeDecodeError as error:
        raise SourceRejected("not UTF-8 (JSON lines must be UTF-8)") from error
    except json.JSONDecodeError as error:
        raise SourceRejected(f"invalid JSON ({error.msg})") from error
    except RecursionError as error:
        raise SourceRejected(TOO_DEEP) from error
    return record_to_article(record, fallback_id=f"{path}#{number}", origin=str(path))


def _gzip_problem(error: Exception, lines_read: int) -> str:
    after = f"after line {lines_read}" if lines_read else "at the start"
    if isinstance(error, EOFError):
        return f"truncated gzip file: the rest {after} could not be read"
    return f"corrupt gzip data {after} ({error})"


def _peek(stream: IO[bytes]) -> bytes:
    peek = getattr(stream, "peek", None)
    return peek(8192)[:8192] if peek else b""


def _records_in(data: object) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in LIST_KEYS:
            if isinstance(data.get(key), list):
                return data[key]
        if _string(data, TEXT_KEYS) is not None or _string(data, TITLE_KEYS):
            return [data]
    return None


def _first(record: dict[str, Any], keys: Iterable[str]) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", []):
            return value
    return None


def _string(record: dict[str, Any], keys: Iterable[str]) -> str | None:
    value = _first(record, keys)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).replace("\x00", "").strip() or None  # a JSON "\u0000" is no text


def _source(record: dict[str, Any]) -> str | None:
    value = _first(record, SOURCE_KEYS)
    if isinstance(value, dict):  # NewsAPI style: {"id": ..., "name": "Reuters"}
        value = value.get("name") or value.get("title")
    if not value:
        return None
    return str(value).strip() or None


def _authors(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(";")
    if not isinstance(value, list):
        return ()
    names = (item.get("name") if isinstance(item, dict) else item for item in value)
    return tuple(str(name).strip() for name in names if name and str(name).strip())


def _first_line(text: str, limit: int = 120) -> str:
    line = text.strip().split("\n", 1)[0].strip()
    return line if len(line) <= limit else line[: limit - 1].rsplit(" ", 1)[0] + "…"
