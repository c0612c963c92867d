"""The web chat page (assistant/webui): its /chat API through gradio_client, auth, form values.

The fakes here (FakeAssistant, FakeLibrary, STORIES) are shared with the other web chat
tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from assistant.answer import Answer, Citation, RetrievedChunk, Source
from assistant.webui import page, server
from assistant.webui.library import IndexView
from assistant.webui.render import EMPTY_INDEX_MESSAGE, example_questions
from index.errors import BackendUnavailable, IndexEmpty, NewsdeskError

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Story:
    title: str
    outlet: str
    published: datetime
    text: str
    url: str = ""


STORIES = [
    Story(
        "EU ministers agree to extend sanctions on Russia",
        "Reuters",
        datetime(2025, 3, 1, tzinfo=UTC),
        "BRUSSELS (Reuters) - EU foreign ministers agreed on Monday to extend sanctions on "
        "Russia for six more months. Hungary dropped its objection after talks.",
        "https://www.reuters.com/world/europe/eu-sanctions",
    ),
    Story(
        "Serbia says it will not join EU sanctions",
        "BBC",
        datetime(2025, 3, 3, tzinfo=UTC),
        "Serbia's president said Belgrade would not join the sanctions. He called the "
        "decision a matter of national interest.",
        "https://www.bbc.co.uk/news/world-europe-1",
    ),
    Story(
        "Central bank holds rates steady",
        "DW",
        datetime(2025, 2, 10, tzinfo=UTC),
        "The central bank kept its main rate at 2.5 percent and signalled patience.",
    ),
]


@dataclass
class Call:
    question: str
    history: list[tuple[str, str]]
    filters: Any


@dataclass
class FakeAssistant:
    """Answers with the first sentence of each matching story; records what it was asked."""

    stories: Sequence[Story] = tuple(STORIES)
    calls: list[Call] = field(default_factory=list)
    fail_with: Exception | None = None
    delay: float = 0.0  # seconds between streamed words
    echo_titles: bool = False  # put source titles into the answer text

    def ask(self, question: str, history=None, filters=None, as_of=None) -> Answer:
        *_, answer = self.stream(question, history, filters, as_of)
        return answer

    def stream(
        self, question: str, history=None, filters=None, as_of=None
    ) -> Iterator[str | Answer]:
        self.calls.append(Call(question, list(history or []), filters))
        if self.fail_with:
            raise self.fail_with
        if not self.stories:
            raise IndexEmpty("The index is empty.")
        sources = [make_source(n, story) for n, story in enumerate(self._retrieve(filters), 1)]
        sentences = [
            (f"{s.title}: " if self.echo_titles else "")
            + s.text.split(". ")[0].rstrip(".")
            + f" [{s.n}]."
            for s in sources
        ]
        text = " ".join(sentences) or "The indexed news does not say."
        for word in text.split(" "):
            time.sleep(self.delay)
            yield word + " "
        citations = [
            Citation(
                s.n, s.article_id, s.title, s.source, s.url, s.published, s.text.split(". ")[0]
            )
            for s in sources
        ]
        yield Answer(text, citations, sources, question, {"total": 0.01}, covered=bool(sources))

    def _retrieve(self, filters) -> list[Story]:
        found = list(self.stories)
        if filters is not None:
            found = [
                s
                for s in found
                if (not filters.since or s.published >= filters.since)
                and (not filters.until or s.published <= filters.until)
                and (not filters.sources or s.outlet in filters.sources)
            ]
        return found[:2]


def make_source(n: int, story: Story) -> Source:
    chunk = RetrievedChunk(f"a{n}#c#0", f"{story.title}\n\n{story.text}", story.text, 1.0, 0.8)
    return Source(
        n, f"a{n}", story.title, story.outlet, story.url or None, story.published, (chunk,), 1.0
    )


class FakeLibrary:
    """An index view without stores: fixed stats, outlets and titles."""

    def __init__(self, stories: Sequence[Story] = tuple(STORIES)) -> None:
        self.stories = list(stories)

    def view(self) -> IndexView:
        if not self.stories:
            return IndexView(stats={"articles": 0})
        dates = sorted(s.published for s in self.stories)
        stats = {
            "articles": len(self.stories),
            "sources": {s.outlet: 1 for s in self.stories},
            "first_published": dates[0].isoformat(),
            "last_published": dates[-1].isoformat(),
            "last_indexed": datetime.now(UTC).isoformat(),
        }
        titles = [
            (s.title, s.outlet)
            for s in sorted(self.stories, key=lambda s: s.published, reverse=True)
        ]
        return IndexView(
            stats=stats,
            outlets=sorted({s.outlet for s in self.stories}),
            examples=example_questions(titles),
        )

    def demo_rate(self) -> float:
        return 5.0  # demo articles per second "measured" on this machine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(settings) -> Iterator[tuple[str, FakeAssistant]]:
    """The app on 127.0.0.1 with a fake assistant; closed after the test."""
    assistant = FakeAssistant()
    app = page.build_app(assistant, settings, library=FakeLibrary())
    url = server.start(app, port=free_port(), quiet=True)
    try:
        yield url, assistant
    finally:
        app.close()


@pytest.fixture
def client(served):
    from gradio_client import Client

    url, _ = served
    return Client(url, verbose=False)


def test_chat_api_returns_answer_and_sources(client, served) -> None:
    result = client.predict("What did the EU decide on sanctions?", api_name="/chat")

    assert result["error"] is None
    assert "[1]" in result["answer"]
    assert [c["n"] for c in result["citations"]] == [1, 2]
    assert result["sources"][0]["title"] == STORIES[0].title
    assert result["sources"][0]["url"] == STORIES[0].url
    assert result["citations"][0]["published"].startswith("2025-03-01")


def test_follow_up_sends_the_history(client, served) -> None:
    _, assistant = served
    first = client.predict("What did the EU decide?", api_name="/chat")
    client.predict(
        "And what did Serbia say?", [["What did the EU decide?", first["answer"]]], api_name="/chat"
    )

    assert assistant.calls[-1].history == [("What did the EU decide?", first["answer"])]


def test_filters_change_what_is_retrieved(client, served) -> None:
    _, assistant = served
    result = client.predict(
        "Any news?", None, "2025-03-02", "2025-03-31", ["BBC"], api_name="/chat"
    )

    filters = assistant.calls[-1].filters
    assert filters.sources == ("BBC",)
    assert filters.since == datetime(2025, 3, 2, tzinfo=UTC)
    assert filters.until.date().isoformat() == "2025-03-31"
    assert [s["source"] for s in result["sources"]] == ["BBC"]


def test_empty_index_gives_the_message(client, served) -> None:
    _, assistant = served
    assistant.stories = ()
    result = client.predict("Anything?", api_name="/chat")

    assert result["answer"] is None
    assert result["error"] == EMPTY_INDEX_MESSAGE


def test_bad_filter_and_backend_failures_are_messages(client, served) -> None:
    _, assistant = served
    bad_date = client.predict("Anything?", None, "yesterday-ish", api_name="/chat")
    assert "not a date" in bad_date["error"]

    assistant.fail_with = BackendUnavailable("the LLM at http://localhost:8000 does not answer")
    down = client.predict("Anything?", api_name="/chat")
    assert down["error"].startswith("The answering backend is unavailable")

    assistant.fail_with = RuntimeError("boom")
    crash = client.predict("Anything?", api_name="/chat")
    assert "RuntimeError" in crash["error"] and "Traceback" not in crash["error"]


def test_public_bind_needs_auth_or_allow_open() -> None:
    assert "this machine" in server.access_message("127.0.0.1", None, False)
    assert "login required" in server.access_message("0.0.0.0", ("u", "p"), False)
    assert "NO authentication" in server.access_message("0.0.0.0", None, True)
    with pytest.raises(NewsdeskError, match="NEWSDESK_UI_AUTH"):
        server.access_message("0.0.0.0", None, False)


def test_parse_auth() -> None:
    assert server.parse_auth("ann:s3cret:x") == ("ann", "s3cret:x")
    assert server.parse_auth(None) is None
    with pytest.raises(NewsdeskError):
        server.parse_auth("ann")


def test_auth_protects_page_and_api(settings) -> None:
    from gradio_client import Client

    app = page.build_app(FakeAssistant(), settings, library=FakeLibrary())
    url = server.start(app, port=free_port(), auth=("ann", "s3cret"), quiet=True)
    try:
        with pytest.raises(Exception):  # noqa: B017 - gradio_client's error type varies
            Client(url, verbose=False).predict("Hi?", api_name="/chat")
        result = Client(url, auth=("ann", "s3cret"), verbose=False).predict(
            "What did the EU decide?", api_name="/chat"
        )
        assert result["error"] is None
    finally:
        app.close()


def test_make_filters_from_form_values() -> None:
    assert page.make_filters(None, "", []) is None
    filters = page.make_filters("2025-03-01 00:00:00", "2025-03-02", ["DW"])
    assert filters.since == datetime(2025, 3, 1, tzinfo=UTC)
    assert filters.until.date().isoformat() == "2025-03-02" and filters.until.hour == 23
    assert filters.sources == ("DW",)


def test_chat_error_has_the_shape_of_an_answer() -> None:
    answer = FakeAssistant().ask("What did the EU decide?")
    ok = page.chat_result(answer)
    failed = page.chat_result(None, question="Anything?", error=IndexEmpty("empty"))
    assert set(failed) == set(ok)
    assert ok["error"] is None and ok["answer"] == answer.text
    assert failed["answer"] is None and failed["error"] == EMPTY_INDEX_MESSAGE
    assert (failed["citations"], failed["sources"], failed["covered"]) == ([], [], False)
    assert failed["question_used"] == "Anything?"


def test_the_cli_loads_gradio_only_to_serve_the_page() -> None:
    script = "import sys, assistant.cli; print('gradio' in sys.modules, 'ui' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False"]


def test_python_ui_py_takes_the_options_of_newsdesk_ui() -> None:
    done = subprocess.run(
        [sys.executable, "ui.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "Usage: ui.py" in done.stdout
    for option in ("--host", "--port", "--auth", "--allow-open"):
        assert option in done.stdout


def test_newsdesk_ui_refuses_an_open_public_bind_in_one_line() -> None:
    from click.testing import CliRunner

    from assistant.cli import main

    result = CliRunner().invoke(main, ["ui", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "Refusing to listen on 0.0.0.0 without authentication" in result.output
    assert "Traceback" not in result.output
