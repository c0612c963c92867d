"""A reader whose answer must say more than the question did.

A small model often answers "Which country shut its airport after the drone strike?" with
"The country shut its airport after the drone strike [1]." That sentence names nothing the
question did not: it is no answer, and the citation verifier passes it (its words are all in
the source). The :class:`EchoGuardedReader` checks the model's first sentence as it streams;
when it adds no content word of its own, the answer is the extractive answerer's instead (the
source sentence holding an item of the asked type, cited; or not covered when none does).
Nothing more is asked of the model, so the guard costs no time. A yes-or-no question is left
alone ("The ECB raised rates [1]." answers "Did the ECB raise rates?"), and so is a sentence
without content words ("Yes [1].").
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.backends.reader import Reader
from assistant.claims import is_not_covered
from assistant.extractive import ExtractiveAnswerer
from assistant.grounding import Grounding
from assistant.prompts import NOT_COVERED
from assistant.question import QuestionAnalysis, asks_yes_or_no
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
        if first is None or is_not_covered(first) or not repeats_question(first, analysis):
            yield held
            yield from pieces
            return
        for _ in pieces:
            pass  # the rest of the reply is not shown; let the model finish it
        answer = ExtractiveAnswerer(grounding.embedder).answer(analysis, grounding)
        if answer == NOT_COVERED:  # the reader refused: the evaluation counts it as the model's
            self.last_reply = f"{self.last_reply}\n{answer}"
        yield answer


def repeats_question(sentence: str, analysis: QuestionAnalysis) -> bool:
    """Whether ``sentence`` only repeats a question that asks for something: it has content
    words, and the question holds every one of them."""
    stems = set(content_stems(strip_markers(sentence)[1]))
    return bool(stems) and stems <= analysis.stems and not asks_yes_or_no(analysis.text)


__all__ = ["EchoGuardedReader", "repeats_question"]
