"""Sources to articles: files, folders and feed URLs, each bad input reported, never raised.

``load_source`` accepts a file, a folder (read recursively) or an http(s) URL of an RSS/Atom
feed, and yields ``Article``s and, for what it cannot use, ``Rejection``s (input + one-line
reason). Supported files:

* ``.txt`` ``.md`` ``.markdown`` - wire stories (``wire.py``)
* ``.html`` ``.htm`` ``.xhtml`` - saved web pages (``html.py``)
* ``.json`` ``.jsonl`` ``.ndjson`` ``.jsonl.gz`` ``.ndjson.gz`` - article records (``records.py``)
* ``.xml`` ``.rss`` ``.atom``, or any file that starts like a feed - RSS/Atom (``feeds.py``)

In a folder, hidden files and folders (``.name``) and files of other types (images, PDFs,
office documents...) are skipped silently, as a user pointing at a folder of news expects;
a folder with no supported file at all is rejected. A file of another type named directly is
rejected ("unsupported file type"). A path that does not exist is rejected. An unreadable
subfolder and a symlink loop are each one rejection, and the rest of the folder still loads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from index.errors import SourceRejected
from index.inputs import NOT_UTF8_PATH, is_valid, printable
from index.loaders import confine, feeds, html, records, wire
from index.loaders.decoding import check_size, decoding_damage
from index.loaders.limits import RejectionMemo, TooLarge, check_article, stamp
from index.loaders.walk import Scandir, reason, resolve, walk_files
from index.models import Article, Rejection
from index.settings import Settings

Loader = Callable[[Path, Settings], Iterator[Article | Rejection]]

LOADERS: dict[str, Loader] = {
    ".txt": wire.load_wire,
    ".md": wire.load_wire,
    ".markdown": wire.load_wire,
    ".html": html.load_html,
    ".htm": html.load_html,
    ".xhtml": html.load_html,
    ".json": records.load_json,
    ".jsonl": records.load_jsonl,
    ".ndjson": records.load_jsonl,
    ".jsonl.gz": records.load_jsonl,
    ".ndjson.gz": records.load_jsonl,
    ".xml": feeds.load_feed_file,
    ".rss": feeds.load_feed_file,
    ".atom": feeds.load_feed_file,
}
SUPPORTED = ", ".join(LOADERS)

__all__ = [
    "LOADERS",
    "folder_files",
    "load_file",
    "load_folder",
    "load_located",
    "load_source",
    "loader_for",
    "locate",
]


def locate(source: str | Path, settings: Settings | None = None) -> str | Rejection:
    """The name a source is recorded and loaded by: a URL as given, a path made absolute with
    its symlinks resolved (the one resolution of a build); a rejection when it cannot be, or
    when a path under the allowed roots now leads out of them (``confine``)."""
    text = str(source).strip()
    if not is_valid(text):
        return Rejection(printable(text), NOT_UTF8_PATH)
    if "://" in text:
        return text
    if settings is not None and (refused := confine.refusal(text, settings)):
        return Rejection(text, refused)
    try:
        return str(resolve(Path(text)))
    except OSError as error:
        return Rejection(text, reason(error))


def load_source(
    source: str | Path, settings: Settings, *, files: Sequence[Path | Rejection] | None = None
) -> Iterator[Article | Rejection]:
    """Articles from a file, a folder (recursive, sorted) or a feed URL; bad input is rejected.

    ``files``: the folder's listing when the caller already walked it (``folder_files``).
    """
    name = locate(source, settings)
    if isinstance(name, Rejection):
        yield name
    else:
        yield from load_located(name, settings, files=files)


def load_located(
    name: str,
    settings: Settings,
    *,
    files: Sequence[Path | Rejection] | None = None,
    memo: RejectionMemo | None = None,
) -> Iterator[Article | Rejection]:
    """``load_source`` for a name ``locate`` gave (a URL or a resolved path): not resolved again.
    ``memo`` remembers files rejected for size (``limits``). A path under the allowed roots is
    checked again here, and so is every file of a folder (``confine``)."""
    if "://" in name:
        yield from _load_url(name, settings)
        return
    if refused := confine.refusal(name, settings):
        yield Rejection(name, refused)
        return
    path = Path(name)
    if not path.exists():
        yield Rejection(str(path), "no such file or folder")
    elif path.is_dir():
        yield from load_folder(path, settings, files=files, memo=memo)
    else:
        yield from load_file(path, settings, named=True, memo=memo)


def load_file(
    path: Path, settings: Settings, *, named: bool = True, memo: RejectionMemo | None = None
) -> Iterator[Article | Rejection]:
    """Articles from one file; ``named=False`` (inside a folder) skips unsupported types."""
    try:
        loader = loader_for(path)
    except OSError as error:
        yield Rejection(str(path), f"could not read the file: {reason(error)}")
        return
    if loader is not None:
        yield from _run(loader, path, settings, memo)
    elif named:
        yield Rejection(str(path), f"unsupported file type (supported: {SUPPORTED})")


def loader_for(path: Path) -> Loader | None:
    """The loader for ``path`` by extension, else by sniffing for a feed; None if unsupported."""
    name = path.name.lower()
    for suffix in (".jsonl.gz", ".ndjson.gz"):
        if name.endswith(suffix):
            return LOADERS[suffix]
    loader = LOADERS.get(path.suffix.lower())
    if loader is None and feeds.looks_like_feed(path):
        return feeds.load_feed_file
    return loader


def _run(
    loader: Loader, path: Path, settings: Settings, memo: RejectionMemo | None = None
) -> Iterator[Article | Rejection]:
    """``loader`` on ``path`` within the limits of ``limits``: a file already rejected for size
    and unchanged since is not read again; every error is one ``Rejection``."""
    before = stamp(path)
    if (
        memo is not None
        and before is not None
        and (known := memo.size_rejection(str(path), before))
    ):
        yield Rejection(str(path), f"{known} (unchanged since; not read again)", too_large=True)
        return
    articles, oversize = 0, None
    for item in _bounded(loader, path, settings):
        if isinstance(item, Article):
            articles += 1
        elif item.too_large and oversize is None:
            oversize = item.reason
        yield item
    if memo is not None and oversize and not articles and before is not None:
        memo.record_size_rejection(str(path), before, oversize)


def _bounded(loader: Loader, path: Path, settings: Settings) -> Iterator[Article | Rejection]:
    try:
        try:
            check_size(path, settings)
        except SourceRejected as error:
            raise TooLarge(str(error)) from error
        for item in _decoded(loader(path, settings), str(path)):
            if isinstance(item, Article):
                try:
                    item = check_article(item, settings)
                except TooLarge as error:
                    item = Rejection(str(path), str(error), too_large=True)
            yield item
    except TooLarge as error:
        yield Rejection(str(path), str(error), too_large=True)
    except SourceRejected as error:
        yield Rejection(str(path), str(error))
    except OSError as error:
        yield Rejection(str(path), f"could not read the file: {reason(error)}")
    except Exception as error:  # a parser bug must not stop a build of thousands of files
        yield Rejection(str(path), _unexpected(error))


def load_folder(
    folder: Path,
    settings: Settings,
    *,
    scandir: Scandir = os.scandir,
    files: Sequence[Path | Rejection] | None = None,
    memo: RejectionMemo | None = None,
) -> Iterator[Article | Rejection]:
    """Articles from the supported files under ``folder`` (see ``walk.walk_files``); ``files``
    is its listing when the caller already walked it. In a folder under the allowed roots, a
    file whose real path is outside them (a link out) is refused, the rest still loads."""
    found = False
    roots = confine.confinement(str(folder), settings)
    for path in files if files is not None else walk_files(folder, scandir=scandir):
        if isinstance(path, Rejection):
            found = True
            yield path
            continue
        if not is_valid(str(path)):
            found = True
            yield Rejection(printable(str(path)), NOT_UTF8_PATH)
            continue
        if roots is not None and not any(confine.inside(str(path), r) for r in roots):
            found = True
            yield Rejection(str(folder), f"skipped {confine.LINK_OUT}")
            continue
        try:
            loader = loader_for(path)
        except OSError as error:
            found = True
            yield Rejection(str(path), f"could not read the file: {reason(error)}")
            continue
        if loader is not None:
            found = True
            yield from _run(loader, path, settings, memo)
    if not found:
        yield Rejection(str(folder), f"no supported files in the folder (supported: {SUPPORTED})")


def folder_files(folder: Path) -> list[Path | Rejection]:
    """The folder's walk, listed once: its visible files in order, and what could not be read."""
    return list(walk_files(folder))


def _load_url(url: str, settings: Settings) -> Iterator[Article | Rejection]:
    if not url.lower().startswith(("http://", "https://")):
        yield Rejection(url, "unsupported URL: only http(s) feed URLs can be read")
        return
    try:
        for item in _decoded(feeds.load_feed_url(url, settings), url):
            if isinstance(item, Article):
                try:
                    item = check_article(item, settings)
                except TooLarge as error:
                    item = Rejection(url, str(error), too_large=True)
            yield item
    except SourceRejected as error:
        yield Rejection(url, str(error))
    except Exception as error:  # never a traceback for a bad feed
        yield Rejection(url, _unexpected(error))


def _decoded(items: Iterator[Article | Rejection], name: str) -> Iterator[Article | Rejection]:
    """``items`` with each article whose text was mis-decoded at its source (``decoding_damage``)
    rejected: an index of "Gm\ufffd\ufffdnd" and "J?ger" answers nobody."""
    for item in items:
        damage = decoding_damage(item.text, item.title) if isinstance(item, Article) else None
        if damage is None:
            yield item
        else:
            assert isinstance(item, Article)
            yield Rejection(name if item.id == name else f"{name} ({item.id})", damage)


def _unexpected(error: Exception) -> str:
    """One line for an error no loader anticipated (a bug or a library surprise)."""
    return " ".join(f"unexpected {type(error).__name__}: {error}".split())[:300]
