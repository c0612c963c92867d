"""End to end with the real models: index the seed story and a few others, then ask.

Uses the default local LLM (Qwen2.5-Coder-0.5B-Instruct via llama.cpp) and the packaged
embedding model.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import index
from assistant import Answer, Assistant
from assistant.prompts import NOT_COVERED
from index.settings import Settings
from tests.conftest import SHARED

pytestmark = [pytest.mark.integration, pytest.mark.shared]

STORIES = Path(__file__).parent / "fixtures" / "answering" / "stories"
SEED = SHARED / "seeds" / "000_f8f8be72d5054970.txt"
SEED_TITLE = "New bid to break Kosovo stalemate as deadline nears"
DEADLINE = "What is the deadline for a deal on Kosovo?"


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """An assistant over an index of the seed story and the fixture stories."""
    home = tmp_path_factory.mktemp("answering-home")
    # A generous timeout: CI machines may be busy; the timeout itself is tested with a fake.
    settings = Settings(home=home, llm="local", gguf_path=None, answer_timeout=900)
    report = index.build([SEED, STORIES], settings)
    assert report.new == 4 and not report.rejected
    return Assistant(settings)


def test_the_deadline_is_december_10_citing_the_seed_story(indexed: Assistant) -> None:
    answer = indexed.ask(DEADLINE)
    assert "December 10" in answer.text
    assert answer.covered
    assert SEED_TITLE in [citation.title for citation in answer.citations]
    seed = next(c for c in answer.citations if c.title == SEED_TITLE)
    assert f"[{seed.n}]" in answer.text and "December 10" in seed.snippet
    # The rally story asks the reader to "say that the talks have been cancelled".
    assert "cancel" not in answer.text.lower()


def test_a_question_the_stories_do_not_cover(indexed: Assistant) -> None:
    answer = indexed.ask("Who won the 2006 football World Cup final?")
    assert (answer.text, answer.citations, answer.covered) == (NOT_COVERED, [], False)


def test_streaming_yields_text_first_and_times_the_first_token(indexed: Assistant) -> None:
    parts = list(indexed.stream("How many workers did Statoil fly to shore?"))
    answer = parts[-1]
    assert isinstance(answer, Answer) and all(isinstance(part, str) for part in parts[:-1])
    assert "".join(parts[:-1]) == answer.text
    assert 0 < answer.timings["first_token"] <= answer.timings["total"]
    assert set(answer.timings) >= {"condense", "retrieve", "generate", "verify", "total"}


def test_the_extractive_backend_on_the_same_index(indexed: Assistant) -> None:
    extractive = Assistant(
        indexed.settings.with_overrides(llm="extractive"),
        retriever=indexed.retriever,
        embedder=indexed._embedder,
    )
    answer = extractive.ask(DEADLINE)
    assert "December 10" in answer.text
    assert answer.citations[0].title == SEED_TITLE


def test_a_follow_up_is_condensed_and_never_repeats_the_answer(indexed: Assistant) -> None:
    first = indexed.ask(DEADLINE)
    follow_up = indexed.ask("And what does Serbia say about it?", history=[(DEADLINE, first.text)])
    assert follow_up.text != first.text
    assert "kosovo" in follow_up.question_used.lower()


def test_the_command_line_shows_no_llama_cpp_log_lines(indexed: Assistant) -> None:
    command = [sys.executable, "-c", "from assistant.cli import main; main()"]
    command += ["--home", str(indexed.settings.home), "ask", DEADLINE, "--llm", "local"]
    environment = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        "NEWSDESK_ANSWER_TIMEOUT": "900",
    }
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, env=environment, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "December 10" in done.stdout and "— Reuters, undated" in done.stdout  # no date given
    assert "llama_" not in done.stderr and "llama_" not in done.stdout
    assert "ggml" not in done.stderr


def test_a_model_process_killed_mid_answer_costs_one_question(indexed: Assistant) -> None:
    """kill -9 of the model's process during an answer: one clear line, then answers again."""
    import signal
    import threading
    import time

    from assistant.backends.registry import make_backend
    from assistant.backends.served import RESTARTED
    from assistant.errors import BackendUnavailable

    reader = make_backend(indexed.settings)
    backend = reader.model  # the served model behind the reader
    assistant = Assistant(indexed.settings, llm=reader)
    try:
        assistant.ask("How many workers did Statoil fly to shore?")  # loads the model

        def kill_once_generating() -> None:
            deadline = time.monotonic() + 300
            while backend.last_tokens < 1 and time.monotonic() < deadline:
                time.sleep(0.005)
            os.kill(backend.process.pid, signal.SIGKILL)

        backend.last_tokens = 0
        killer = threading.Thread(target=kill_once_generating)
        killer.start()
        with pytest.raises(BackendUnavailable) as lost:
            assistant.ask(DEADLINE)
        killer.join()
        assert str(lost.value) == RESTARTED
        answer = assistant.ask(DEADLINE)
        assert "December 10" in answer.text and backend.process.restarts == 1
    finally:
        assistant.close()
