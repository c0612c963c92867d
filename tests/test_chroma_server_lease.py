"""The writer lease, the change counter and stale-catalog repair, against a real Chroma server."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import index
from index.errors import ReaderRole, WriterBusy
from index.fakes import FakeEmbedder
from index.settings import Settings
from index.stores import open_stores
from index.stores.catalog import Catalog
from index.stores.chroma_store import ChromaStore
from index.stores.lease import ChromaLease, writer_status
from index.stores.repair import catch_up, follow
from tests.chroma_server import chroma_server

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pipeline" / "news"


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    """A real Chroma server on 127.0.0.1 for this test."""
    yield from chroma_server(tmp_path)


@pytest.fixture
def remote(chroma_url: str, settings: Settings) -> Settings:
    return settings.with_overrides(
        chroma_url=chroma_url, chunk_tokens=48, chunk_overlap=8, lease_ttl=6.0, lease_settle=0.5
    )


def quiet(lease_settings: Settings, command: str) -> ChromaLease:
    return ChromaLease(lease_settings, command, notify=lambda line: None)


def test_a_second_process_is_refused_while_the_lease_is_held(remote: Settings) -> None:
    first, second = quiet(remote, "index build A"), quiet(remote, "index build B")
    first.acquire(wait=False)
    try:
        with pytest.raises(WriterBusy, match="index build A") as refused:
            second.acquire(wait=False)
        assert refused.value.holder.owner == first.owner
        status = index.writer_status(remote)  # what a web replica shows instead of "Update"
        assert status is not None and status.command == "index build A"
        assert status.pid == os.getpid() and "index build A" in status.describe()
        with pytest.raises(WriterBusy, match="does not hold the writer lease"):
            second.check()
        first.check()
    finally:
        first.release()
    assert writer_status(remote) is None
    second.acquire(wait=False)
    second.release()


def test_racing_claims_never_both_win(remote: Settings) -> None:
    for _ in range(3):
        leases = [quiet(remote, f"racer {n}") for n in range(3)]
        barrier = threading.Barrier(len(leases))
        won: list[ChromaLease] = []

        def race(lease: ChromaLease, barrier: threading.Barrier, won: list[ChromaLease]) -> None:
            barrier.wait()
            try:
                lease.acquire(wait=False)
                won.append(lease)
            except WriterBusy:
                pass

        threads = [threading.Thread(target=race, args=(lease, barrier, won)) for lease in leases]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(won) == 1
        assert writer_status(remote).owner == won[0].owner
        won[0].release()


def test_a_dead_holder_is_taken_over_after_expiry(remote: Settings) -> None:
    dead = quiet(remote, "killed writer")
    dead.acquire(wait=False)
    dead._stop.set()  # its heartbeat stops, as when the process is killed; the claim stays
    dead._thread.join()
    with pytest.raises(WriterBusy):
        quiet(remote, "too early").acquire(wait=False)
    heir = quiet(remote, "heir")
    heir.acquire(wait=True)  # waits out the dead holder's expiry
    try:
        assert writer_status(remote).owner == heir.owner
        with pytest.raises(WriterBusy):
            dead.check()  # the old holder no longer writes
    finally:
        heir.release()


def test_the_heartbeat_keeps_the_lease_past_its_ttl(remote: Settings) -> None:
    holder = quiet(remote, "long build")
    holder.acquire(wait=False)
    try:
        threading.Event().wait(remote.lease_ttl * 2)
        holder.check()
        with pytest.raises(WriterBusy):
            quiet(remote, "other").acquire(wait=False)
    finally:
        holder.release()


def test_a_store_without_the_lease_refuses_to_write(remote: Settings) -> None:
    store = ChromaStore.open(remote)
    store.guard = quiet(remote, "never acquired")
    with pytest.raises(WriterBusy):
        store.upsert(["x#0"], np.ones((1, 4)), ["text"], [{"article_id": "x"}])
    assert store.count() == 0


def test_writes_elsewhere_wait_for_the_holder_and_refuse_when_asked(
    remote: Settings, tmp_path: Path
) -> None:
    news = shutil.copytree(FIXTURES, tmp_path / "news")
    holder = quiet(remote, "index watch")
    holder.acquire(wait=False)
    try:
        from index.stores.lease import writer_lease

        with pytest.raises(WriterBusy, match="index watch"), writer_lease(remote, "x", wait=False):
            pass
    finally:
        holder.release()
    assert index.build([news], remote, embedder=FakeEmbedder()).new == 4


def test_a_reader_never_writes(remote: Settings, tmp_path: Path) -> None:
    news = shutil.copytree(FIXTURES, tmp_path / "news")
    reader = remote.with_overrides(role="reader")
    with pytest.raises(ReaderRole, match="NEWSDESK_ROLE=reader"):
        index.build([news], reader, embedder=FakeEmbedder())
    with pytest.raises(ReaderRole, match="reader"):
        index.clear(reader)
    assert index.stats(reader).articles == 0


def test_a_stale_writer_keeps_what_another_machine_rewrote(
    remote: Settings, tmp_path: Path
) -> None:
    shared = shutil.copytree(FIXTURES, tmp_path / "shared")
    other = tmp_path / "other"
    other.mkdir()
    (other / "extra.md").write_text(
        "Port strike ends\n\nDockworkers in Rotterdam returned to work on Friday.\n",
        encoding="utf-8",
    )
    machine_a = remote.with_overrides(home=tmp_path / "a")
    machine_b = remote.with_overrides(home=tmp_path / "b")
    index.build([shared], machine_a, embedder=FakeEmbedder())
    index.build([shared], machine_b, embedder=FakeEmbedder())  # B catches up: all unchanged
    storm = shared / "storm.md"
    storm.write_text(
        storm.read_text(encoding="utf-8")
        + "\n\n"
        + " ".join(
            f"Update {n}: evacuation centres in coastal districts stayed open overnight."
            for n in range(12)
        ),
        encoding="utf-8",
    )
    rewritten = index.update(machine_b, embedder=FakeEmbedder())
    assert rewritten.changed == 1
    with open_stores(machine_b, catch_up=False) as stores:
        expected = stores.chroma.ids()

    # A's catalog still holds the old storm article; it indexes another folder only
    index.build([other], machine_a, embedder=FakeEmbedder())
    with open_stores(machine_a, catch_up=False) as stores:
        in_chroma = stores.chroma.ids()
        assert expected <= in_chroma  # nothing B wrote was deleted as an orphan
        assert stores.catalog.chunk_ids() == in_chroma
        assert len(in_chroma - expected) >= 1  # the extra article


def test_replicas_follow_a_rewrite_that_keeps_the_chunk_count(
    remote: Settings, tmp_path: Path
) -> None:
    news = shutil.copytree(FIXTURES, tmp_path / "news")
    index.build([news], remote, embedder=FakeEmbedder())
    replica = remote.with_overrides(home=tmp_path / "replica")
    with open_stores(replica, catch_up=False) as stores:
        assert follow(stores) > 0
        assert follow(stores) == 0  # in step: one small read, nothing else
    election = news / "election.txt"
    election.write_text(
        election.read_text(encoding="utf-8").replace("Wednesday", "Saturday", 1), "utf-8"
    )
    assert index.update(remote, embedder=FakeEmbedder()).changed == 1

    with open_stores(replica, catch_up=False) as stores:
        assert catch_up(stores).imported == 0  # counts agree: the count check sees nothing
    before = index.stats(replica)
    assert before.behind and before.behind > 0
    with open_stores(replica) as stores:  # opening on a server follows the change counter
        assert stores.catalog.chunk_ids() == stores.chroma.ids()
        assert stores.keyword.search(["Saturday"], 1).chunks
    again = index.stats(replica)
    assert again.behind == 0 and again.server_changes == before.server_changes
    assert again.to_dict()["behind"] == 0


def test_clear_on_a_server_waits_for_the_lease_and_forgets_the_mark(
    remote: Settings, tmp_path: Path
) -> None:
    news = shutil.copytree(FIXTURES, tmp_path / "news")
    index.build([news], remote, embedder=FakeEmbedder())
    assert (remote.home / "server_sync.json").exists()
    holder = quiet(remote, "indexer")
    holder.acquire(wait=False)
    threading.Timer(1.0, holder.release).start()
    index.clear(remote)  # waits for the holder, then clears
    assert writer_status(remote) is None
    assert not (remote.home / "server_sync.json").exists()
    assert index.stats(remote).articles == 0
    assert Catalog.open(remote).chunk_count() == 0


def test_the_cli_refuses_with_one_line_naming_the_holder(
    remote: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from assistant.cli import main

    news = shutil.copytree(FIXTURES, tmp_path / "news")
    monkeypatch.setenv("NEWSDESK_CHROMA_URL", remote.chroma_url)
    monkeypatch.setenv("NEWSDESK_ROLE", "reader")
    holder = quiet(remote, "index watch")
    holder.acquire(wait=False)
    try:
        result = CliRunner().invoke(main, ["index", "build", str(news)])
    finally:
        holder.release()
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "NEWSDESK_ROLE=reader" in lines[0]
    assert f"pid {os.getpid()}" in lines[0] and "index watch" in lines[0]

    monkeypatch.setenv("NEWSDESK_ROLE", "auto")
    stats = CliRunner().invoke(main, ["index", "stats", "--json"])
    assert stats.exit_code == 0 and '"behind"' in stats.output
