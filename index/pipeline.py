"""Build and update the index: sources -> articles -> dedup -> chunks -> embeddings -> stores.

Articles are streamed from the loaders and compared with the manifest: unchanged ones are skipped
without chunking or embedding; new and changed ones are chunked, embedded in batches across
articles, and written (``index.build_run``). Each batch is written in this order, so a crash at
any point leaves a state that ``repair`` (run first by every build) undoes:

1. the batch's articles are marked ``pending`` in the catalog (committed);
2. the old chunks of changed articles are deleted from Chroma;
3. the new chunks are upserted into Chroma (deterministic ids: idempotent);
4. one SQLite transaction writes the chunk rows and marks the articles ``done``.

Duplicates and syndicated copies (``index.dedup``) get a manifest entry linked to their canonical
article and no chunks; when the canonical article changes or goes, its copies are read again.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

from index.build_run import ARTICLES, CHUNKS, PRUNE, BuildRun, check_model, chunk_metadata
from index.errors import IndexEmpty
from index.models import BuildReport, Progress, Rejection
from index.server_lost import chroma_lost_is_one_line
from index.settings import Settings
from index.stores import Stores, open_stores
from index.stores.catalog import Catalog
from index.stores.changes import ChangeCounter, SyncMark
from index.stores.chroma_store import ChromaStore, WriteGuard
from index.stores.health import store_errors, vectors_missing
from index.stores.lease import writer_lease
from index.stores.records import IndexStats
from index.stores.repair import repair, repair_shared
from index.writing import writer

if TYPE_CHECKING:
    from index.embeddings import Embedder

__all__ = [
    "ARTICLES",
    "CHUNKS",
    "PRUNE",
    "BuildOptions",
    "build",
    "chunk_metadata",
    "clear",
    "stats",
    "update",
]


class BuildOptions(TypedDict, total=False):
    """How ``build`` and ``update`` run; every key is optional.

    ``embedder`` defaults to ``load_embedder(settings)``, loaded only when something needs
    embedding; ``prune`` (default False) removes articles that a source of this run no longer
    yields (or whose file vanished); ``progress`` is told how far the run got; ``wait`` (default
    True) waits for another writer, False raises ``WriterBusy`` instead.
    """

    embedder: Embedder | None
    prune: bool
    progress: Progress | None
    wait: bool


def build(
    sources: Iterable[str | Path], settings: Settings, **options: Unpack[BuildOptions]
) -> BuildReport:
    """Index ``sources`` (files, folders, feed URLs) into the index of ``settings``.

    Unchanged articles are skipped, changed ones replaced (and, with ``prune``, gone ones
    removed: ``BuildOptions``). Bad input is reported in ``BuildReport.rejected``, never raised,
    and never removes what is indexed from it. The sources read successfully (not rejected as
    a whole) are recorded for ``update``. Runs
    under the home's writer lock (``index.writing``).
    """
    _check(options)
    with store_errors(settings), writer(settings, "index build", wait=options.get("wait", True)):
        return _build(sources, settings, "index build", options)


def update(settings: Settings, **options: Unpack[BuildOptions]) -> BuildReport:
    """Re-read every source recorded by earlier builds (see ``build``)."""
    _check(options)
    if not settings.catalog_path.exists():
        raise IndexEmpty(_NO_SOURCES.format(home=settings.home))
    with store_errors(settings), writer(settings, "index update", wait=options.get("wait", True)):
        catalog = Catalog.open(settings)
        try:
            sources = catalog.recorded_sources()
        finally:
            catalog.close()
        if not sources:
            raise IndexEmpty(_NO_SOURCES.format(home=settings.home))
        return _build(sources, settings, "index update", options)


def _check(options: BuildOptions) -> None:
    unknown = sorted(set(options) - BuildOptions.__optional_keys__)
    if unknown:
        raise TypeError(f"unexpected build option(s): {', '.join(unknown)}")


def _build(
    sources: Iterable[str | Path], settings: Settings, command: str, options: BuildOptions
) -> BuildReport:
    """``build`` itself; the caller holds the writer lock (repair must never run without it)."""
    from index.loaders import locate

    embedder = options.get("embedder")
    started = time.perf_counter()
    located = [locate(source, settings) for source in sources]  # each path resolved once, here
    names = [name for name in located if isinstance(name, str)]
    with (
        chroma_lost_is_one_line(settings),
        writer_lease(settings, command, wait=options.get("wait", True)) as lease,
        open_stores(settings, catch_up=False) as stores,
    ):
        stores.chroma.guard = lease  # on a shared server: every write checks the lease
        if embedder is not None:
            check_model(stores.catalog, embedder)
        run = BuildRun(stores, settings, embedder, options.get("progress"))
        if lease is not None:
            repair_shared(stores)
        else:  # chunks whose vectors are gone (a deleted Chroma folder) are embedded again
            repair(stores, embed=run.embed_texts)
        report = run.run(names, prune=options.get("prune", False))
        stores.catalog.record_sources(
            name for name in names if _recordable(name, settings) and run.read_once(name)
        )
        report.rejected[:0] = [name for name in located if isinstance(name, Rejection)]
        stores.keyword.refresh()  # saved now, so the first question does not wait for it
    report.seconds = time.perf_counter() - started
    return report


def stats(settings: Settings) -> IndexStats:
    """What the index holds; an empty ``IndexStats`` when nothing was built yet. On a Chroma
    server, the local catalog first catches up with what other processes wrote."""
    if settings.chroma_url:
        from index.stores.repair import behind, follow

        with open_stores(settings, catch_up=False) as stores:
            lag = behind(stores)
            follow(stores)
            return replace(
                stores.catalog.stats(), behind=lag, server_changes=_server_changes(stores)
            )
    if not settings.catalog_path.exists():
        return IndexStats()
    with store_errors(settings):
        catalog = Catalog.open(settings)
        try:
            found = catalog.stats()
        finally:
            catalog.close()
    return replace(found, warning=vectors_missing(settings, found.chunks))


def clear(settings: Settings, *, wait: bool = True) -> None:
    """Delete the index of ``settings``: the Chroma collection first, then the catalog (a crash
    in between leaves a catalog whose chunks are missing, which ``repair`` drops), then the saved
    keyword index. A damaged embedded Chroma database is deleted as a folder. Under the writer
    lock, as ``build``; on a shared server, only the writer lease's holder may clear."""
    with (
        writer(settings, "index clear", wait=wait),
        writer_lease(settings, "index clear", wait=wait) as lease,
    ):
        _reset_chroma(settings, lease)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{settings.catalog_path}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(settings.keyword_path, ignore_errors=True)
        SyncMark(settings.home).clear()


def _reset_chroma(settings: Settings, lease: WriteGuard | None) -> None:
    """Empty the Chroma collection; an embedded database that cannot even be opened (damaged)
    is deleted as a folder, so ``clear`` works whatever state the store is in."""
    try:
        store = ChromaStore.open(settings)
        store.guard = lease
        store.reset()
    except Exception:
        if settings.chroma_url:
            raise
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        shutil.rmtree(settings.chroma_path, ignore_errors=True)


def _server_changes(stores: Stores) -> int:
    return ChangeCounter(stores.chroma.client, stores.chroma.name).value()


_NO_SOURCES = (
    "No sources are recorded in the index at {home}: run `newsdesk index build PATH` first."
)


def _recordable(name: str, settings: Settings) -> bool:
    """Recorded for ``update``: an existing path, or a URL ``index.fetch`` does not refuse."""
    from index.fetch import refusal

    return refusal(name, settings) is None if "://" in name else Path(name).exists()
