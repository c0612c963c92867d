"""Bounded work per input: how much one file may decompress to, one record may hold and one
article may say, checked while streaming, before any large string exists.

- ``settings.max_file_bytes`` (``NEWSDESK_MAX_FILE_BYTES``): a file on disk, before reading.
- ``settings.max_decompressed_bytes`` (``NEWSDESK_MAX_DECOMPRESSED_BYTES``): all the lines of
  one ``.jsonl.gz`` once decompressed; reading stops there (a gzip bomb).
- ``settings.max_record_bytes`` (``NEWSDESK_MAX_RECORD_BYTES``): one JSON line; a longer one is
  skipped in small reads and rejected, never held whole.
- ``settings.max_article_chars`` (``NEWSDESK_MAX_ARTICLE_CHARS``): one article's text, from any
  loader, before it is chunked.

A file rejected for size with nothing read from it is remembered (``RejectionMemo``) with its
size and modification time, so ``update`` and ``watch`` do not read it again until it changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol

from index.errors import SourceRejected
from index.loaders.decoding import human_size
from index.models import Article
from index.settings import Settings

_SKIP_READ = 1 << 20  # bytes read at a time while skipping an over-long line


class TooLarge(SourceRejected):
    """An input over one of the limits above; the message names the limit's variable."""


class RejectionMemo(Protocol):
    """Remembers files rejected for size, by path and stamp (size and modification time)."""

    def size_rejection(self, path: str, stamp: str) -> str | None:
        """The reason ``path`` was rejected when it had ``stamp``, else None."""
        ...

    def record_size_rejection(self, path: str, stamp: str, reason: str) -> None:
        """Record that ``path`` with ``stamp`` was rejected for ``reason``."""
        ...


class MemoryMemo:
    """A ``RejectionMemo`` in a dict (tests, and builds with no catalog at hand)."""

    def __init__(self) -> None:
        self.rejected: dict[tuple[str, str], str] = {}

    def size_rejection(self, path: str, stamp: str) -> str | None:
        return self.rejected.get((path, stamp))

    def record_size_rejection(self, path: str, stamp: str, reason: str) -> None:
        self.rejected[(path, stamp)] = reason


def stamp(path: Path) -> str | None:
    """``size:mtime_ns`` of ``path`` (what changes when the file is rewritten), or None."""
    try:
        info = path.stat()
    except OSError:
        return None
    return f"{info.st_size}:{info.st_mtime_ns}"


def bounded_lines(stream: IO[bytes], settings: Settings) -> Iterator[bytes | TooLarge]:
    """The lines of ``stream``, each at most ``max_record_bytes``; an over-long line is read
    past in small pieces and given as a ``TooLarge`` in its place. Raises ``TooLarge`` once
    the lines add up to more than ``max_decompressed_bytes``."""
    record_limit, total_limit = settings.max_record_bytes, settings.max_decompressed_bytes
    total = 0
    while True:
        line = stream.readline(record_limit + 1)
        if not line:
            return
        total += len(line)
        if len(line) > record_limit and not line.endswith(b"\n"):
            total += _skip_line(stream, total, total_limit)
            yield TooLarge(
                f"record is over the {human_size(record_limit)} limit (NEWSDESK_MAX_RECORD_BYTES)"
            )
        else:
            yield line
        if total > total_limit:
            raise TooLarge(_over_total(total_limit))


def check_article(article: Article, settings: Settings) -> Article:
    """``article``, or ``TooLarge`` when its text is over ``max_article_chars``."""
    limit = settings.max_article_chars
    if len(article.text) > limit:
        raise TooLarge(
            f"article {article.title[:60]!r} is {len(article.text):,} characters, over the "
            f"{limit:,} limit (NEWSDESK_MAX_ARTICLE_CHARS)"
        )
    return article


def _skip_line(stream: IO[bytes], total: int, total_limit: int) -> int:
    """Read to the end of the current line without keeping it; the bytes read."""
    skipped = 0
    while True:
        piece = stream.readline(_SKIP_READ)
        skipped += len(piece)
        if not piece or piece.endswith(b"\n"):
            return skipped
        if total + skipped > total_limit:
            raise TooLarge(_over_total(total_limit))


def _over_total(limit: int) -> str:
    return (
        f"decompresses to more than the {human_size(limit)} limit (NEWSDESK_MAX_DECOMPRESSED_BYTES)"
    )
