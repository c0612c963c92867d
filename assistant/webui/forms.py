"""The page's form values and its ``/chat`` result: filters from the sidebar, the example
clicked, and an answer (or an error) in the shape the module docstring of ``page`` documents."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import gradio as gr

from assistant.answer import Answer
from assistant.webui.render import answer_to_dict, explain


def chat_result(
    answer: Answer | None, *, question: str = "", error: BaseException | None = None
) -> dict[str, Any]:
    """The ``/chat`` result: ``answer`` serialized, or (``answer`` None) the same shape with
    ``error`` explained in one line and ``answer`` None."""
    result = answer_to_dict(answer or Answer("", [], [], question, covered=False))
    if answer is None:
        result.update(answer=None, error=explain(error) if error else "No answer.")
    return result


def make_filters(since: str | None, until: str | None, outlets: Sequence[str] | None) -> Any:
    """``Filters`` from the form (None when nothing is filtered)."""
    from assistant.filters import Filters

    filters = Filters.parse(_day(since), _day(until), tuple(outlets or ()))
    return None if filters.is_empty else filters


def make_as_of(value: str | float | None) -> datetime | None:
    """The reference date from the form or ``/chat`` (None: today), as noon UTC of that day."""
    from index.errors import InvalidQuestion

    day = _day(value)
    if day is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(day), time(12), UTC)
    except ValueError:
        raise InvalidQuestion(
            f"The reference date {day!r} is not a date: use YYYY-MM-DD, or leave it empty "
            "for today."
        ) from None


def example_text(event: gr.SelectData) -> str:
    """The question of the example the user clicked."""
    value = event.value
    return value.get("text", "") if isinstance(value, dict) else str(value)


def _day(value: str | float | None) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC).date().isoformat()
    text = str(value).strip()
    match = re.match(r"\d{4}-\d{2}-\d{2}", text)
    return match.group(0) if match else text
