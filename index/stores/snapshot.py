"""Published snapshots: a new replica starts from the indexer's catalog and keyword index and
then catches up only the change since, instead of reading the whole collection back.

After every write the indexer publishes, when ``settings.snapshot_path`` is set, a consistent
copy of its home's keyword index (``keyword/``), catalog (``catalog.sqlite3``, by SQLite's
backup API) and server mark (``server_sync.json``: the server change count the catalog
matches) into ``<snapshot_path>/snapshot-<time>-g<generation>/``, then names it in
``<snapshot_path>/LATEST`` (written aside and renamed: a reader sees the old or the new one,
never half of one). The keyword index is taken first (under its lock) and the catalog after,
so the catalog is never older than the keyword index: the replica's keyword sync applies the
difference from the catalog's change log. A replica whose home has no catalog yet copies the
latest snapshot in before it opens its stores (``bootstrap``); the usual catch-up
(``repair.follow``) then reads from the server only the chunks written since.

Tantivy never rewrites a segment file (a commit adds files and renames ``meta.json`` into
place), so keyword files are hard-linked when the folders share a disk and copied otherwise;
the catalog is always copied.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

from index.settings import Settings
from index.stores.catalog import Catalog
from index.stores.keyword_index import KeywordIndex

LATEST = "LATEST"
_KEEP = 2  # snapshots kept: the latest, and the one a replica may still be copying
_FILES = ("catalog.sqlite3", "server_sync.json")


def publish(catalog: Catalog, keyword: KeywordIndex, home: Path, target: Path) -> Path:
    """Publish this home's keyword index, catalog and server mark under ``target``; returns
    the snapshot's folder. Call it with no write in progress (the writer, after a write)."""
    keyword.refresh()
    name = f"snapshot-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-g{catalog.generation()}"
    folder = target / name
    temporary = target / f".{name}.{os.getpid()}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    try:
        keyword.copy_to(temporary / "keyword", _link_or_copy)
        mark = home / "server_sync.json"
        if mark.exists():  # read before the catalog: the catalog is at least this far
            shutil.copy2(mark, temporary / "server_sync.json")
        _backup(catalog.path, temporary / "catalog.sqlite3")
        shutil.rmtree(folder, ignore_errors=True)
        temporary.rename(folder)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    _write_latest(target, name)
    _prune(target, keep=name)
    return folder


def latest(target: Path) -> Path | None:
    """The folder of the latest complete snapshot under ``target``, or None."""
    try:
        name = (target / LATEST).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    folder = target / name
    return folder if name and (folder / "catalog.sqlite3").exists() else None


def bootstrap(settings: Settings) -> bool:
    """Start an empty home from the latest published snapshot (when ``snapshot_path`` is set
    and the home has no catalog yet). Returns whether it did."""
    source = settings.snapshot_path and latest(settings.snapshot_path)
    if not source or settings.catalog_path.exists():
        return False
    home = settings.catalog_path.parent
    home.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(settings.keyword_path, ignore_errors=True)
    shutil.copytree(source / "keyword", settings.keyword_path, copy_function=_link_or_copy)
    # (the keyword folder holds segments, state.json and tantivy's file list, no lock file)
    if (source / "server_sync.json").exists():
        shutil.copy2(source / "server_sync.json", home / "server_sync.json")
    temporary = settings.catalog_path.with_name(f".{settings.catalog_path.name}.bootstrap")
    shutil.copy2(source / "catalog.sqlite3", temporary)
    os.replace(temporary, settings.catalog_path)  # last: a crash before it bootstraps again
    return True


def remove_all(target: Path) -> None:
    """Forget every published snapshot (the index was cleared)."""
    (target / LATEST).unlink(missing_ok=True)
    _prune(target, keep=None)


def _backup(source: Path, destination: Path) -> None:
    """A consistent copy of a live SQLite database (WAL included)."""
    src, dst = sqlite3.connect(str(source)), sqlite3.connect(str(destination))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _link_or_copy(source: str, destination: str) -> None:
    """Hard-link a file (read-only, never rewritten in place), else copy it."""
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _write_latest(target: Path, name: str) -> None:
    temporary = target / f".{LATEST}.{os.getpid()}.tmp"
    temporary.write_text(name, encoding="utf-8")
    os.replace(temporary, target / LATEST)


def _prune(target: Path, keep: str | None) -> None:
    """Remove all but the ``_KEEP`` newest snapshots (all of them when ``keep`` is None)."""
    snapshots = sorted(
        (p for p in target.iterdir() if p.is_dir() and p.name.startswith("snapshot-")),
        key=lambda p: p.stat().st_mtime,
    )
    doomed = snapshots if keep is None else [p for p in snapshots[:-_KEEP] if p.name != keep]
    for old in doomed:
        shutil.rmtree(old, ignore_errors=True)
