"""A Chroma server killed in the middle of a build: one line, progress kept, the re-run finishes.

Against a real ``chroma run`` on 127.0.0.1, started and killed by the test.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

import index
from assistant import cli
from index.fakes import FakeEmbedder
from index.server_lost import ChromaLost
from index.settings import Settings
from tests.chroma_server import chroma_cli, free_port

ARTICLES = 40


class Server:
    """A ``chroma run`` process on a fixed port and folder (so it can be started again)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.folder.parent / "chroma.log").open("ab")
        self.process = subprocess.Popen(
            [
                chroma_cli(),
                "run",
                "--path",
                str(self.folder),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("chroma run exited early")
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        pytest.fail("the Chroma server did not answer its heartbeat within 60 s")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=15)


@pytest.fixture
def server(tmp_path: Path):
    running = Server(tmp_path / "server")
    running.start()
    try:
        yield running
    finally:
        running.kill()


def news(folder: Path) -> Path:
    folder.mkdir()
    for n in range(ARTICLES):
        (folder / f"{n:03}.txt").write_text(
            f"Story number {n} about harbour works\n\nLISBON (Reuters) - Crews finished section "
            f"{n} of the harbour wall on day {n}, officials said, after {n * 3} weeks of work."
        )
    return folder


def test_losing_the_server_mid_build_is_one_line_and_the_rerun_finishes(
    server: Server, settings: Settings, tmp_path: Path
) -> None:
    remote = settings.with_overrides(chroma_url=server.url, embedding_batch_size=1)
    folder = news(tmp_path / "news")

    def kill_midway(done: int, total: int | None, stage: str) -> None:
        if stage == index.pipeline.ARTICLES and done == ARTICLES // 2:
            server.kill()  # batches of 8 chunks: several were written before this

    with pytest.raises(ChromaLost) as lost:
        index.build([folder], remote, embedder=FakeEmbedder(), progress=kill_midway)

    message = str(lost.value)
    assert "\n" not in message and len(message) < 400
    assert f"Lost the Chroma server at {server.url}" in message and "re-run" in message
    kept = index.pipeline.Catalog.open(remote).stats().articles
    assert 0 < kept < ARTICLES and f"the {kept} articles indexed so far are kept" in message

    server.start()
    rerun = index.build([folder], remote, embedder=FakeEmbedder())
    assert rerun.unchanged == kept and rerun.new == ARTICLES - kept
    assert index.stats(remote).articles == ARTICLES


def test_the_cli_prints_the_lost_server_as_one_line_with_exit_2(
    server: Server, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = news(tmp_path / "news")
    real_build = index.pipeline.build

    def build_then_lose(sources, settings, **options):  # the CLI with a fake embedder
        def kill_midway(done: int, total: int | None, stage: str) -> None:
            if stage == index.pipeline.ARTICLES and done == ARTICLES // 2:
                server.kill()

        return real_build(sources, settings, embedder=FakeEmbedder(), progress=kill_midway)

    monkeypatch.setattr(index.pipeline, "build", build_then_lose)
    result = CliRunner().invoke(
        cli.main,
        [
            "--home",
            str(settings.home),
            "index",
            "build",
            "--quiet",
            "--chroma-url",
            server.url,
            str(folder),
        ],
    )

    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"Error: Lost the Chroma server at {server.url}")
    assert "Traceback" not in result.output
