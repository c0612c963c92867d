"""Scripted stand-ins for tests and demos: a model that replies from a script and records
what it was sent, and a reader around it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from assistant.backends.base import Message
from assistant.backends.prompting import FULL, PromptStyle
from assistant.backends.reader import Reader


class ScriptedModel:
    """A :class:`~assistant.backends.base.ChatModel` that streams ``replies`` in turn, word by
    word. ``sent`` holds every prompt; a reply that is an exception is raised instead (a
    failing model); ``""`` is an empty generation."""

    def __init__(self, replies: Iterable[str | BaseException]) -> None:
        self.replies = list(replies)
        self.sent: list[list[Message]] = []
        self.max_tokens: list[int] = []
        self.closed = False

    def generate(self, messages: list[Message], max_tokens: int) -> Iterator[str]:
        """The next reply of the script."""
        self.sent.append(messages)
        self.max_tokens.append(max_tokens)
        if not self.replies:
            raise AssertionError("ScriptedModel: no reply left in the script")
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        words = reply.split(" ")
        for i, word in enumerate(words):
            if word or i:
                yield word if i == 0 else " " + word

    def close(self) -> None:
        """Marks the model closed."""
        self.closed = True


class ScriptedBackend(Reader):
    """A :class:`Reader` around a :class:`ScriptedModel` (``sent``, ``replies``, ``closed``
    are the model's). ``condenses=False``: follow-ups use the rules, no reply is spent."""

    def __init__(
        self,
        replies: Iterable[str | BaseException],
        *,
        style: PromptStyle = FULL,
        name: str = "scripted",
        condenses: bool = True,
    ) -> None:
        self.script = ScriptedModel(replies)
        super().__init__(self.script, style, name=name, condenses=condenses)

    @property
    def sent(self) -> list[list[Message]]:
        """Every prompt sent, answers and rewrites alike."""
        return self.script.sent

    @property
    def replies(self) -> list[str | BaseException]:
        """The replies left."""
        return self.script.replies

    @property
    def closed(self) -> bool:
        """True once closed."""
        return self.script.closed
