"""Check an answer's ``[n]`` citations against the sources: drop, re-attribute or add them.

A sentence is *supported* by a source when most of its content words occur in the source
(every number must), or, failing that, when enough of them do and its embedding is close to
one of the source's sentences; and only by a source naming what the question names (each
name's last word, :attr:`~assistant.question.QuestionAnalysis.name_heads`). A short answer
("Toronto."), or the question restated around one, is checked together with the question.
Unsupported sentences are removed: what the reader sees is grounded in the articles. Works on
a whole answer (:func:`verify_citations`) or sentence by sentence while the model streams
(:class:`CitationVerifier`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from assistant.answer import Citation, Source
from assistant.claims import (
    END_MARK,
    FRAGMENT_WORDS,
    has_end,
    is_complete,
    is_negated,
    is_not_covered,
)
from assistant.grounding import Embedder, GroundedSource, Grounding
from assistant.prompts import NOT_COVERED
from assistant.question import analyse
from assistant.text import content_stems, split_sentences, strip_markers, words

SUPPORT_LEXICAL = 0.6
"""Share of a sentence's content words found in one window of a source (two adjacent
sentences with the title, outlet and date) that makes the source support it."""
MAYBE_LEXICAL = 0.3
"""Below this share a source does not support the sentence, whatever the embeddings say."""
SUPPORT_EMBEDDING = 0.7
"""Cosine similarity to the closest source sentence that, with MAYBE_LEXICAL, means support."""
MAX_SNIPPET_SENTENCES = 3


@dataclass(frozen=True)
class Verified:
    """A checked answer: its text with consistent ``[n]``, the citations, and whether covered."""

    text: str
    citations: list[Citation]
    covered: bool


def verify_citations(
    answer_text: str,
    sources: Sequence[Source] | Grounding,
    embedder: Embedder | None = None,
    question: str = "",
) -> tuple[str, list[Citation], bool]:
    """Check every sentence of ``answer_text`` against ``sources``.

    Returns ``(clean_text, citations, covered)``. Citation numbers in ``clean_text`` are the
    numbers of the sources that support each sentence, so ``[n]``, ``Citation.n`` and
    ``Source.n`` (the card the reader sees) always name the same article; citations are in
    order of first use. Unsupported or contradicted sentences are removed (or cut back to
    their supported head clause); a last fragment cut off mid-sentence is dropped. Short
    fragments ("Serbia.") are checked together with ``question``, so a source merely naming
    the one word is not support. When no sentence is supported, or the answer starts with
    the not-covered sentence, the text is :data:`~assistant.prompts.NOT_COVERED`, there are
    no citations and ``covered`` is False.
    """
    verifier = CitationVerifier(sources, embedder, question)
    for sentence in split_sentences(answer_text):
        verifier.add(sentence)
        if verifier.stopped:
            break
    verifier.close()
    result = verifier.result()
    return result.text, result.citations, result.covered


class CitationVerifier:
    """Verifies an answer one sentence at a time, so verified text can be streamed.

    ``add`` and ``close`` return the text to show next (possibly ""); concatenated, the
    returned pieces equal ``result().text``.
    """

    def __init__(
        self,
        sources: Sequence[Source] | Grounding,
        embedder: Embedder | None = None,
        question: str = "",
    ) -> None:
        self._grounding = Grounding.of(sources, embedder)
        self._sources = self._grounding.by_n
        self._question = question
        self._question_stems = content_stems(question)
        self._analysis = analyse(question) if question else None
        names = self._analysis.name_heads if self._analysis else frozenset()
        # only a source naming what the question names can support an answer
        self._naming = {n for n, source in self._sources.items() if names <= source.stems}
        self._shown: list[str] = []
        self._pending: list[str] = []  # sentences without content words, shown with the next
        self._seen: set[str] = set()
        self._used: dict[int, None] = {}  # source numbers cited, in order of first use
        self._snippets: dict[int, list[str]] = {}
        self._fragment: str | None = None  # a sentence without an end: final, or not?
        self._closed = False
        self.stopped = False
        """True once the model said the sources do not hold the answer: stop generating."""

    def add(self, sentence: str) -> str:
        """Check one sentence; return the text to show for it ("" when it is held or dropped).

        A sentence without sentence-ending punctuation, or with a quote left open, is held:
        more text after it means it was complete; at :meth:`close` it is the end of a cut-off
        answer and is shown only when it reads as complete (:func:`is_complete`).
        """
        shown = ""
        if self._fragment is not None:
            held, self._fragment = self._fragment, None
            shown = self._check(held)
        if self.stopped:
            return shown
        if not has_end(strip_markers(sentence)[1]):
            self._fragment = sentence
            return shown
        return shown + self._check(sentence)

    def _check(self, sentence: str) -> str:
        cited, text = strip_markers(sentence)
        if text and not END_MARK.search(text):
            text += "."
        key = " ".join(words(text))
        if not key or key in self._seen or self.stopped:
            return ""
        self._seen.add(key)
        if not content_stems(text):
            self._pending.append(text)
            return ""
        # A sentence that is wrong only in a trailing clause ("..., a town of 10,000 people")
        # keeps its supported head.
        for claim in _heads(text):
            chosen = self._attribute_claim(claim, cited)
            if chosen:
                markers = "".join(f"[{self._number(n)}]" for n in chosen)
                return self._show([*self._pending, _with_markers(claim, markers)])
        if not self._shown and is_not_covered(text):
            self.stopped = True
        return ""

    def _attribute_claim(self, text: str, cited: list[int]) -> list[int]:
        stems = content_stems(text)
        if len(stems) < FRAGMENT_WORDS and self._question_stems:
            return self._attribute_answer(text, stems, cited)  # "December 10."
        # Each clause must be supported too: a supported sentence with an invented clause
        # ("..., the capital of Kosovo") is not; its head may be (see _heads).
        clauses = [c for c in map(content_stems, _CLAUSE.split(text)) if len(c) >= 2]
        clauses = clauses if len(clauses) > 1 else []
        chosen = self._attribute(text, stems, cited, clauses=clauses)
        if not chosen and 0 < len(stems - self._question_stems) < FRAGMENT_WORDS:
            chosen = self._attribute_answer(text, stems, cited)  # "The crime took place in X."
        return chosen

    def _attribute_answer(self, text: str, stems: set[str], cited: list[int]) -> list[int]:
        """Sources supporting a short answer, or the question restated around one: checked
        together with the question. What the answer adds to the question's words (the
        asked-for item, when it names one) must be in the window, with most of the rest."""
        added = stems - self._question_stems
        required = (self._asked_items(text) & added) or added or stems
        claim = f"{self._question} {text}"
        return self._attribute(claim, stems | self._question_stems, cited, required=required)

    def close(self) -> str:
        """Finish the answer; return the last text to show (the not-covered reply if needed)."""
        if self._closed:
            return ""
        self._closed = True
        shown = ""
        if self._fragment is not None:
            held, self._fragment = self._fragment, None
            if is_complete(strip_markers(held)[1]) or self._is_bare_answer(held):
                shown = self._check(held)
        if not self._shown:
            return self._show([NOT_COVERED])
        return shown + self._show(self._pending)

    def _is_bare_answer(self, held: str) -> bool:
        """The whole answer is a few words without an end mark ("Toronto", "Spirit Airlines
        [2]"): the model stopped there (no token limit cuts an answer this short)."""
        return not self._seen and len(content_stems(strip_markers(held)[1])) < FRAGMENT_WORDS

    def result(self) -> Verified:
        """The verified answer (call after :meth:`close`)."""
        if not self._used:
            return Verified(NOT_COVERED, [], False)
        citations = []
        for source_n in self._used:
            source = self._sources[source_n].source
            # The snippet is sentences of this very source: a card never mixes two articles.
            snippet = " … ".join(self._snippets[source_n][:MAX_SNIPPET_SENTENCES])
            citations.append(replace(Citation.of(source, snippet), n=source_n))
        return Verified(" ".join(self._shown), citations, True)

    # -- attribution -----------------------------------------------------------------------

    def _attribute(
        self,
        text: str,
        stems: set[str],
        cited: list[int],
        required: AbstractSet[str] = frozenset(),
        clauses: Sequence[set[str]] = (),
    ) -> list[int]:
        """Sources that support the sentence: its own valid citations, else the best one."""
        supported: list[tuple[float, int]] = []
        for n, source in self._sources.items():
            if n not in self._naming:
                continue  # a story that does not name "Kosovo" says nothing of Kosovo
            if any(len(c & source.stems) < SUPPORT_LEXICAL * len(c) for c in clauses):
                continue
            score = self._support(text, stems, source, required)
            if score is not None:
                supported.append((score, n))
        if not supported:
            return []
        supporting = {n for _, n in supported}
        chosen = [n for n in dict.fromkeys(cited) if n in supporting]
        if not chosen:
            chosen = [max(supported, key=lambda item: (item[0], -item[1]))[1]]
        for n in chosen:
            snippet = self._sources[n].best_sentence(stems)
            if snippet not in self._snippets.setdefault(n, []):
                self._snippets[n].append(snippet)
        return chosen

    def _support(
        self, text: str, stems: set[str], source: GroundedSource, required: AbstractSet[str]
    ) -> float | None:
        """How well ``source`` supports the sentence, or None when it does not."""
        numbers = {stem for stem in stems if any(char.isdigit() for char in stem)}
        lexical = source.coverage(stems, numbers | required, is_negated(text))
        if lexical is None:
            return None
        if lexical >= SUPPORT_LEXICAL:
            return lexical
        if lexical < MAYBE_LEXICAL:
            return None
        held = self._holds_the_answer(text, stems, source)
        if held is not None:
            return held
        if self._grounding.embedder is None:
            return None
        similarity = self._similarity(text, source)
        return similarity if similarity >= SUPPORT_EMBEDDING else None

    def _asked_items(self, text: str) -> set[str]:
        """Stems of the items of the asked type that ``text`` names (none: untyped question)."""
        if self._analysis is None or self._analysis.answer_type is None:
            return set()
        return content_stems(" ".join(self._analysis.items(text)))

    def _holds_the_answer(self, text: str, stems: set[str], source: GroundedSource) -> float | None:
        """A sentence stating an item of the asked type (the name, number, date) is supported
        by a window holding that item with at least MAYBE_LEXICAL of its words: the answer
        on the page is never dropped for being worded differently."""
        items = self._asked_items(text)
        if not items:
            return None
        share = source.coverage(stems, items, is_negated(text))
        return share if share is not None and share >= MAYBE_LEXICAL else None

    def _similarity(self, text: str, source: GroundedSource) -> float:
        """Cosine similarity of ``text`` to the closest sentence of ``source``."""
        return max(self._grounding.similarities(text, source.quotable), default=0.0)

    def _number(self, source_n: int) -> int:
        self._used.setdefault(source_n, None)
        return source_n

    def _show(self, sentences: list[str]) -> str:
        if not sentences:
            return ""
        prefix = " " if self._shown else ""
        self._shown.extend(sentences)
        self._pending = []
        return prefix + " ".join(sentences)


def _heads(text: str) -> Iterator[str]:
    """The sentence, then shorter and shorter heads of it cut at clause boundaries."""
    yield text
    cuts = [match.start() for match in _CLAUSE.finditer(text)]
    for cut in reversed(cuts):
        head = text[:cut].rstrip(" ,;:—-")
        if len(content_stems(head)) >= FRAGMENT_WORDS:
            yield head + "."


_CLAUSE = re.compile(r"(?<!\d),\s+|;\s+|\s+[—–-]\s+|\s+(?:which|who|where|while|but)\s+")


def _with_markers(text: str, markers: str) -> str:
    match = re.match(r"^(.*?)([.!?]+[\"'”’)]*)$", text, re.DOTALL)
    if match:
        return f"{match.group(1)} {markers}{match.group(2)}"
    return f"{text} {markers}"


__all__ = [
    "CitationVerifier",
    "Verified",
    "verify_citations",
]
