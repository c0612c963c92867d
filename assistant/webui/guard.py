"""The login covers every route that changes state, not only those Gradio checks itself.

Gradio checks the login on its queue, upload, file and config routes, but answers
``POST /gradio_api/cancel``, ``/gradio_api/reset`` and the session heartbeat to anyone.
``LoginGuard`` (ASGI middleware, given to Gradio's FastAPI app at launch) refuses with 401 every
request that is not a plain read (GET, HEAD, OPTIONS), and the heartbeat, unless it carries the
cookie of a logged-in user; the login form itself stays open. Without a login it does nothing.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

READS = frozenset({"GET", "HEAD", "OPTIONS"})
OPEN = frozenset({"/login", "/gradio_api/login"})  # where the login itself is posted
WATCHED_READS = ("/gradio_api/heartbeat/",)  # a GET that opens and keeps session state


class LoginGuard:
    """ASGI middleware: see the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _needs_login(scope) and not _logged_in(scope):
            refused = JSONResponse({"detail": "Not authenticated"}, status_code=401)
            await refused(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _needs_login(scope: Scope) -> bool:
    gradio = scope.get("app")
    if not getattr(gradio, "auth", None):
        return False
    path = str(scope.get("path", "")).rstrip("/") or "/"
    if path in OPEN:
        return False
    return scope.get("method") not in READS or path.startswith(WATCHED_READS)


def _logged_in(scope: Scope) -> bool:
    gradio: Any = scope.get("app")
    cookies = Request(scope).cookies
    cookie_id = getattr(gradio, "cookie_id", "")
    token = cookies.get(f"access-token-{cookie_id}") or cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )
    return bool(token) and getattr(gradio, "tokens", {}).get(token) is not None
