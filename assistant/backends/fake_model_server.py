"""A stand-in for the model's child process, for tests: no model, the same wire protocol.

Serves ``/v1/models`` and streamed ``/v1/chat/completions`` on the inherited socket, exactly
as :mod:`assistant.backends.model_server` is started. Its reply echoes the last user message
word by word; a message containing ``CRASH`` makes the process die (``os._exit``) after the
first word, as a native crash in llama.cpp would.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

from assistant.backends.model_server import exit_with_parent


def main(argv: list[str]) -> None:
    """Serve the fake API on the inherited socket until stopped."""
    exit_with_parent()
    key = json.loads(os.environ["NEWSDESK_MODEL_SERVER_CONFIG"])["api_key"]
    app = FastAPI()

    def authorised(request: Request) -> bool:
        return request.headers.get("authorization") == f"Bearer {key}"

    @app.get("/v1/models")
    def models(request: Request) -> Any:
        if not authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        return {"object": "list", "data": [{"id": "fake", "object": "model", "owned_by": "me"}]}

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        if not authorised(request):
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        body = await request.json()
        text = body["messages"][-1]["content"]
        return StreamingResponse(_events(text), media_type="text/event-stream")

    uvicorn.run(app, fd=int(argv[0]), log_level="warning", access_log=False)


def _events(text: str) -> Iterator[str]:
    for index, word in enumerate(text.split()):
        if index == 1 and "CRASH" in text:
            os._exit(1)
        yield "data: " + json.dumps(_chunk(word + " ")) + "\n\n"
    yield "data: [DONE]\n\n"


def _chunk(content: str) -> dict[str, Any]:
    return {
        "id": "fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }


if __name__ == "__main__":
    main(sys.argv[1:])
