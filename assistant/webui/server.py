"""Serving the page: who may reach it, its theme and styles, and starting Gradio."""

from __future__ import annotations

import threading
from importlib import resources
from typing import TYPE_CHECKING

import gradio as gr
from starlette.middleware import Middleware

from assistant.webui.guard import LoginGuard
from assistant.webui.holder import AssistantHolder
from assistant.webui.page import build_app
from index.errors import NewsdeskError
from index.settings import Settings

if TYPE_CHECKING:
    from assistant.protocols import Answerer

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_PORT = 7860


def launch(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    auth: tuple[str, str] | None = None,
    allow_open: bool = False,
    assistant: Answerer | None = None,
) -> None:
    """Serve the page until interrupted. A non-local ``host`` needs ``auth`` or ``allow_open``."""
    holder = AssistantHolder(assistant, settings)
    app = build_app(holder, settings)
    url = start(
        app,
        host=host,
        port=port,
        auth=auth,
        allow_open=allow_open,
        max_file_size=settings.ui_max_upload_bytes,
    )
    if assistant is None:
        threading.Thread(target=holder.warm_up, daemon=True).start()
    print(f"Newsdesk is running at {url}  (Ctrl+C to stop)", flush=True)
    try:
        app.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        app.close()


def start(
    app: gr.Blocks,
    *,
    host: str = "127.0.0.1",
    port: int | None = None,
    auth: tuple[str, str] | None = None,
    allow_open: bool = False,
    quiet: bool = False,
    max_file_size: int | None = None,
) -> str:
    """Start ``app`` in the background and return its URL (tests and :func:`launch` use this)."""
    message = access_message(host, auth, allow_open)
    if not quiet:
        print(message, flush=True)
    app.queue(default_concurrency_limit=1)
    app.launch(
        server_name=host,
        server_port=port or DEFAULT_PORT,
        auth=auth,
        prevent_thread_lock=True,
        quiet=True,
        show_error=False,
        css=css(),
        js=page_js(),
        theme=theme(),
        footer_links=["api"],
        ssr_mode=False,
        inbrowser=False,
        max_file_size=max_file_size,
        app_kwargs={"middleware": [Middleware(LoginGuard)]},  # login on every state change
    )
    return app.local_url or f"http://{host}:{port or DEFAULT_PORT}/"


def access_message(host: str, auth: tuple[str, str] | None, allow_open: bool) -> str:
    """Who can reach the server; raises when a public bind has neither auth nor allow_open."""
    if host in LOCAL_HOSTS:
        return f"Listening on {host} only (this machine)." + (" Login required." if auth else "")
    if auth:
        return (
            f"Listening on {host}: reachable from the network; login required (user {auth[0]!r})."
        )
    if allow_open:
        return (
            f"WARNING: listening on {host} with NO authentication (--allow-open): anyone who "
            "can reach this machine can read the index and add sources."
        )
    raise NewsdeskError(
        f"Refusing to listen on {host} without authentication. Set NEWSDESK_UI_AUTH=user:password "
        "(or --auth user:password), or pass --allow-open to accept an open server."
    )


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``"user:password"`` -> ``("user", "password")``; None or "" -> None."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise NewsdeskError("Authentication must look like user:password (both non-empty).")
    return user, password


def css() -> str:
    """The page's styles (``assistant/webui/style.css``, shipped as package data)."""
    return resources.files("assistant.webui").joinpath("style.css").read_text(encoding="utf-8")


def page_js() -> str:
    """The page's script (``assistant/webui/page.js``): phone layout, lost questions."""
    return resources.files("assistant.webui").joinpath("page.js").read_text(encoding="utf-8")


def theme() -> gr.themes.Base:
    """System fonts only: the page must not fetch anything from the internet."""
    sans = [gr.themes.Font(name) for name in ("system-ui", "Segoe UI", "Helvetica", "sans-serif")]
    mono = [gr.themes.Font(name) for name in ("ui-monospace", "Menlo", "monospace")]
    return gr.themes.Soft(primary_hue="indigo", neutral_hue="slate", font=sans, font_mono=mono)
