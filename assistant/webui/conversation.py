"""The conversation as the page keeps it: one dict per turn in a ``gr.State`` list, shown as
chat messages and as the sources panel.

A turn holds ``question``, ``answer`` (text so far) and ``status`` (``streaming``, ``done`` or
``error``, or ``waiting`` with ``ahead`` while it waits for the model); :func:`finish_turn` adds
the rendered answer and its source cards when it is done. A briefing, timeline or comparison is
rendered as its dated list (``assistant.webui.briefing``), with the same cards.
"""

from __future__ import annotations

import html
from typing import Any

from assistant.answer import Answer, Citation
from assistant.webui.briefing import render_items
from assistant.webui.render import (
    claims_citing,
    queued_notice,
    render_answer,
    safe_markdown,
    shorten,
    source_card,
)

# question, answer, status; when done also number, rendered, cards, consulted, covered
Turn = dict[str, Any]


def finish_turn(turn: Turn, answer: Answer, number: int) -> None:
    """Mark ``turn`` done with ``answer``: its Markdown, cited cards and consulted cards."""
    by_n: dict[int, Citation] = {}
    for citation in answer.citations:
        by_n.setdefault(citation.n, citation)
    cited = [s for s in answer.sources if s.n in by_n]
    consulted = [s for s in answer.sources if s.n not in by_n]
    turn.update(
        status="done",
        answer=answer.text,
        number=number,
        rendered=render_items(answer, number) or render_answer(answer.text, answer.sources, number),
        cards="".join(
            source_card(s, by_n[s.n], number, claims_citing(answer.text, s.n)) for s in cited
        ),
        consulted="".join(source_card(s, None, number) for s in consulted),
        covered=answer.covered,
    )


def chat_messages(state: list[Turn]) -> list[dict[str, str]]:
    """The turns as ``gr.Chatbot`` messages (a streaming answer ends in a cursor)."""
    messages = []
    for turn in state:
        messages.append({"role": "user", "content": safe_markdown(turn["question"])})
        if turn["status"] == "done":
            content = turn["rendered"]
        elif turn["status"] == "error":
            content = "⚠️ " + safe_markdown(turn["answer"])
        elif turn["status"] == "waiting":
            content = f"*{queued_notice(turn.get('ahead'))}*"
        elif turn["answer"]:
            content = safe_markdown(turn["answer"]) + " ▍"
        else:
            content = "*Searching the indexed news…*"
        messages.append({"role": "assistant", "content": content})
    return messages


def chat_history(state: list[Turn]) -> list[tuple[str, str]]:
    """(question, answer) of the answered turns: the history sent with a follow-up."""
    return [(t["question"], t["answer"]) for t in state if t["status"] == "done"]


def sources_html(state: list[Turn]) -> str:
    """The sources panel: the latest answer's cards, earlier answers' cards folded away."""
    answered = [t for t in state if t["status"] == "done"]
    if not answered:
        return sources_placeholder(len(state))
    latest, earlier = answered[-1], answered[-2::-1]
    parts = [
        f"<div class='nd-sources' data-nd-turns='{len(state)}'><h3 class='nd-h'>Sources</h3>",
        _turn_sources(latest),
    ]
    for turn in earlier:
        parts.append(
            f"<details class='nd-earlier'><summary>Earlier: "
            f"{html.escape(shorten(turn['question'], 60))}</summary>"
            f"{_turn_sources(turn)}</details>"
        )
    parts.append("</div>")
    return "".join(parts)


def sources_placeholder(turns: int = 0) -> str:
    """The sources panel before the first answer. ``data-nd-turns`` (on every form of the
    panel) counts the turns it was made for: the page script sees an answer arrive by it."""
    return (
        f"<div class='nd-sources nd-empty' data-nd-turns='{turns}'><h3 class='nd-h'>Sources"
        "</h3><p class='nd-muted'>"
        "Each answer cites the articles it used. They appear here as numbered cards; click a "
        "marker like [1] in the answer to jump to its card.</p></div>"
    )


def _turn_sources(turn: Turn) -> str:
    body = turn["cards"]
    if not body:
        body = (
            "<p class='nd-muted'>No indexed article supports an answer to this question.</p>"
            if not turn.get("covered", True) or not turn["consulted"]
            else ""
        )
    if turn["consulted"]:
        body += (
            "<details class='nd-consulted'><summary>Also consulted</summary>"
            f"{turn['consulted']}</details>"
        )
    return body
