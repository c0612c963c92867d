"""Briefings, timelines and comparisons as page content: a dated list whose ``[n]`` link to the
source cards (``render.card_id``). Every text from an article is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime

from assistant.answer import Answer, BriefItem
from assistant.public_ids import public_id
from assistant.webui.render import card_id

__all__ = ["KIND_TITLES", "briefing_example", "render_items"]

KIND_TITLES = {"briefing": "Briefing", "timeline": "Timeline", "compare": "How outlets reported it"}
EXAMPLE = "What happened this week?"


def render_items(answer: Answer, turn: int) -> str:
    """The answer's items as an HTML list (date, line, linked ``[n]``); "" for a fact answer."""
    if answer.kind == "fact" or not answer.items:
        return ""
    title = html.escape(KIND_TITLES.get(answer.kind, answer.kind.title()))
    rows = "".join(_item(item, turn) for item in answer.items)
    footer = _footer(answer)
    note = f"<p class='nd-brief-note'>{html.escape(answer.note)}</p>" if answer.note else ""
    return (
        f"<section class='nd-brief nd-brief-{html.escape(answer.kind, quote=True)}'>"
        f"<h3 class='nd-brief-title'>{title}</h3>{note}<ol class='nd-brief-list'>{rows}</ol>"
        f"{footer}</section>"
    )


def briefing_example(last_published: datetime | None) -> str | None:
    """The example question "What happened this week?" when the index holds dated news (an
    index whose news ended long ago answers with its last week, saying so), else None."""
    return EXAMPLE if last_published is not None else None


def _item(item: BriefItem, turn: int) -> str:
    date = item.date.date().isoformat() if item.date else "undated"
    links = "".join(
        f"<a class='nd-cite' href='#{card_id(turn, n)}'>[{n}]</a>" for n in item.citations
    )
    return (
        f"<li class='nd-brief-item' data-story='{public_id(item.story_id)}'>"
        f"<time class='nd-brief-date'>{html.escape(date)}</time> "
        f"<span class='nd-brief-text'>{html.escape(item.text)}</span> {links}</li>"
    )


def _footer(answer: Answer) -> str:
    lines: Sequence[str] = answer.text.splitlines()
    last = lines[-1] if lines else ""
    if last.startswith("... and "):
        return f"<p class='nd-brief-more'>{html.escape(last)}</p>"
    return ""
