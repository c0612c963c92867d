"""The openai backend against a stub chat-completions server on 127.0.0.1 (plain and SSE)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assistant.api import Assistant
from assistant.backends import make_backend
from assistant.errors import BackendUnavailable
from assistant.testing import FakeRetriever
from tests.fixtures.answering.sources import three_sources

REPLY = "The deadline for a deal is December 10 [1]."


class StubServer:
    """Answers every POST /v1/chat/completions with ``reply``; records the requests."""

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                if self.path != "/v1/chat/completions":
                    self.send_error(404)
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append(body)
                stub.headers.append({k.lower(): v for k, v in self.headers.items()})
                if body.get("stream"):
                    self._stream(body["model"])
                else:
                    self._send_json(_completion(body["model"], stub.reply))

            def _send_json(self, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, model: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                for chunk in _chunks(model, stub.reply):
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        return Handler


@pytest.fixture
def stub() -> Iterator[StubServer]:
    with StubServer(REPLY) as server:
        yield server


@pytest.fixture
def openai_settings(settings, stub):
    return settings.with_overrides(
        llm="openai", openai_base_url=stub.url, openai_model="stub-model", openai_api_key="sk-test"
    )


def test_non_streaming_completion(openai_settings, stub):
    model = make_backend(openai_settings).model.chat_model
    assert model.invoke("Hello?").content == REPLY
    (request,) = stub.requests
    assert request["model"] == "stub-model"
    assert request["messages"] == [{"role": "user", "content": "Hello?"}]
    assert request["temperature"] == 0.0
    assert request["max_completion_tokens"] == openai_settings.max_answer_tokens
    assert stub.headers[0]["authorization"] == "Bearer sk-test"


def test_streaming_completion(openai_settings, stub):
    model = make_backend(openai_settings).model.chat_model
    pieces = [chunk.content for chunk in model.stream("Hello?")]
    assert "".join(pieces) == REPLY
    assert len([piece for piece in pieces if piece]) > 3
    assert stub.requests[0]["stream"] is True


def test_assistant_answers_through_the_endpoint(openai_settings, stub):
    assistant = Assistant(openai_settings, retriever=FakeRetriever(three_sources()))
    parts = list(assistant.stream("What is the deadline for a deal on Kosovo?"))
    answer = parts[-1]
    assert answer.text == REPLY and answer.citations[0].article_id == "kosovo"
    assert "".join(parts[:-1]) == REPLY
    system, user = stub.requests[0]["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert '<source n="1">' in user["content"]


def test_a_local_server_needs_no_key(settings, stub):
    local = settings.with_overrides(llm="openai", openai_base_url=stub.url)
    assert make_backend(local).model.chat_model.invoke("Hi").content == REPLY
    assert stub.headers[0]["authorization"] == "Bearer not-needed"


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def _chunks(model: str, text: str) -> Iterator[dict[str, Any]]:
    words = text.split(" ")
    deltas = [{"role": "assistant", "content": ""}]
    deltas += [{"content": word if i == 0 else " " + word} for i, word in enumerate(words)]
    for i, delta in enumerate([*deltas, {}]):
        yield {
            "id": "chatcmpl-stub",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [
                {"index": 0, "delta": delta, "finish_reason": "stop" if i == len(deltas) else None}
            ],
        }


def test_an_unreachable_endpoint_is_a_clear_error(settings):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
    down = settings.with_overrides(llm="openai", openai_base_url=url)
    assistant = Assistant(down, retriever=FakeRetriever(three_sources()))
    with pytest.raises(
        BackendUnavailable,
        match=r"The answering model failed: \w*ConnectionError: Connection error\. Check",
    ):
        assistant.ask("What is the deadline for a deal on Kosovo?")
