"""One writer per home: two real processes writing the same index never lose articles.

Reproduces the reported silent data loss (a build of 100 articles, a second build or an update
started meanwhile: 16-22 articles lost, exit 0): the second writer now waits for the first,
saying who holds the lock, and a holder killed with SIGKILL leaves a lock the next build takes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from chromadb.api.shared_system_client import SharedSystemClient

import index
from index.errors import WriterBusy
from index.fakes import FakeEmbedder
from index.writing import INFO_NAME, HomeLock, writer
from tests.test_crash import settings_for, state, write_corpus

REPO = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-c", "from assistant.cli import main; main()"]
ARTICLES = 100


def spawn(
    mode: str, corpus: Path, home: Path, point: str = "none", n: int = 0, wait: str = "wait"
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "ANONYMIZED_TELEMETRY": "False"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.writer_child",
            mode,
            str(corpus),
            str(home),
            point,
            str(n),
            wait,
        ],
        cwd=REPO,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(child: subprocess.Popen[str], word: str) -> None:
    """Read the child's stdout until ``word`` (fails if the child exits first)."""
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == word:
            return
    child.wait(timeout=60)
    raise AssertionError(
        f"child exited ({child.returncode}) before {word!r}: "
        f"{child.stderr.read()[-2000:] if child.stderr else ''}"
    )


def resume(child: subprocess.Popen[str]) -> None:
    assert child.stdin is not None
    child.stdin.write("\n")
    child.stdin.flush()


def waiting_line(child: subprocess.Popen[str]) -> str | None:
    """The second writer's line saying whom it waits for; None when it finished without one."""
    assert child.stderr is not None
    for line in child.stderr:
        if line.startswith("Waiting for "):
            return line
    return None


def finish(child: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = child.communicate(timeout=300)
    return child.returncode, err


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("writers") / "corpus"
    write_corpus(folder, ARTICLES)
    home = folder.parent / "clean"
    index.build([folder], settings_for(home), embedder=FakeEmbedder())
    expected = state(home)
    SharedSystemClient.clear_system_cache()
    return folder, expected


@pytest.mark.parametrize(
    ("second", "point", "n", "handshake"),
    [
        # free-running: both writers go on at once (the reported data loss)
        ("build", "pending", 1, False),  # in the middle of the first batch's write
        ("update", "pending", 3, False),
        ("build", "article", 60, False),  # between two writes
        # handshake: the first writer resumes only once the second says it waits
        ("build", "article", 1, True),  # before the first write
        ("update", "pending", 2, True),
        ("build", "article", ARTICLES, True),  # after the last article was read
    ],
)
def test_a_second_writer_waits_and_nothing_is_lost(
    tmp_path: Path, corpus: tuple[Path, dict], second: str, point: str, n: int, handshake: bool
) -> None:
    folder, expected = corpus
    home = tmp_path / "home"
    if second == "update":
        index.build([folder / "story_000.txt"], settings_for(home), embedder=FakeEmbedder())
        index.build([folder], settings_for(home), embedder=FakeEmbedder())
        index.clear(settings_for(home))
        index.build([folder / "story_000.txt"], settings_for(home), embedder=FakeEmbedder())
        SharedSystemClient.clear_system_cache()
    first = spawn("build", folder, home, point, n)
    other = spawn(second, folder, home, "start")
    try:
        wait_for(first, "paused")  # the first writer holds the lock, mid-build
        wait_for(other, "paused")
        resume(other)  # the second writer starts now
        line = waiting_line(other) if handshake else None
        resume(first)
        first_rc, first_err = finish(first)
        other_rc, other_err = finish(other)
        if not handshake:
            line = next((x for x in other_err.splitlines() if x.startswith("Waiting for ")), "")
    finally:
        for child in (first, other):
            if child.poll() is None:
                child.kill()
                child.wait()
    assert first_rc == 0, first_err[-2000:]
    assert other_rc == 0, other_err[-2000:]
    SharedSystemClient.clear_system_cache()
    got = state(home)
    assert len(got["manifest"]) == ARTICLES, "articles lost by concurrent writers"
    assert got == expected
    if handshake:  # free-running, the first writer may have finished before the second starts
        assert line is not None, "the second writer did not wait for the first"
        assert f"pid {first.pid} " in line and "index build" in line and " since " in line


def test_a_killed_holder_leaves_a_lock_the_next_writer_takes(
    tmp_path: Path, corpus: tuple[Path, dict]
) -> None:
    folder, expected = corpus
    home = tmp_path / "home"
    first = spawn("build", folder, home, "pending", 2)
    try:
        wait_for(first, "paused")
        lock = HomeLock(settings_for(home), "test")
        holder = lock.holder()
        assert holder is not None and holder.pid == first.pid
        with pytest.raises(WriterBusy) as busy:
            lock.acquire(wait=False)
        assert busy.value.holder == holder
        cli = subprocess.run(
            [*CLI, "--home", str(home), "index", "update", "--no-wait", "--quiet"],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert cli.returncode == 4, cli.stderr
        assert f"pid {first.pid} " in cli.stderr
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
        first.wait()
    assert (home / INFO_NAME).exists()  # the dead holder's record is left behind ...
    assert HomeLock(settings_for(home), "test").holder() is None  # ... and not shown as live
    rerun = spawn("build", folder, home, wait="no-wait")  # the lock is free: no waiting
    rc, err = finish(rerun)
    assert rc == 0, err[-2000:]
    SharedSystemClient.clear_system_cache()
    assert state(home) == expected


def test_the_lock_is_released_after_an_error_and_readers_never_take_it(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "home")
    with pytest.raises(ZeroDivisionError), writer(settings, "test"):
        1 / 0  # noqa: B018
    with writer(settings, "again", wait=False) as info:
        assert info is not None and info.pid == os.getpid() and info.command.startswith("again")
        assert index.stats(settings).articles == 0  # a reader, while a writer holds the lock
    assert not (settings.home / INFO_NAME).exists()


def test_threads_of_one_process_exclude_each_other(tmp_path: Path) -> None:
    """The web app's refresher thread and a page's build: the lock holds across threads too,
    and a thread holding it may take it again (the refresher's nested builds)."""
    import threading

    settings = settings_for(tmp_path / "home")
    held, done = threading.Event(), threading.Event()

    def hold() -> None:
        with writer(settings, "refresher"), writer(settings, "nested build"):
            held.set()
            done.wait(60)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(60)
        with (
            pytest.raises(WriterBusy, match=r"\(refresher: "),
            writer(settings, "page", wait=False),
        ):
            pass
    finally:
        done.set()
        thread.join()
    with writer(settings, "page", wait=False) as info:
        assert info is not None and info.command.startswith("page")
