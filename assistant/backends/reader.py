"""A reader: a chat model that answers through a prompt style (the ``local`` and ``openai``
backends, and the scripted fake, are readers around different models)."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.backends.base import ChatModel, Message
from assistant.backends.prompting import PromptStyle
from assistant.grounding import Grounding
from assistant.question import QuestionAnalysis


class Reader:
    """Answers with ``model`` over the view ``style`` builds; ``condenses``: the model also
    rewrites follow-ups (an instruction-tuned model), else the chain's rules do."""

    def __init__(
        self,
        model: ChatModel,
        style: PromptStyle,
        *,
        max_tokens: int = 160,
        name: str = "reader",
        condenses: bool = True,
    ) -> None:
        self.model = model
        self.style = style
        self.max_tokens = max_tokens
        self.name = name
        self.condenses = condenses
        self.last_prompt = ""  # what the last answer was sent (for evaluation)
        self.last_reply: str | None = None  # what the model replied to it

    @property
    def condenser(self) -> ChatModel | None:
        """The model, when it rewrites follow-ups."""
        return self.model if self.condenses else None

    def messages(self, analysis: QuestionAnalysis, grounding: Grounding) -> list[Message]:
        """The prompt for ``analysis`` over ``grounding``."""
        return self.style.messages(analysis, grounding)

    def answer(self, analysis: QuestionAnalysis, grounding: Grounding) -> Iterator[str]:
        """The model's answer, streamed."""
        messages = self.messages(analysis, grounding)
        self.last_prompt = "\n\n".join(message["content"] for message in messages).rstrip()
        self.last_reply = ""
        for piece in self.model.generate(messages, self.max_tokens):
            self.last_reply += piece
            yield piece

    def close(self) -> None:
        """Free the model (when it holds anything)."""
        close = getattr(self.model, "close", None)
        if callable(close):
            close()
