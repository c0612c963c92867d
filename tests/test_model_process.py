"""The local model's child process: started on first use, a crash costs one question."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from assistant.backends.model_process import ModelProcess, ModelServerConfig
from assistant.backends.served import RESTARTED, ServedModelBackend
from assistant.errors import BackendUnavailable


@pytest.fixture
def backend(tmp_path: Path):
    config = ModelServerConfig(model_path=tmp_path / "none.gguf", log_path=tmp_path / "m.log")
    process = ModelProcess(config, server_module="assistant.backends.fake_model_server")
    served = ServedModelBackend(process, name="local:fake", timeout=30)
    yield served
    served.close()


def ask(backend: ServedModelBackend, text: str) -> str:
    return "".join(backend.generate([{"role": "user", "content": text}], 20))


def test_the_model_answers_through_the_child(backend: ServedModelBackend) -> None:
    assert ask(backend, "three little words") == "three little words "
    assert backend.process.pid not in (None, os.getpid())


def test_a_crash_mid_answer_is_one_clear_line_and_the_next_question_is_answered(
    backend: ServedModelBackend,
) -> None:
    ask(backend, "warm up")
    first = backend.process.pid
    with pytest.raises(BackendUnavailable, match="stopped and was restarted; ask again"):
        ask(backend, "CRASH right here please")
    assert ask(backend, "and again") == "and again "
    assert backend.process.pid != first and backend.process.restarts == 1
    assert str(BackendUnavailable(RESTARTED)) == RESTARTED


def test_a_child_killed_between_questions_is_replaced_silently(
    backend: ServedModelBackend,
) -> None:
    ask(backend, "warm up")
    os.kill(backend.process.pid, signal.SIGKILL)
    assert ask(backend, "still here") == "still here "


def test_the_child_refuses_a_client_without_its_key(backend: ServedModelBackend) -> None:
    import httpx

    ask(backend, "warm up")
    assert httpx.get(f"{backend.process.base_url}/models", timeout=5).status_code == 401


def test_a_model_that_cannot_load_says_so(tmp_path: Path) -> None:
    config = ModelServerConfig(model_path=tmp_path / "broken.gguf", log_path=tmp_path / "m.log")
    process = ModelProcess(config, startup_timeout=60)
    (tmp_path / "broken.gguf").write_bytes(b"not a model")
    served = ServedModelBackend(process)
    try:
        with pytest.raises(BackendUnavailable, match=r"exited while loading broken\.gguf"):
            ask(served, "hello")
        assert "m.log" in str(process.config.log_path)
    finally:
        served.close()


def test_closing_stops_the_child(backend: ServedModelBackend) -> None:
    ask(backend, "warm up")
    pid = backend.process.pid
    backend.close()
    assert backend.process.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
