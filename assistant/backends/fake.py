"""A scripted backend for tests and demos: replies from a script, records what it was sent."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from assistant.answer import Source
from assistant.backends.base import History
from assistant.backends.condensing import acceptable, clean_question, condense_by_rules
from assistant.backends.prompting import FULL, Message, PromptStyle, condense_messages


class ScriptedBackend:
    """Answers (and condenses) with ``replies`` in turn, streamed word by word.

    ``sent`` holds every prompt (the messages its :class:`PromptStyle` builds, as a real
    backend would send them); ``condensed`` the (question, history) of each rewrite asked.
    A reply that is an exception is raised instead (a failing backend); ``""`` is an empty
    generation. ``condenses=False``: follow-ups use the rules, no reply is spent on them.
    """

    def __init__(
        self,
        replies: Iterable[str | BaseException],
        *,
        style: PromptStyle = FULL,
        name: str = "scripted",
        condenses: bool = True,
    ) -> None:
        self.name = name
        self.style = style
        self.condenses = condenses
        self.replies = list(replies)
        self.sent: list[list[Message]] = []
        self.condensed: list[tuple[str, list[tuple[str, str]]]] = []
        self.closed = False

    def stream(self, question: str, sources: Sequence[Source]) -> Iterator[str]:
        """The next reply to the prompt for ``question`` over ``sources``."""
        yield from self._reply(self.style.messages(question, sources))

    def condense(self, question: str, history: History) -> str:
        """The next reply as the standalone question (rules when unusable or not condensing)."""
        if not history or not self.condenses:
            return condense_by_rules(question, history)
        self.condensed.append((question, list(history)))
        rewritten = clean_question("".join(self._reply(condense_messages(question, history))))
        if acceptable(rewritten, question, history):
            return rewritten
        return condense_by_rules(question, history)

    def close(self) -> None:
        """Marks the backend closed."""
        self.closed = True

    def _reply(self, messages: list[Message]) -> Iterator[str]:
        self.sent.append(messages)
        if not self.replies:
            raise AssertionError("ScriptedBackend: no reply left in the script")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        words = reply.split(" ")
        for i, word in enumerate(words):
            if word or i:
                yield word if i == 0 else " " + word
