"""The Newsdesk page: a Gradio app around an ``Assistant`` (no retrieval logic here).

:class:`NewsdeskPage` lays the page out (:meth:`~NewsdeskPage.build`) and answers its events
with one method each (the indexing controls' handlers live in ``indexing``, form parsing in
``forms``, rendering in ``render``/``panels``). Besides the page, the app exposes ``/chat`` for
scripts::

    Client(url).predict(message, history=None, since=None, until=None, outlets=None,
                        as_of=None, api_name="/chat")

``history`` is ``[[question, answer], ...]``; ``since``/``until`` are ``YYYY-MM-DD``;
``outlets`` a list of outlet names; ``as_of`` the reference date (``YYYY-MM-DD``) of words like
"this week" (None: today). It returns a dict: ``answer`` (text with ``[n]`` markers),
``citations`` (n, article_id, title, source, url, published, snippet), ``sources`` (every
article given to the model: n, article_id, title, source, url, published), ``covered``,
``question_used``, ``timings``, ``kind``, ``items``, ``note`` and ``error`` (None, or a message
saying what to do; then ``answer`` is None). ``article_id`` is opaque: a hash that names no
file or folder of the server. See :func:`assistant.webui.forms.chat_result`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import gradio as gr

from assistant.answer import Answer
from assistant.protocols import Answerer
from assistant.webui.conversation import (
    Turn,
    chat_history,
    chat_messages,
    finish_turn,
    sources_html,
    sources_placeholder,
)
from assistant.webui.forms import chat_result, example_text, make_as_of, make_filters
from assistant.webui.holder import AssistantHolder
from assistant.webui.indexing import IndexingEvents
from assistant.webui.library import UPLOAD_TYPES, Library
from assistant.webui.panels import demo_label, examples_for, index_panel, onboarding_html
from assistant.webui.render import explain
from assistant.webui.turnstile import Turnstile
from index import demo
from index.errors import BackendUnavailable
from index.inputs import decode_input
from index.settings import Settings

Clock = Callable[[], datetime]  # "now", for how fresh the index is

HEADER = (
    "<header class='nd-header'><div class='nd-logo'>N</div><div><h1>Newsdesk</h1>"
    "<p>Ask about the news you have indexed. Every answer cites its articles — and says so "
    "when they don't hold the answer.</p></div></header>"
)
PLACEHOLDER = (
    "**Ask a question about the indexed news.**\n\nFollow-up questions keep the context; "
    "use *New conversation* to start over."
)
_PRIVATE: dict[str, Any] = {"api_visibility": "private"}
_QUIET: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}
# Questions run as concurrent events (a waiting one says so) and take turns on the model in
# NewsdeskPage.turnstile; beyond CHAT_EVENTS at once, Gradio's queue shows the position.
CHAT_EVENTS = 16
WAIT_POLL = 0.5  # seconds between looks at a waiting question's place in line
_CHAT_QUEUE: dict[str, Any] = {"concurrency_id": "chat", "concurrency_limit": CHAT_EVENTS}
_INDEXER_QUEUE: dict[str, Any] = {"concurrency_id": "indexer", "concurrency_limit": 1, **_PRIVATE}


def build_app(
    assistant: Answerer | AssistantHolder | None,
    settings: Settings,
    *,
    library: Library | None = None,
    clock: Clock | None = None,
) -> gr.Blocks:
    """The Newsdesk app around ``assistant`` (anything with ``ask``/``stream``, or an
    ``AssistantHolder``; None builds the real ``Assistant`` from ``settings`` on first use)."""
    return NewsdeskPage(assistant, settings, library=library, clock=clock).build()


class NewsdeskPage(IndexingEvents):
    """The page's layout and its event handlers (one method per event; those of the indexing
    controls from :class:`~assistant.webui.indexing.IndexingEvents`).

    ``clock`` gives "now" for how fresh the index is (tests pin it; default the UTC time).
    """

    def __init__(
        self,
        assistant: Answerer | AssistantHolder | None,
        settings: Settings,
        *,
        library: Library | None = None,
        clock: Clock | None = None,
    ):
        self.backend = (
            assistant
            if isinstance(assistant, AssistantHolder)
            else AssistantHolder(assistant, settings)
        )
        self.settings = settings
        self.library = library or Library(settings)
        self.clock = clock or _utc_now
        self.turnstile = Turnstile()  # one answer at a time on the model

    # ---------------------------------------------------------------------------- layout

    def build(self) -> gr.Blocks:
        """Lay the page out and wire its events; returns the (not yet started) app."""
        with gr.Blocks(title="Newsdesk", fill_width=False) as app:
            self.turns = gr.State([])
            self._sidebar()
            gr.HTML(HEADER)
            self._onboarding()
            self._chat_column()
            self._wire(app)
            gr.api(self.chat, api_name="chat", **_CHAT_QUEUE)
        return app

    def _sidebar(self) -> None:
        with gr.Sidebar(open=True, width=330, elem_id="nd-sidebar"):
            gr.HTML(
                "<h3 class='nd-h'>Filters</h3><p class='nd-muted'>Applied to your next "
                "question.</p>"
            )
            with gr.Column(elem_id="nd-dates"):  # stacked: side by side they are clipped
                self.since = gr.DateTime(
                    label="From", include_time=False, type="string", elem_id="nd-since"
                )
                self.until = gr.DateTime(
                    label="To", include_time=False, type="string", elem_id="nd-until"
                )
            self.outlets = gr.Dropdown(
                label="Outlets",
                choices=[],
                multiselect=True,
                info="Empty means all outlets.",
                elem_id="nd-outlets",
            )
            self.as_of = gr.DateTime(
                label="Reference date",
                include_time=False,
                type="string",
                elem_id="nd-as-of",
            )
            gr.HTML(
                "<p class='nd-muted'>“This week”, “yesterday”… count from the reference date; "
                "empty means today.</p>"
            )
            gr.HTML("<h3 class='nd-h'>Index</h3>")
            self.status = gr.HTML(elem_id="nd-status")
            writes = self.settings.role != "reader"  # a reader replica never indexes
            self.update_button = gr.Button(
                "Update index", size="sm", elem_id="nd-update", visible=writes
            )
            with gr.Accordion("Add sources", open=False, elem_id="nd-add", visible=writes):
                gr.HTML(
                    "<p class='nd-muted'>Wire stories (.txt, .md), web pages (.html), "
                    "article records (.json, .jsonl, .jsonl.gz) or RSS/Atom feeds.</p>"
                )
                self.uploads = gr.File(
                    label="Upload articles",
                    file_count="multiple",
                    file_types=UPLOAD_TYPES,
                    elem_id="nd-upload",
                )
                self.location = gr.Textbox(
                    label="…or a folder on this server, or a feed URL",
                    placeholder="/data/news or https://example.com/rss.xml",
                    elem_id="nd-location",
                )
                self.add_button = gr.Button(
                    "Add to index", variant="primary", size="sm", elem_id="nd-add-button"
                )
            self.index_log = gr.HTML(elem_id="nd-index-log")

    def _onboarding(self) -> None:
        with gr.Column(visible=False, elem_id="nd-onboarding") as self.onboarding:
            gr.HTML(onboarding_html())
            with gr.Row():
                self.quick_button = gr.Button(
                    demo_label(demo.QUICK_SLICE, None),
                    variant="primary",
                    elem_id="nd-demo-quick",
                )
                self.all_button = gr.Button(
                    demo_label(None, None), variant="secondary", elem_id="nd-demo-all"
                )
            self.demo_log = gr.HTML(elem_id="nd-demo-log")

    def _chat_column(self) -> None:
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                self.chatbot = gr.Chatbot(
                    elem_id="nd-chat",
                    height=560,
                    show_label=False,
                    layout="bubble",
                    placeholder=PLACEHOLDER,
                    latex_delimiters=[],
                    sanitize_html=True,
                    render_markdown=True,
                    feedback_options=None,
                    buttons=["copy"],
                    allow_tags=False,
                )
                with gr.Row(elem_id="nd-ask-row"):
                    self.question = gr.Textbox(
                        show_label=False,
                        placeholder="Ask about the news…",
                        scale=6,
                        autofocus=True,
                        lines=1,
                        max_lines=4,
                        elem_id="nd-question",
                        container=False,
                    )
                    self.ask_button = gr.Button(
                        "Ask", variant="primary", scale=1, min_width=80, elem_id="nd-ask"
                    )
                self.new_button = gr.Button(
                    "New conversation", size="sm", variant="secondary", elem_id="nd-new"
                )
            with gr.Column(scale=2, min_width=320):
                self.sources_panel = gr.HTML(sources_placeholder(), elem_id="nd-sources")

    def _wire(self, app: gr.Blocks) -> None:
        refreshed = [self.status, self.outlets, self.chatbot, self.onboarding]
        app.load(self.refresh, None, refreshed, **_QUIET).then(
            self.demo_estimates, None, [self.quick_button, self.all_button], **_QUIET
        )

        asked = [self.question, self.turns, self.since, self.until, self.outlets, self.as_of]
        answered = [self.chatbot, self.turns, self.sources_panel, self.question]
        chat_queue: dict[str, Any] = {**_CHAT_QUEUE, **_PRIVATE}
        self.question.submit(self.respond, asked, answered, **chat_queue)
        self.ask_button.click(self.respond, asked, answered, **chat_queue)
        self.chatbot.example_select(example_text, None, self.question, **_PRIVATE).then(
            self.respond, asked, answered, **chat_queue
        )
        self.new_button.click(self.new_conversation, None, answered, **_PRIVATE)
        self.chatbot.clear(self.new_conversation, None, answered, **_PRIVATE)

        self.add_button.click(
            self.add_sources,
            [self.uploads, self.location],
            [self.index_log, self.uploads, self.location],
            **_INDEXER_QUEUE,
        ).then(self.refresh, None, refreshed, **_QUIET)
        self.update_button.click(self.update_index, None, self.index_log, **_INDEXER_QUEUE).then(
            self.refresh, None, refreshed, **_QUIET
        )
        for button, job in (
            (self.quick_button, self.index_quick),
            (self.all_button, self.index_all),
        ):
            # Progress shows in the panel that was clicked; the outcome stays in the sidebar.
            button.click(lambda: gr.update(interactive=False), None, button, **_QUIET).then(
                job, None, self.demo_log, **_INDEXER_QUEUE
            ).then(
                lambda log: (log, gr.update(interactive=True)),
                self.demo_log,
                [self.index_log, button],
                **_QUIET,
            ).then(self.refresh, None, refreshed, **_QUIET)

    # ---------------------------------------------------------------------------- events

    def refresh(self) -> tuple[Any, ...]:
        """Status, outlets, examples and onboarding from the index as it is now."""
        view = self.library.view()
        examples = self.examples(view)
        return (
            self.status_panel(view),
            gr.update(choices=view.outlets),
            gr.update(examples=[{"text": q, "display_text": q} for q in examples]),
            gr.update(visible=view.empty),
        )

    def examples(self, view: Any) -> list[str]:
        """The example questions ("What happened this week?" first when the news is dated)."""
        return examples_for(view)

    def status_panel(self, view: Any) -> str:
        """The index panel: its stats, how fresh its sources are, and who is indexing now."""
        return index_panel(view, self.settings, self.clock())

    def respond(
        self,
        message: str,
        state: list[Turn],
        since: str | None,
        until: str | None,
        outlets: list[str] | None,
        as_of: str | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream the answer to ``message`` into the chat, then show its sources. While other
        questions hold the model, the turn says it waits and how many are ahead."""
        message = decode_input(message or "").strip()  # a lone surrogate: never to JSON
        if not message:
            yield chat_messages(state), state, gr.update(), ""
            return
        state = [*state, {"question": message, "answer": "", "status": "waiting"}]
        turn = state[-1]
        ticket = self.turnstile.join()
        try:
            turn["ahead"] = self.turnstile.ahead(ticket)
            if turn["ahead"] == 0:
                turn["status"] = "streaming"
            yield chat_messages(state), state, gr.update(), ""
            while not self.turnstile.wait(ticket, WAIT_POLL):  # queued: say where
                ahead = self.turnstile.ahead(ticket)
                if ahead != turn["ahead"]:
                    turn["ahead"] = ahead
                    yield chat_messages(state), state, gr.update(), ""
            if turn["status"] == "waiting":
                turn["status"] = "streaming"
                yield chat_messages(state), state, gr.update(), ""
            yield from self._answer(state, since, until, outlets, as_of)
        finally:
            self.turnstile.leave(ticket)
        yield chat_messages(state), state, sources_html(state), ""

    def _answer(
        self,
        state: list[Turn],
        since: str | None,
        until: str | None,
        outlets: list[str] | None,
        as_of: str | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream the last turn's answer (its turn on the model has come)."""
        turn = state[-1]
        try:
            filters = make_filters(since, until, outlets)
            history = chat_history(state[:-1])
            for part in self.backend.get().stream(
                turn["question"], history=history, filters=filters, as_of=make_as_of(as_of)
            ):
                if isinstance(part, Answer):
                    finish_turn(turn, part, len(state))
                else:
                    turn["answer"] += str(part)
                    yield chat_messages(state), state, gr.update(), ""
            if turn["status"] == "streaming":
                raise BackendUnavailable("the assistant stopped without a final answer")
        except Exception as error:  # every failure becomes a message, never a traceback
            turn.update(status="error", answer=explain(error))

    def new_conversation(self) -> tuple[Any, ...]:
        """Empty chat, turns, sources panel and question box."""
        return [], [], sources_placeholder(), ""

    def chat(
        self,
        message: str,
        history: list[list[str]] | None = None,
        since: str | None = None,
        until: str | None = None,
        outlets: list[str] | None = None,
        as_of: str | None = None,
    ) -> dict:
        """Answer ``message`` from the indexed news; see the module docstring for the shape."""
        message = decode_input(message or "")
        try:
            filters = make_filters(since, until, outlets)
            reference = make_as_of(as_of)
            pairs = [(str(q), str(a)) for q, a in (history or [])]
            with self.turnstile.turn():
                answer = self.backend.get().ask(
                    message, history=pairs, filters=filters, as_of=reference
                )
        except Exception as error:
            return chat_result(None, question=message, error=error)
        return chat_result(answer)


def _utc_now() -> datetime:
    return datetime.now(UTC)
