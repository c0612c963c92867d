"""The web page under hostile input (issue 22): the login covers every route that changes
state, a lone surrogate in ``/chat`` is decoded, refused uploads leave nothing behind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from assistant.webui import page, server
from assistant.webui.library import Library
from index.errors import WriterBusy
from index.fakes import FakeEmbedder
from index.settings import Settings
from tests.test_ui import FakeAssistant, FakeLibrary, free_port

HOLD_LOCK = """
import sys
from index.settings import Settings
from index.writing import writer
with writer(Settings(home=sys.argv[1]), "index build"):
    print("held", flush=True)
    sys.stdin.read()
"""
CANCEL = {"session_hash": "s", "fn_index": 0, "event_id": "e"}


@pytest.mark.parametrize(
    "method, path, body",
    [
        ("POST", "/gradio_api/cancel", CANCEL),
        ("POST", "/gradio_api/reset", {"event_id": "e"}),
        ("POST", "/gradio_api/queue/join", {}),
        ("GET", "/gradio_api/heartbeat/s", None),
    ],
)
def test_state_changing_routes_need_the_login(
    method: str, path: str, body: dict[str, str] | None, settings: Settings
) -> None:
    app = page.build_app(FakeAssistant(), settings, library=FakeLibrary())
    url = server.start(app, port=free_port(), auth=("ann", "s3cret"), quiet=True).rstrip("/")
    try:
        with httpx.Client(base_url=url, timeout=10) as anonymous:
            refused = anonymous.request(method, path, json=body)
            assert refused.status_code == 401, refused.text
        with httpx.Client(base_url=url, timeout=10) as ann:
            login = ann.post("/login", data={"username": "ann", "password": "s3cret"})
            assert login.status_code == 200
            if method == "POST" and path != "/gradio_api/queue/join":
                assert ann.request(method, path, json=body).status_code == 200
    finally:
        app.close()


def test_without_a_login_the_routes_stay_open(settings: Settings) -> None:
    app = page.build_app(FakeAssistant(), settings, library=FakeLibrary())
    url = server.start(app, port=free_port(), quiet=True).rstrip("/")
    try:
        assert httpx.post(f"{url}/gradio_api/cancel", json=CANCEL, timeout=10).status_code == 200
    finally:
        app.close()


def test_chat_with_a_lone_surrogate_is_decoded(settings: Settings) -> None:
    assistant = FakeAssistant()
    app = page.build_app(assistant, settings, library=FakeLibrary())
    url = server.start(app, port=free_port(), quiet=True).rstrip("/")
    question = "What did the EU decide \ud800 on sanctions?"
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            body = json.dumps({"data": [question, None, None, None, None, None]})  # ASCII: \ud800
            posted = client.post(
                "/gradio_api/call/chat", content=body, headers={"Content-Type": "application/json"}
            )
            event = posted.json()["event_id"]
            stream = client.get(f"/gradio_api/call/chat/{event}").text
    finally:
        app.close()
    assert "event: complete" in stream, stream
    data = json.loads(stream.split("event: complete", 1)[1].split("data:", 1)[1].strip())
    assert data[0]["error"] is None and "[1]" in data[0]["answer"]
    assert assistant.calls[-1].question == "What did the EU decide \ufffd on sanctions?"


def test_uploads_refused_while_another_process_indexes_are_removed(
    settings: Settings, tmp_path: Path
) -> None:
    upload = tmp_path / "gradio" / "story.txt"
    upload.parent.mkdir()
    upload.write_text("Trams\n\nLISBON (Reuters) - The tram fare is 3.10 euros.")
    library = Library(settings, embedder=FakeEmbedder(), uploaded_from=[tmp_path / "gradio"])
    staged = library.stage_uploads([str(upload)])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(settings.home)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(WriterBusy):
            library.add(staged, lambda done, total, stage: None)
    finally:
        holder.communicate("", timeout=30)
    assert list(settings.uploads_path.iterdir()) == []


def test_an_upload_rejected_as_a_whole_is_removed(settings: Settings, tmp_path: Path) -> None:
    upload = tmp_path / "gradio" / "empty.txt"
    upload.parent.mkdir()
    upload.write_text("   ")
    library = Library(settings, embedder=FakeEmbedder(), uploaded_from=[tmp_path / "gradio"])
    report = library.add(library.stage_uploads([str(upload)]), lambda done, total, stage: None)
    assert [r.reason for r in report.rejected] == ["empty file"]
    assert list(settings.uploads_path.iterdir()) == []
