"""What a backend sends its model: the prompt styles and the source views they show.

- ``FULL``: a system message and every source (best chunks, trimmed to the context window);
  for capable models (the openai backend, a GGUF given with ``--gguf``).
- ``READER``: for small instruction-tuned models: the sentences most likely to hold the answer
  from the top sources (:mod:`assistant.view`), each source with its title, outlet and date.
- ``COMPLETION``: the same compact view as plain text ending in "Answer:", for base models
  without a chat template (Gemma 3 270M).

Prompt length sets a small CPU model's time to first token: the compact styles keep it short.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from assistant.backends.base import History, Message
from assistant.backends.condensing import HISTORY_TURNS
from assistant.grounding import Grounding
from assistant.prompts import NOT_COVERED, render
from assistant.question import QuestionAnalysis, analyse
from assistant.view import DEFAULT_SELECTOR, VIEW_CHARS, VIEW_SOURCES, Selector, select_view


class Dated(Protocol):
    """A source or a citation: anything with a publication time."""

    @property
    def published(self) -> datetime | None: ...


PROMPT_OVERHEAD_TOKENS = 400
"""Room kept in the context window for the instructions, the question and the headers."""
CHARS_PER_TOKEN = 3.5


@dataclass(frozen=True)
class PromptStyle:
    """How a backend shows the question and its sources to the model.

    ``system``/``user`` name templates in ``prompts/`` (no system message when ``system`` is
    None); ``sources`` caps the sources shown; ``chars`` set: the sentences ``selector`` picks
    within that many characters (:func:`~assistant.view.select_view`), else every source's
    text trimmed to ``text_chars`` in all. ``example``: a template holding a worked example
    (a user turn and the reply we want), sent before the question. ``chat``: sent as chat
    messages through the model's template; False: one plain text that the model continues
    after "Answer:" (a base model has no chat template).
    """

    name: str
    user: str
    system: str | None = None
    sources: int | None = None
    chars: int | None = None
    text_chars: int = 12_000
    selector: Selector = DEFAULT_SELECTOR
    example: str | None = None
    chat: bool = True

    def messages(self, question: QuestionAnalysis | str, grounding: Grounding) -> list[Message]:
        """The chat messages for ``question`` over ``grounding``."""
        analysis = analyse(question)
        variables = {
            "question": analysis.text,
            "sources": self.views(analysis, grounding),
            "not_covered": NOT_COVERED,
        }
        messages: list[Message] = []
        if self.system is not None:
            system = render(self.system, not_covered=NOT_COVERED)
            messages.append({"role": "system", "content": system})
        if self.example is not None:
            example = render(self.example, not_covered=NOT_COVERED)
            user, _, reply = example.partition("\n===\n")
            messages.append({"role": "user", "content": user.strip() + "\n"})
            messages.append({"role": "assistant", "content": reply.strip()})
        messages.append({"role": "user", "content": render(self.user, **variables)})
        return messages

    def views(
        self, question: QuestionAnalysis | str, grounding: Grounding
    ) -> list[dict[str, str | int]]:
        """What the prompt shows of each source: number, title, outlet, date, text."""
        shown = grounding.sources[: self.sources] if self.sources else grounding.sources
        if self.chars is not None:
            texts = select_view(analyse(question), grounding, self.chars, self.selector, len(shown))
        else:
            share = self.text_chars // max(len(shown), 1)
            texts = {g.n: _trim(g.source.text, share) for g in shown}
        return [
            {
                "n": g.n,
                "title": g.source.title,
                "outlet": g.source.source or "unknown",
                "date": g.source.published.date().isoformat() if g.source.published else "unknown",
                "day": long_date(g.source),
                "text": texts[g.n],
            }
            for g in shown
            if g.n in texts
        ]

    def for_context(self, context_tokens: int, answer_tokens: int) -> PromptStyle:
        """This style with its text budget fitted to a context window."""
        text_tokens = max(context_tokens - answer_tokens - PROMPT_OVERHEAD_TOKENS, 256)
        return replace(self, text_chars=int(text_tokens * CHARS_PER_TOKEN))


FULL = PromptStyle("full", user="answer", system="answer_system")
READER = PromptStyle(
    "reader", user="reader", system="reader_system", sources=VIEW_SOURCES, chars=VIEW_CHARS
)
READER_EXAMPLE = replace(READER, name="reader-example", example="reader_example")
"""READER after a worked example of our own (measured, not the default: the 0.5B model copied
the example's answer when its sources did not hold one; BENCHMARKS.md, issue 18)."""
COMPLETION = PromptStyle("completion", user="answer_compact", sources=3, chars=1200, chat=False)


def condense_messages(question: str, history: History) -> list[Message]:
    """The one user message asking a model to rewrite a follow-up as a standalone question."""
    turns = list(history)[-HISTORY_TURNS:]
    return [{"role": "user", "content": render("condense", question=question, history=turns)}]


def long_date(source: Dated) -> str:
    """``30 March 2017`` for a dated source or citation, ``undated`` otherwise."""
    published = source.published
    if published is None:
        return "undated"
    return f"{published.day} {published:%B %Y}"


def _trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit] + " …"
