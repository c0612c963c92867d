"""One writer per collection on a shared Chroma server: a lease kept in the server itself.

Each process that wants to write puts a *claim* record (unique owner id, host, pid, command,
claim time, heartbeat, expiry) into the metadata collection ``<collection>__lease``. Chroma has
no compare-and-swap, so acquiring is claim, settle, re-read:

1. if a live claim of another owner is already ``held``, the lease is busy;
2. otherwise write our claim (state ``claim``), wait ``lease_settle`` seconds, and read all live
   claims back; the winner is a ``held`` claim if any, else the earliest ``(claimed, owner)``;
3. the winner marks its claim ``held``; a loser deletes its claim and waits or gives up.

A heartbeat thread renews ``expires`` every ``lease_ttl / 3`` seconds; a claim whose expiry has
passed is dead and is deleted by whoever reads it, so a killed holder is taken over after at most
``lease_ttl``. Every write re-checks the lease (:meth:`ChromaLease.check`), which refuses once the
holder's own expiry has passed or its heartbeat saw an earlier ``held`` claim.

Residual risk (documented, not eliminated): two processes can both believe they hold the lease
only if the one that won stalls for more than ``lease_settle`` between reading the claims back and
marking its claim held *and* the other's clock is behind by more than the time between the two
claims; the next heartbeat of either then sees both ``held`` claims and the later one gives up
before its next write. Expiry compares wall clocks of different machines: keep them in sync
(NTP) and ``lease_ttl`` far above their skew.
"""

from __future__ import annotations

import os
import random
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from chromadb.api import ClientAPI

from index.errors import ReaderRole, WriterBusy
from index.settings import Settings
from index.stores.changes import ChangeCounter, SyncMark, dummy_vectors, open_metadata
from index.writing import WriterInfo

HELD, CLAIM = "held", "claim"
_CLAIM_PREFIX = "claim:"


@dataclass(frozen=True)
class LeaseInfo(WriterInfo):
    """Who holds (or claims) the writer lease: a ``WriterInfo`` (pid, host, command, since: the
    claim's Unix time) with the lease's owner id, expiry and state."""

    owner: str = ""
    expires: float = 0.0
    state: str = HELD


class ChromaLease:
    """The writer lease of ``settings.collection`` on ``settings.chroma_url`` (see the module
    docstring); the same shape as ``index.writing.WriterGuard``."""

    def __init__(
        self,
        settings: Settings,
        command: str,
        *,
        client: ClientAPI | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        if client is None:
            from index.stores.chroma_store import connect

            client = connect(settings)
        self.collection = settings.collection
        self.command = command
        self.ttl = settings.lease_ttl
        self.settle = settings.lease_settle
        self.owner = uuid.uuid4().hex
        self.changes = ChangeCounter(client, settings.collection)
        self.mark = SyncMark(settings.home)
        self._meta = open_metadata(client, settings.collection)
        self._notify = notify or _to_stderr
        self._since = 0.0
        self._expires = 0.0
        self._held = False
        self._lost: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._io = threading.Lock()  # the heartbeat thread and writes share one client

    # -- WriterGuard ----------------------------------------------------------------------

    def acquire(self, *, wait: bool = True) -> None:
        """Take the lease; when another live process holds it, say who and wait for it (it
        expires at most ``lease_ttl`` after its holder dies), or (``wait=False``) raise
        ``WriterBusy``."""
        told = False
        while True:
            winner = self._try_acquire()
            if winner is None:
                return
            if not wait:
                raise WriterBusy(busy_message(self.collection, winner), winner)
            if not told:
                self._notify(
                    f"Waiting for {winner.describe()}, which holds the writer lease "
                    f"of the collection {self.collection!r} ..."
                )
                told = True
            time.sleep(min(self.ttl / 3, 1.0) * (0.5 + random.random()))

    def release(self) -> None:
        """Stop the heartbeat and delete our claim (the next writer may take the lease)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.ttl)
            self._thread = None
        if self._held:
            self._held = False
            with self._io:
                self._meta.delete(ids=[self._record_id])

    def holder(self) -> LeaseInfo | None:
        """Who holds the lease now (a live ``held`` claim); None when nobody does."""
        held = [claim for claim in self._live_claims() if claim.state == HELD]
        return min(held, key=_order) if held else None

    # -- used by the writes ----------------------------------------------------------------

    @property
    def held(self) -> bool:
        """True while this process holds a live lease."""
        return self._held and self._lost is None and time.time() < self._expires

    def check(self) -> None:
        """Raise ``WriterBusy`` unless this process holds a live lease (called before writes)."""
        if self.held:
            return
        holder = self.holder()
        reason = self._lost or "this process does not hold the writer lease"
        raise WriterBusy(f"{reason}; {busy_message(self.collection, holder)}", holder)

    def changed(self) -> None:
        """Count one write batch on the server and note that this home is in step with it."""
        with self._io:
            generation = self.changes.bump(self.owner)
        self.mark.write(generation)

    # -- internals -------------------------------------------------------------------------

    @property
    def _record_id(self) -> str:
        return f"{_CLAIM_PREFIX}{self.owner}"

    def _try_acquire(self) -> LeaseInfo | None:
        """One attempt: None when we now hold the lease, else the claim that beat ours."""
        others = [c for c in self._live_claims() if c.owner != self.owner]
        held = [c for c in others if c.state == HELD]
        if held:
            return min(held, key=_order)
        self._since = time.time()
        self._write(CLAIM)
        time.sleep(self.settle)
        claims = self._live_claims()
        winner = min(claims, key=_order) if claims else None
        if winner is None or winner.owner != self.owner:
            with self._io:
                self._meta.delete(ids=[self._record_id])
            return winner or LeaseInfo(0, "?", "a claim that vanished", self._since)
        self._write(HELD)
        self._held, self._lost = True, None
        self._stop.clear()
        self._thread = threading.Thread(target=self._heartbeat, name="lease-heartbeat", daemon=True)
        self._thread.start()
        return None

    def _write(self, state: str) -> None:
        now = time.time()
        self._expires = now + self.ttl
        record = {
            "kind": "claim",
            "owner": self.owner,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "command": self.command[:500],
            "claimed": self._since,
            "heartbeat": now,
            "expires": self._expires,
            "state": state,
        }
        with self._io:
            self._meta.upsert(
                ids=[self._record_id], embeddings=dummy_vectors(1), metadatas=[record]
            )

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            try:
                claims = {c.owner: c for c in self._live_claims()}
                ours = claims.get(self.owner)
                rivals = [c for c in claims.values() if c.state == HELD and c.owner != self.owner]
                if ours is None:
                    self._lost = "the writer lease expired while this process held it"
                elif rivals and _order(min(rivals, key=_order)) < _order(ours):
                    self._lost = "another process holds the writer lease"
                if self._lost:
                    return
                self._write(HELD)
            except Exception:  # the server is unreachable: the lease runs out on its own
                continue

    def _live_claims(self) -> list[LeaseInfo]:
        """Every unexpired claim; expired ones are deleted on the way (their holder died)."""
        with self._io:
            found = self._meta.get(where={"kind": "claim"}, include=["metadatas"])
        now, live, dead = time.time(), [], []
        for record_id, meta in zip(found["ids"], found.get("metadatas") or [], strict=True):
            claim = _claim(meta or {})
            if claim.expires > now:
                live.append(claim)
            elif claim.owner != self.owner:
                dead.append(record_id)
        if dead:
            with self._io:
                self._meta.delete(ids=dead)
        return live


def busy_message(collection: str, holder: LeaseInfo | None) -> str:
    """The one line a process without the lease prints instead of writing."""
    who = holder.describe() if holder else "another process"
    return (
        f"the collection {collection!r} on the Chroma server is written by {who}; "
        "only the lease holder writes (try again when it finishes)"
    )


def reader_refusal(settings: Settings, holder: LeaseInfo | None) -> ReaderRole:
    """The error a ``NEWSDESK_ROLE=reader`` process raises instead of writing."""
    who = f" (the indexer is {holder.describe()})" if holder else ""
    return ReaderRole(
        "this process is a reader (NEWSDESK_ROLE=reader) and never writes the index"
        f"{who}; run the write on the indexer, or set NEWSDESK_ROLE=indexer",
        holder,
    )


@contextmanager
def writer_lease(
    settings: Settings, command: str, *, wait: bool = True
) -> Iterator[ChromaLease | None]:
    """Hold the writer lease of ``settings`` for the ``with`` block when ``chroma_url`` is set
    (None otherwise: the home lock guards an embedded index). A reader refuses to write."""
    if settings.role == "reader":
        holder = writer_status(settings) if settings.chroma_url else None
        raise reader_refusal(settings, holder)
    if not settings.chroma_url:
        yield None
        return
    lease = ChromaLease(settings, command)
    lease.acquire(wait=wait)
    try:
        yield lease
    finally:
        lease.release()


def writer_status(settings: Settings) -> LeaseInfo | None:
    """Who writes the shared collection now (for a web replica to disable its add/update
    controls and say who indexes); None when nobody holds the lease or there is no server."""
    if not settings.chroma_url:
        return None
    return ChromaLease(settings, "status").holder()


def _claim(meta: dict[str, Any]) -> LeaseInfo:
    return LeaseInfo(
        pid=int(meta.get("pid", 0)),
        host=str(meta.get("host", "?")),
        command=str(meta.get("command", "")),
        since=float(meta.get("claimed", 0.0)),
        owner=str(meta.get("owner", "")),
        expires=float(meta.get("expires", 0.0)),
        state=str(meta.get("state", CLAIM)),
    )


def _order(claim: LeaseInfo) -> tuple[int, float, str]:
    """Held claims first, then the earliest claim; the owner id breaks ties."""
    return (0 if claim.state == HELD else 1, claim.since, claim.owner)


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
