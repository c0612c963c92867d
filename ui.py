"""Newsdesk's web chat: a Gradio page built around an ``Assistant`` (no retrieval logic here).

Run ``python ui.py`` (or ``newsdesk ui``) and open http://127.0.0.1:7860. The chat is also an API:
``gradio_client.Client(url).predict("question", api_name="/chat")`` returns the answer with its
sources (see :func:`build_app`). What the page shows is built in ``assistant/webui/``.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answer import Answer
from assistant.webui.conversation import (
    chat_history,
    chat_messages,
    finish_turn,
    sources_html,
    sources_placeholder,
)
from assistant.webui.holder import AssistantHolder
from assistant.webui.library import UPLOAD_TYPES, Library
from assistant.webui.panels import notice, onboarding_html, report_html, status_html
from assistant.webui.render import answer_to_dict, explain
from index import demo
from index.errors import BackendUnavailable, NewsdeskError, SourceRejected
from index.settings import Settings

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_PORT = 7860

# --------------------------------------------------------------------------------------------
# The page


def build_app(assistant: Any, settings: Settings, *, library: Library | None = None) -> gr.Blocks:
    """The Newsdesk page around ``assistant`` (anything with ``ask``/``stream``; None builds the
    real ``Assistant`` from ``settings`` on the first question).

    Besides the page, the app exposes ``/chat`` for scripts::

        Client(url).predict(message, history=None, since=None, until=None, outlets=None,
                            api_name="/chat")

    ``history`` is ``[[question, answer], ...]``; ``since``/``until`` are ``YYYY-MM-DD``;
    ``outlets`` a list of outlet names. It returns a dict: ``answer`` (text with ``[n]`` markers),
    ``citations`` (n, article_id, title, source, url, published, snippet), ``sources`` (every
    article given to the model: n, article_id, title, source, url, published), ``covered``,
    ``question_used``, ``timings`` and ``error`` (None, or a message saying what to do; then
    ``answer`` is None).
    """
    backend = (assistant if isinstance(assistant, AssistantHolder)
               else AssistantHolder(assistant, settings))
    library = library or Library(settings)

    with gr.Blocks(title="Newsdesk", fill_width=False) as app:
        turns = gr.State([])
        with gr.Sidebar(open=True, width=330, elem_id="nd-sidebar"):
            gr.HTML("<h3 class='nd-h'>Filters</h3><p class='nd-muted'>Applied to your next "
                    "question.</p>")
            with gr.Row():
                since = gr.DateTime(label="From", include_time=False, type="string",
                                    elem_id="nd-since")
                until = gr.DateTime(label="To", include_time=False, type="string",
                                    elem_id="nd-until")
            outlets = gr.Dropdown(label="Outlets", choices=[], multiselect=True,
                                  info="Empty means all outlets.", elem_id="nd-outlets")
            gr.HTML("<h3 class='nd-h'>Index</h3>")
            status = gr.HTML(elem_id="nd-status")
            update_button = gr.Button("Update index", size="sm", elem_id="nd-update")
            with gr.Accordion("Add sources", open=False, elem_id="nd-add"):
                gr.HTML("<p class='nd-muted'>Wire stories (.txt, .md), web pages (.html), "
                        "article records (.json, .jsonl, .jsonl.gz) or RSS/Atom feeds.</p>")
                uploads = gr.File(label="Upload articles", file_count="multiple",
                                  file_types=UPLOAD_TYPES, elem_id="nd-upload")
                location = gr.Textbox(label="…or a folder on this server, or a feed URL",
                                      placeholder="/data/news or https://example.com/rss.xml",
                                      elem_id="nd-location")
                add_button = gr.Button("Add to index", variant="primary", size="sm",
                                       elem_id="nd-add-button")
            index_log = gr.HTML(elem_id="nd-index-log")

        gr.HTML(_HEADER)
        with gr.Column(visible=False, elem_id="nd-onboarding") as onboarding:
            gr.HTML(onboarding_html())
            with gr.Row():
                quick_button = gr.Button(
                    f"Quick start: the {demo.QUICK_SLICE} most recent articles · "
                    f"{demo.describe_estimate(demo.QUICK_SLICE)}",
                    variant="primary", elem_id="nd-demo-quick")
                all_button = gr.Button(
                    f"All {demo.TOTAL_ARTICLES:,} articles · "
                    f"{demo.describe_estimate(demo.TOTAL_ARTICLES)}",
                    variant="secondary", elem_id="nd-demo-all")
            demo_log = gr.HTML(elem_id="nd-demo-log")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chatbot = gr.Chatbot(
                    elem_id="nd-chat", height=560, show_label=False, layout="bubble",
                    placeholder=_PLACEHOLDER, latex_delimiters=[], sanitize_html=True,
                    render_markdown=True, feedback_options=None, buttons=["copy"],
                    allow_tags=False,
                )
                with gr.Row(elem_id="nd-ask-row"):
                    question = gr.Textbox(
                        show_label=False, placeholder="Ask about the news…", scale=6,
                        autofocus=True, lines=1, max_lines=4, elem_id="nd-question",
                        container=False,
                    )
                    ask_button = gr.Button("Ask", variant="primary", scale=1, min_width=80,
                                           elem_id="nd-ask")
                new_button = gr.Button("New conversation", size="sm", variant="secondary",
                                       elem_id="nd-new")
            with gr.Column(scale=2, min_width=320):
                sources_panel = gr.HTML(sources_placeholder(), elem_id="nd-sources")

        def refresh() -> tuple[Any, ...]:
            """Status, outlets, examples and onboarding from the index as it is now."""
            view = library.view()
            return (
                status_html(view),
                gr.update(choices=view.outlets),
                gr.update(examples=[{"text": q, "display_text": q} for q in view.examples]),
                gr.update(visible=view.empty),
            )

        refresh_outputs = [status, outlets, chatbot, onboarding]
        app.load(refresh, None, refresh_outputs, api_visibility="private",
                 show_progress="hidden")

        def respond(message: str, state: list[dict], since_value: str | None,
                    until_value: str | None, outlet_values: list[str] | None
                    ) -> Iterator[tuple[Any, ...]]:
            message = (message or "").strip()
            if not message:
                yield chat_messages(state), state, gr.update(), ""
                return
            state = [*state, {"question": message, "answer": "", "status": "streaming"}]
            yield chat_messages(state), state, gr.update(), ""
            turn = state[-1]
            try:
                filters = make_filters(since_value, until_value, outlet_values)
                history = chat_history(state[:-1])
                for part in backend.get().stream(message, history=history, filters=filters):
                    if isinstance(part, Answer):
                        finish_turn(turn, part, len(state))
                    else:
                        turn["answer"] += str(part)
                        yield chat_messages(state), state, gr.update(), ""
                if turn["status"] == "streaming":
                    raise BackendUnavailable("the assistant stopped without a final answer")
            except Exception as error:  # every failure becomes a message, never a traceback
                turn.update(status="error", answer=explain(error))
            yield chat_messages(state), state, sources_html(state), ""

        chat_inputs = [question, turns, since, until, outlets]
        chat_outputs = [chatbot, turns, sources_panel, question]
        chat_options = {"concurrency_id": "assistant", "concurrency_limit": 1,
                        "api_visibility": "private"}
        question.submit(respond, chat_inputs, chat_outputs, **chat_options)
        ask_button.click(respond, chat_inputs, chat_outputs, **chat_options)
        chatbot.example_select(_example_text, None, question, api_visibility="private").then(
            respond, chat_inputs, chat_outputs, **chat_options)

        def new_conversation() -> tuple[Any, ...]:
            return [], [], sources_placeholder(), ""

        new_button.click(new_conversation, None, [chatbot, turns, sources_panel, question],
                         api_visibility="private")
        chatbot.clear(new_conversation, None, [chatbot, turns, sources_panel, question],
                      api_visibility="private")

        def run_indexing(job: Callable[[Callable[[int, int, str], None]], Any],
                         progress: gr.Progress) -> str:
            def report(done: int, total: int, stage: str) -> None:
                progress((done, total or None), desc=stage)

            try:
                result = job(report)
            except Exception as error:
                return notice(explain(error), "error")
            backend.refresh()
            return report_html(result)

        # One tracker per job, made here (Gradio spots progress by the default's type).
        add_progress, update_progress, quick_progress, all_progress = (
            gr.Progress(), gr.Progress(), gr.Progress(), gr.Progress())

        def add_sources(files: list[str] | None, where: str | None,
                        progress: gr.Progress = add_progress) -> tuple[str, Any, str]:
            try:
                sources = library.stage_uploads(files or []) + ([where.strip()]
                                                                if where and where.strip() else [])
            except SourceRejected as error:
                return notice(explain(error), "error"), gr.update(), ""
            if not sources:
                return notice("Choose files to upload, or give a folder path or a feed URL.",
                               "error"), gr.update(), where or ""
            return run_indexing(lambda report: library.add(sources, report), progress), None, ""

        def update_index(progress: gr.Progress = update_progress) -> str:
            return run_indexing(library.update, progress)

        def index_quick(progress: gr.Progress = quick_progress) -> str:
            return run_indexing(lambda report: library.index_demo(demo.QUICK_SLICE, report),
                                progress)

        def index_all(progress: gr.Progress = all_progress) -> str:
            return run_indexing(lambda report: library.index_demo(None, report), progress)

        index_options = {"concurrency_id": "indexer", "concurrency_limit": 1,
                         "api_visibility": "private"}
        add_button.click(add_sources, [uploads, location], [index_log, uploads, location],
                         **index_options).then(refresh, None, refresh_outputs,
                                               api_visibility="private", show_progress="hidden")
        update_button.click(update_index, None, index_log, **index_options).then(
            refresh, None, refresh_outputs, api_visibility="private", show_progress="hidden")
        for button, job in ((quick_button, index_quick), (all_button, index_all)):
            # Progress shows in the panel that was clicked; the outcome stays in the sidebar.
            button.click(lambda: gr.update(interactive=False), None, button,
                         api_visibility="private", show_progress="hidden").then(
                job, None, demo_log, **index_options).then(
                lambda log: (log, gr.update(interactive=True)), demo_log, [index_log, button],
                api_visibility="private", show_progress="hidden").then(
                refresh, None, refresh_outputs, api_visibility="private", show_progress="hidden")

        def chat(message: str, history: list[list[str]] | None = None,
                 since: str | None = None, until: str | None = None,
                 outlets: list[str] | None = None) -> dict:
            """Answer ``message`` from the indexed news; see build_app's docstring for the shape."""
            try:
                filters = make_filters(since, until, outlets)
                pairs = [(str(q), str(a)) for q, a in (history or [])]
                answer = backend.get().ask(message, history=pairs, filters=filters)
            except Exception as error:
                return {"answer": None, "citations": [], "sources": [], "covered": False,
                        "question_used": message, "timings": {}, "error": explain(error)}
            return answer_to_dict(answer)

        gr.api(chat, api_name="chat", concurrency_id="assistant", concurrency_limit=1)
    return app


# --------------------------------------------------------------------------------------------
# Starting the server


def launch(settings: Settings, *, host: str = "127.0.0.1", port: int | None = None,
           auth: tuple[str, str] | None = None, allow_open: bool = False,
           assistant: Any = None) -> None:
    """Serve the page until interrupted. A non-local ``host`` needs ``auth`` or ``allow_open``."""
    holder = AssistantHolder(assistant, settings)
    app = build_app(holder, settings)
    url = start(app, host=host, port=port, auth=auth, allow_open=allow_open,
                max_file_size=settings.max_file_bytes)
    if assistant is None:
        threading.Thread(target=holder.warm_up, daemon=True).start()
    print(f"Newsdesk is running at {url}  (Ctrl+C to stop)", flush=True)
    try:
        app.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        app.close()


def start(app: gr.Blocks, *, host: str = "127.0.0.1", port: int | None = None,
          auth: tuple[str, str] | None = None, allow_open: bool = False,
          quiet: bool = False, max_file_size: int | None = None) -> str:
    """Start ``app`` in the background and return its URL (tests and :func:`launch` use this)."""
    message = access_message(host, auth, allow_open)
    if not quiet:
        print(message, flush=True)
    app.queue(default_concurrency_limit=1)
    app.launch(
        server_name=host, server_port=port or DEFAULT_PORT, auth=auth,
        prevent_thread_lock=True, quiet=True, show_error=False, css=_css(), theme=_theme(),
        footer_links=["api"], ssr_mode=False, inbrowser=False, max_file_size=max_file_size,
    )
    return app.local_url or f"http://{host}:{port or DEFAULT_PORT}/"


def access_message(host: str, auth: tuple[str, str] | None, allow_open: bool) -> str:
    """Who can reach the server; raises when a public bind has neither auth nor allow_open."""
    if host in LOCAL_HOSTS:
        return f"Listening on {host} only (this machine)." + (" Login required." if auth else "")
    if auth:
        return (f"Listening on {host}: reachable from the network; login required "
                f"(user {auth[0]!r}).")
    if allow_open:
        return (f"WARNING: listening on {host} with NO authentication (--allow-open): anyone who "
                "can reach this machine can read the index and add sources.")
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


# --------------------------------------------------------------------------------------------
# Form values and page furniture


def make_filters(since: str | None, until: str | None, outlets: Sequence[str] | None) -> Any:
    """``Filters`` from the form (None when nothing is filtered)."""
    from assistant.filters import Filters

    filters = Filters.parse(_day(since), _day(until), tuple(outlets or ()))
    return None if filters.is_empty else filters


def _day(value: str | float | None) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).date().isoformat()
    text = str(value).strip()
    match = re.match(r"\d{4}-\d{2}-\d{2}", text)
    return match.group(0) if match else text


def _example_text(event: gr.SelectData) -> str:
    value = event.value
    return value.get("text", "") if isinstance(value, dict) else str(value)


def _css() -> str:
    """The page's styles (``assistant/webui/style.css``, shipped as package data)."""
    return resources.files("assistant.webui").joinpath("style.css").read_text(encoding="utf-8")


def _theme() -> gr.themes.Base:
    # System fonts only: the page must not fetch anything from the internet.
    sans = [gr.themes.Font(name) for name in ("system-ui", "Segoe UI", "Helvetica", "sans-serif")]
    mono = [gr.themes.Font(name) for name in ("ui-monospace", "Menlo", "monospace")]
    return gr.themes.Soft(primary_hue="indigo", neutral_hue="slate", font=sans, font_mono=mono)


_HEADER = (
    "<header class='nd-header'><div class='nd-logo'>N</div><div><h1>Newsdesk</h1>"
    "<p>Ask about the news you have indexed. Every answer cites its articles — and says so "
    "when they don't hold the answer.</p></div></header>"
)
_PLACEHOLDER = (
    "**Ask a question about the indexed news.**\n\nFollow-up questions keep the context; "
    "use *New conversation* to start over."
)


# --------------------------------------------------------------------------------------------
# python ui.py


def main(argv: Sequence[str] | None = None) -> None:
    """``python ui.py [--host H] [--port P] [--auth user:password] [--allow-open] [--home DIR]``."""
    parser = argparse.ArgumentParser(prog="ui.py", description="Newsdesk web chat.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--auth", default=None,
                        help="user:password required to open the page (env NEWSDESK_UI_AUTH)")
    parser.add_argument("--allow-open", action="store_true",
                        help="accept binding a non-local host without authentication")
    parser.add_argument("--home", type=Path, default=None, help="index folder (NEWSDESK_HOME)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings().with_overrides(home=args.home, ui_auth=args.auth)
        launch(settings, host=args.host, port=args.port, auth=parse_auth(settings.ui_auth),
               allow_open=args.allow_open)
    except NewsdeskError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
