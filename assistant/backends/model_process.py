"""The local GGUF model in a child process that Newsdesk starts, supervises and restarts.

llama.cpp is native code: a crash in it (a segfault in a CPU kernel, an abort on a bad file)
would end whatever process loaded it — the web chat for every user, the CLI chat mid-session.
So the model runs in a child: llama-cpp-python's own OpenAI-compatible server
(``llama_cpp.server``), started by :class:`ModelProcess` on a loopback socket that the parent
opens and hands over (no port race), guarded by a random API key, its log lines written to a
file. The parent reaches it through the same OpenAI-compatible client as the ``openai`` backend.

When the child dies, the question that was being answered gets one clear line and the child is
started again at once, so the next question is answered.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import httpx

from assistant.errors import BackendUnavailable

STARTUP_TIMEOUT = 120.0
"""Seconds a child may take to load its model (a 0.5B model loads in ~1 s; a busy CI more)."""


@dataclass(frozen=True)
class ModelServerConfig:
    """What the child server loads and how (the llama.cpp options Newsdesk sets)."""

    model_path: Path
    n_ctx: int = 4096
    n_threads: int = 2
    log_path: Path | None = None


class ModelProcess:
    """One supervised ``llama_cpp.server`` child on 127.0.0.1; started on first use."""

    def __init__(
        self,
        config: ModelServerConfig,
        *,
        startup_timeout: float = STARTUP_TIMEOUT,
        server_module: str = "assistant.backends.model_server",
    ) -> None:
        self.config = config
        self.server_module = server_module  # tests run assistant.backends.fake_model_server
        self.startup_timeout = startup_timeout
        self.api_key = secrets.token_urlsafe(24)
        self.restarts = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._socket: socket.socket | None = None
        self._ready = False
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """The child's OpenAI-compatible API (``.../v1``); starts the child when needed."""
        with self._lock:
            self._ensure_started()
            assert self._socket is not None
            port = self._socket.getsockname()[1]
        return f"http://127.0.0.1:{port}/v1"

    @property
    def pid(self) -> int | None:
        """The child's process id while it runs (for tests and status lines)."""
        process = self._process
        return process.pid if process is not None and process.poll() is None else None

    def wait_ready(self) -> None:
        """Block until the child answers, or raise BackendUnavailable saying why it did not."""
        url = self.base_url
        if self._ready:
            return
        deadline = time.monotonic() + self.startup_timeout
        headers = {"Authorization": f"Bearer {self.api_key}"}
        while time.monotonic() < deadline:
            if not self.alive():
                raise BackendUnavailable(
                    f"The local model process exited while loading {self.config.model_path.name}"
                    f"{self._log_hint()}. Check the model file (NEWSDESK_GGUF_PATH)."
                )
            try:
                if httpx.get(f"{url}/models", headers=headers, timeout=2.0).status_code == 200:
                    self._ready = True
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise BackendUnavailable(
            f"The local model did not start within {self.startup_timeout:.0f} s{self._log_hint()}."
        )

    def alive(self) -> bool:
        """Whether the child is running."""
        process = self._process
        return process is not None and process.poll() is None

    def restart_if_dead(self, grace: float = 2.0) -> bool:
        """Start a new child when the last one died (waiting ``grace`` seconds for a dying one
        to be gone); True when it did, so the caller can say so."""
        with self._lock:
            if self._process is None:
                return False
            try:
                self._process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                return False
            self._ensure_started()
            return True

    def close(self) -> None:
        """Stop the child (also done at exit)."""
        with self._lock:
            self._stop_locked()

    def _ensure_started(self) -> None:
        if self._process is not None:
            if self._process.poll() is None:
                return
            self.restarts += 1  # it died between questions: start a new one, nothing lost
        self._stop_locked()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        listener.set_inheritable(True)
        log = self._open_log()
        command = [sys.executable, "-m", self.server_module, str(listener.fileno())]
        environment = {
            **os.environ,
            "NEWSDESK_MODEL_SERVER_CONFIG": _encode(self.config, self.api_key),
            "OMP_WAIT_POLICY": os.environ.get("OMP_WAIT_POLICY", "PASSIVE"),
        }
        self._process = subprocess.Popen(
            command,
            pass_fds=(listener.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=environment,
            start_new_session=True,  # a Ctrl-C in the terminal reaches Newsdesk, which stops it
        )
        log.close()
        self._socket = listener
        self._ready = False

    def _stop_locked(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._socket is not None:
            self._socket.close()
            self._socket = None
        self._ready = False

    def _open_log(self) -> BinaryIO:
        if self.config.log_path is None:
            return open(os.devnull, "wb")  # handed to the child, closed after
        self.config.log_path.parent.mkdir(parents=True, exist_ok=True)
        return self.config.log_path.open("ab")

    def _log_hint(self) -> str:
        return f" (its log: {self.config.log_path})" if self.config.log_path else ""

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # interpreter shutdown: nothing left to tell
            self._stop_locked()


def _encode(config: ModelServerConfig, api_key: str) -> str:
    import json

    return json.dumps(
        {
            "model": str(config.model_path),
            "n_ctx": config.n_ctx,
            "n_threads": config.n_threads,
            "api_key": api_key,
        }
    )
