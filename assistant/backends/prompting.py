"""What a backend sends its model: the prompt styles and the source views they show.

- ``FULL``: a system message and every source (best chunks, trimmed to the context window);
  for capable models (the openai backend, a GGUF given with ``--gguf``).
- ``READER``: for small instruction-tuned models: the sentences that best match the question
  from the top sources (~1,400 characters), each source with its title, outlet and date.
- ``COMPLETION``: the same compact view as plain text ending in "Answer:", for base models
  without a chat template (Gemma 3 270M).

Prompt length sets a small CPU model's time to first token: the compact styles keep it short.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistant.answer import Source
from assistant.backends.base import History
from assistant.backends.condensing import HISTORY_TURNS
from assistant.extractive import select_sentences
from assistant.prompts import NOT_COVERED, render

Message = dict[str, str]
"""One chat message: ``{"role": "system" | "user" | "assistant", "content": ...}``."""

PROMPT_OVERHEAD_TOKENS = 400
"""Room kept in the context window for the instructions, the question and the headers."""
CHARS_PER_TOKEN = 3.5


@dataclass(frozen=True)
class PromptStyle:
    """How a backend shows the question and its sources to the model.

    ``system``/``user`` name templates in ``prompts/`` (no system message when ``system`` is
    None); ``sources`` caps the sources shown; ``chars`` set: the best-matching sentences within
    that many characters, else every source's text trimmed to ``text_chars`` in all.
    """

    name: str
    user: str
    system: str | None = None
    sources: int | None = None
    chars: int | None = None
    text_chars: int = 12_000

    def messages(self, question: str, sources: Sequence[Source]) -> list[Message]:
        """The chat messages for ``question`` over ``sources``."""
        variables = {
            "question": question,
            "sources": self.views(question, sources),
            "not_covered": NOT_COVERED,
        }
        messages = [{"role": "user", "content": render(self.user, **variables)}]
        if self.system is not None:
            system = render(self.system, not_covered=NOT_COVERED)
            messages.insert(0, {"role": "system", "content": system})
        return messages

    def views(self, question: str, sources: Sequence[Source]) -> list[dict[str, Any]]:
        """What the prompt shows of each source: number, title, outlet, date, text."""
        shown = list(sources[: self.sources] if self.sources else sources)
        if self.chars is not None:
            texts = select_sentences(question, shown, self.chars)
        else:
            share = self.text_chars // max(len(shown), 1)
            texts = {source.n: _trim(source.text, share) for source in shown}
        return [
            {
                "n": source.n,
                "title": source.title,
                "outlet": source.source or "unknown",
                "date": source.published.date().isoformat() if source.published else "unknown",
                "day": long_date(source),
                "text": texts[source.n],
            }
            for source in shown
            if source.n in texts
        ]

    def for_context(self, context_tokens: int, answer_tokens: int) -> PromptStyle:
        """This style with its text budget fitted to a context window."""
        text_tokens = max(context_tokens - answer_tokens - PROMPT_OVERHEAD_TOKENS, 256)
        return PromptStyle(
            self.name,
            self.user,
            self.system,
            self.sources,
            self.chars,
            int(text_tokens * CHARS_PER_TOKEN),
        )


FULL = PromptStyle("full", user="answer", system="answer_system")
READER = PromptStyle("reader", user="reader", system="reader_system", sources=3, chars=1400)
COMPLETION = PromptStyle("completion", user="answer_compact", sources=3, chars=1200)


def condense_messages(question: str, history: History) -> list[Message]:
    """The one user message asking a model to rewrite a follow-up as a standalone question."""
    turns = list(history)[-HISTORY_TURNS:]
    return [{"role": "user", "content": render("condense", question=question, history=turns)}]


def long_date(source: Source | Any) -> str:
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
