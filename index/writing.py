"""One writer per home: an OS-level file lock taken by every build, update and clear.

The lock is ``<home>/writer.lock`` (``filelock``: ``flock``/``LockFileEx``, so the kernel
releases it when its holder dies, even by ``kill -9``). Beside it, ``writer.json`` says who holds
it (pid, host, command, since), for the line a second writer prints while it waits. That file
may outlive a killed holder; it is only believed while the lock is held and its pid is alive.
Readers (ask, chat, stats) never take the lock.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from filelock import FileLock, Timeout

from index.errors import WriterBusy
from index.settings import Settings

LOCK_NAME, INFO_NAME = "writer.lock", "writer.json"


@dataclass(frozen=True)
class WriterInfo:
    """Who holds a writer guard."""

    pid: int
    host: str
    command: str
    since: float  # Unix time the lock was taken

    def describe(self) -> str:
        """``pid 123 on host (index build: newsdesk index build feeds/) since 15:30:02 UTC``."""
        when = datetime.fromtimestamp(self.since, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"pid {self.pid} on {self.host} ({self.command}) since {when}"


class WriterGuard(Protocol):
    """Excludes other writers of one index (a home lock, or a lease on a Chroma server)."""

    def acquire(self, *, wait: bool = True) -> None: ...

    def release(self) -> None: ...

    def holder(self) -> WriterInfo | None: ...


class HomeLock:
    """The writer lock of ``settings.home`` (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        command: str,
        *,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.home = settings.home
        self.command = command
        # one FileLock per path in this process (filelock's registry): a thread already holding
        # the lock takes it again (nested writers, e.g. the refresher's builds); other threads,
        # like other processes, wait
        self._lock = FileLock(self.home / LOCK_NAME, is_singleton=True)
        self._notify = notify or _to_stderr
        self._nested = False

    @property
    def info_path(self) -> Path:
        return self.home / INFO_NAME

    def acquire(self, *, wait: bool = True) -> None:
        """Take the lock; when another process holds it, say who on stderr and wait for it, or
        (``wait=False``) raise ``WriterBusy``."""
        self.home.mkdir(parents=True, exist_ok=True)
        if self._lock.is_locked:  # this thread holds it already: keep the outer holder's record
            self._lock.acquire()
            self._nested = True
            return
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            holder = self.holder()
            who = holder.describe() if holder else "another process"
            if not wait:
                raise WriterBusy(
                    f"the index at {self.home} is being written by {who}; "
                    "try again when it finishes",
                    holder,
                ) from None
            self._notify(f"Waiting for {who}, which is writing the index at {self.home} ...")
            self._lock.acquire()
        info = WriterInfo(os.getpid(), socket.gethostname(), self.command, time.time())
        temporary = self.info_path.with_suffix(".tmp")
        try:
            temporary.write_text(json.dumps(asdict(info)), encoding="utf-8")
            os.replace(temporary, self.info_path)
        except BaseException:
            self._lock.release()
            raise

    def release(self) -> None:
        """Let the next writer in (the holder file is removed first)."""
        if not self._lock.is_locked:
            return
        if self._nested:
            self._nested = False
            self._lock.release()
            return
        self.info_path.unlink(missing_ok=True)
        self._lock.release()

    def holder(self) -> WriterInfo | None:
        """Who writes now; None when nobody does (or a dead process left its record)."""
        if self._lock.is_locked:
            return _read_info(self.info_path)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            info = _read_info(self.info_path)
            return info if info is not None and _alive(info) else None
        except OSError:
            return None  # a read-only home: nobody can write it either
        self._lock.release()
        return None  # free: any record left is a killed holder's


@contextmanager
def writer(settings: Settings, command: str, *, wait: bool = True) -> Iterator[WriterInfo | None]:
    """Hold the writer guard of ``settings`` for the ``with`` block (see ``HomeLock``)."""
    guard = HomeLock(settings, describe_command(command))
    guard.acquire(wait=wait)
    try:
        yield guard.holder()
    finally:
        guard.release()


def describe_command(operation: str) -> str:
    """``operation`` plus this process's command line, shortened (``index build: newsdesk ...``)."""
    argv = [os.path.basename(sys.argv[0]) if sys.argv else "python", *sys.argv[1:]]
    line = shlex.join(argv)
    return f"{operation}: {line[:160]}" if line else operation


def _read_info(path: Path) -> WriterInfo | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return WriterInfo(
            int(data["pid"]), str(data["host"]), str(data["command"]), float(data["since"])
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(info: WriterInfo) -> bool:
    """False when ``info``'s process is known to be gone (checked only on this host)."""
    if info.host != socket.gethostname():
        return True
    try:
        os.kill(info.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
