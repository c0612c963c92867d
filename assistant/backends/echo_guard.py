"""A reader whose answer must say more than the question did.

A small model often answers "Which country shut its airport after the drone strike?" with
"The country shut its airport after the drone strike [1]." That sentence names nothing the
question did not: it is no answer, and the citation verifier passes it (its words are all in
the source). The :class:`EchoGuardedReader` checks the model's first sentence as it streams;
when it adds no content word of its own, the answer is the extractive answerer's instead (the
source sentence holding an item of the asked type, cited; or not covered when none does).
Nothing more is asked of the model, so the guard costs no time.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.backends.reader import Reader
from assistant.claims import is_not_covered
from assistant.extractive import ExtractiveAnswerer
from assistant.grounding import Grounding
from assistant.question import QuestionAnalysis
from assistant.text import SentenceStream, content_stems, strip_markers


class EchoGuardedReader(Reader):
    """A :class:`Reader` that answers extractively when its model only repeats the question."""

    def answer(self, analysis: QuestionAnalysis, grounding: Grounding) -> Iterator[str]:
        """The model's answer, streamed; the extractive answer when its first sentence only
        repeats the question (see the module doc)."""
        stream = SentenceStream()
        pieces = super().answer(analysis, grounding)
        held = ""
        first = None
        for piece in pieces:
            held += piece
            first = next(iter(stream.feed(piece)), None)
            if first is not None:
                break
        else:
            first = next(iter(stream.flush()), None)
        if first is None or is_not_covered(first) or adds_something(first, analysis):
            yield held
            yield from pieces
            return
        for _ in pieces:
            pass  # the rest of the reply is not shown; let the model finish it
        yield ExtractiveAnswerer(grounding.embedder).answer(analysis, grounding)


def adds_something(sentence: str, analysis: QuestionAnalysis) -> bool:
    """Whether ``sentence`` holds a content word that the question does not."""
    return bool(set(content_stems(strip_markers(sentence)[1])) - analysis.stems)


__all__ = ["EchoGuardedReader", "adds_something"]
