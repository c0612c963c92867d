"""Serving the page: the options ``launch`` starts Gradio with."""

from __future__ import annotations

from typing import Any

from assistant.webui import server
from tests.test_ui import FakeAssistant


class _App:
    closed = False

    def block_thread(self) -> None:
        raise KeyboardInterrupt  # as Ctrl+C would

    def close(self) -> None:
        self.closed = True


def test_launch_limits_uploads_to_the_web_upload_limit(settings, monkeypatch) -> None:
    started: dict[str, Any] = {}
    app = _App()
    monkeypatch.setattr(server, "build_app", lambda holder, settings: app)
    monkeypatch.setattr(server, "start", lambda app, **options: started.update(options) or "u")
    small = settings.with_overrides(ui_max_upload_bytes=1234, max_file_bytes=99_999)

    server.launch(small, assistant=FakeAssistant())

    assert started["max_file_size"] == 1234  # not the indexer's max_file_bytes
    assert app.closed
