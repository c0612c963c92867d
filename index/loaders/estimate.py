"""What the loaders' one list of file types (``index.loaders.LOADERS``) tells others: how many
articles sources hold (cheaply, for a progress bar's ETA) and which suffixes an upload may have."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, cast

from index.loaders import LOADERS, folder_files, html, loader_for, records, wire
from index.models import Rejection

_ONE_ARTICLE = (wire.load_wire, html.load_html)  # one article per file
_ONE_PER_LINE = (records.load_jsonl,)  # one article per non-empty line


def upload_suffixes() -> list[str]:
    """The suffixes a file picker accepts: the last one of each supported type (``.jsonl.gz``
    -> ``.gz``), sorted."""
    return sorted({"." + suffix.rsplit(".", 1)[-1] for suffix in LOADERS})


def estimate_articles(
    sources: Sequence[str], listings: Mapping[str, Sequence[Path | Rejection]] | None = None
) -> int | None:
    """How many articles ``sources`` (resolved paths or URLs) hold: one per wire/HTML file, one
    per line of JSONL; None when a source cannot be estimated (a feed, a JSON array).
    ``listings`` maps a folder source to its files (``index.loaders.folder_files``)."""
    total = 0
    listings = listings or {}
    for source in sources:
        if "://" in source:
            return None
        path = Path(source)
        if source in listings:
            files = list(listings[source])
        else:
            files = [path] if path.is_file() else list(folder_files(path)) if path.is_dir() else []
        for file in files:
            if not isinstance(file, Path):  # a part of the folder that could not be read
                continue
            count = estimate_file(file)
            if count is None:
                return None
            total += count
    return total


def estimate_file(path: Path) -> int | None:
    """Articles in one file (0: not a supported type or unreadable; None: unknown)."""
    try:
        loader = loader_for(path)
        if loader in _ONE_ARTICLE:
            return 1
        if loader in _ONE_PER_LINE:
            if path.name.lower().endswith(".gz"):
                with gzip.open(path, "rb") as unzipped:
                    return _count_lines(cast(IO[bytes], unzipped))
            with path.open("rb") as stream:
                return _count_lines(stream)
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error):
        return 0
    return None if loader is not None else 0


def _count_lines(stream: IO[bytes]) -> int:
    """Non-empty lines in ``stream``, read at most ``_PIECE`` bytes at a time: a
    150-million-character line (a gzip bomb) is never held whole; counting stops after
    ``_COUNT_BYTES``."""
    count, read, filled = 0, 0, False
    while read < _COUNT_BYTES and (piece := stream.readline(_PIECE)):
        read += len(piece)
        filled = filled or bool(piece.strip())
        if piece.endswith(b"\n"):
            count, filled = count + filled, False
    return count + filled


_PIECE = 1 << 20
_COUNT_BYTES = 500_000_000  # the default NEWSDESK_MAX_DECOMPRESSED_BYTES: reading stops there
