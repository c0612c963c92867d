"""The answering chain: condense -> analyse -> retrieve -> ground -> gate -> backend -> verify
citations -> Answer.

The backend is any :class:`~assistant.backends.AnswerBackend`: the chain calls its ``answer``
(and its ``condenser`` model, if any, to rewrite a follow-up) and nothing else. The condense
policy lives here, once: a question that stands alone is kept as asked; a follow-up is
rewritten by the model, the rewrite cleaned and checked, and the rules used when it fails.
The question is analysed once (:mod:`assistant.question`) and the sources grounded once
(:mod:`assistant.grounding`); the gate, the backend and the verifier read both.
:meth:`AnswerChain.stream` runs the steps, times them, and yields verified text deltas, then
the final :class:`Answer`.
"""

from __future__ import annotations

import inspect
import re
import time
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from assistant.answer import Answer
from assistant.backends.base import AnswerBackend, History
from assistant.backends.condensing import (
    CONDENSE_TOKENS,
    acceptable,
    clean_question,
    condense_by_rules,
    leans_on_conversation,
)
from assistant.backends.prompting import condense_messages
from assistant.citations import CitationVerifier
from assistant.errors import BackendUnavailable, NewsdeskError
from assistant.evidence import assess_evidence
from assistant.grounding import Embedder, Grounding
from assistant.question import QuestionAnalysis, analyse
from assistant.text import SentenceStream, split_sentences

condense_heuristically = condense_by_rules  # the rules, under their older name

EMPTY_REPLY = "The answering model returned no text for this question; ask again or rephrase it."
"""The answer when the model generated nothing at all (not an error: the question is kept)."""
NOTHING_NEW = "The sources found add nothing to the previous answer."
"""The answer to a follow-up whose every sentence repeats the previous answer."""


class AnswerChain:
    """Answers one question from a retriever and an answering backend."""

    def __init__(
        self, retriever: Any, backend: AnswerBackend, *, k: int, embedder: Embedder | None = None
    ) -> None:
        self.retriever = retriever
        self.backend = backend
        self.k = k
        self.embedder = embedder

    def stream(
        self,
        question: str,
        history: History | None = None,
        filters: Any = None,
        as_of: datetime | None = None,
        analysis: QuestionAnalysis | None = None,
    ) -> Iterator[str | Answer]:
        """Yield verified text deltas as the answer is generated, then the :class:`Answer`.
        ``analysis``: ``question`` already analysed (used when it is not rewritten)."""
        history = list(history or ())
        timings: dict[str, float] = {}
        start = time.perf_counter()

        standalone = self.condense(question, history)
        timings["condense"] = time.perf_counter() - start

        mark = time.perf_counter()
        if analysis is None or analysis.text != standalone:
            analysis = analyse(standalone, as_of)
        # the time phrase is resolved once; a retriever that cannot take it parses it itself
        extra = {"constraint": analysis.time} if _takes_constraint(self.retriever) else {}
        sources = list(
            self.retriever.search(standalone, filters=filters, as_of=as_of, k=self.k, **extra)
        )
        timings["retrieve"] = time.perf_counter() - mark
        grounding = Grounding(sources, self.embedder)

        evidence = assess_evidence(analysis, grounding)
        if not evidence.answerable:
            # Weak evidence: not covered, for every backend, without calling the model.
            timings.update(generate=0.0, verify=0.0, total=time.perf_counter() - start)
            refusal = evidence.refusal(analysis.time)
            yield refusal
            yield Answer(refusal, [], sources, standalone, timings, covered=False)
            return

        verifier = CitationVerifier(grounding, question=standalone)
        sentences = SentenceStream()
        # only a follow-up leaves out what the last answer said; a new question is answered
        said = _sentence_keys(history[-1][1]) if history and standalone != question else set()
        repeated = 0
        generated = shown_any = False
        verify = 0.0

        def check(parts: Iterable[str]) -> str:
            nonlocal repeated, verify
            checked = time.perf_counter()
            shown = ""
            for sentence in parts:
                if said and _key(sentence) in said:
                    repeated += 1  # a follow-up never gets the previous answer again
                    continue
                shown += verifier.add(sentence)
            verify += time.perf_counter() - checked
            return shown

        mark = time.perf_counter()
        deltas = _guarded(self.backend.answer(analysis, grounding))
        try:
            for delta in deltas:
                if not delta:
                    continue
                generated = generated or bool(delta.strip())
                timings.setdefault("first_token", time.perf_counter() - start)
                shown = check(sentences.feed(delta))
                if shown:
                    shown_any = True
                    timings.setdefault("first_text", time.perf_counter() - start)
                    yield shown
                if verifier.stopped:
                    break
        finally:
            deltas.close()
        shown = check(sentences.flush())
        shown_any = shown_any or bool(shown)
        if not generated or (repeated and not shown_any):
            # Nothing at all, or only what the previous answer said: say so, plainly.
            text = EMPTY_REPLY if not generated else NOTHING_NEW
            timings.update(generate=time.perf_counter() - mark - verify, verify=verify)
            timings["total"] = time.perf_counter() - start
            yield text
            yield Answer(text, [], sources, standalone, timings, covered=False)
            return
        checked = time.perf_counter()
        shown += verifier.close()
        verify += time.perf_counter() - checked
        timings["generate"] = time.perf_counter() - mark - verify
        timings["verify"] = verify
        if shown:
            timings.setdefault("first_text", time.perf_counter() - start)
            yield shown
        timings["total"] = time.perf_counter() - start
        result = verifier.result()
        yield Answer(result.text, result.citations, sources, standalone, timings, result.covered)

    def condense(self, question: str, history: History) -> str:
        """A standalone version of a follow-up question; a question that stands alone (or has
        no conversation before it) is returned as asked."""
        if not history or not leans_on_conversation(question):
            return question
        model = self.backend.condenser
        if model is not None:
            messages = condense_messages(question, history)
            with _backend_errors():
                rewritten = clean_question("".join(model.generate(messages, CONDENSE_TOKENS)))
            if acceptable(rewritten, question, history):
                return rewritten
        return condense_by_rules(question, history)


def _takes_constraint(retriever: Any) -> bool:
    """Whether ``retriever.search`` accepts the resolved time ``constraint``."""
    try:
        parameters = inspect.signature(retriever.search).parameters
    except (TypeError, ValueError):
        return False
    return "constraint" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def _sentence_keys(text: str) -> set[str]:
    return {key for sentence in split_sentences(text) if (key := _key(sentence))}


def _key(sentence: str) -> str:
    """A sentence without citation marks, case and punctuation: what it says."""
    return " ".join(re.findall(r"[^\W\d_]+|\d+", re.sub(r"\[\d+\]", " ", sentence.lower())))


@contextmanager
def _backend_errors() -> Iterator[None]:
    """Turn a model failure (connection, HTTP status, llama.cpp) into BackendUnavailable."""
    try:
        yield
    except NewsdeskError:
        raise
    except Exception as error:
        detail = str(error).rstrip(". ") or "no details"
        raise BackendUnavailable(
            f"The answering model failed: {type(error).__name__}: {detail}. Check the --llm "
            "backend settings (NEWSDESK_LLM, NEWSDESK_OPENAI_BASE_URL, NEWSDESK_GGUF_PATH)."
        ) from error


def _guarded(items: Iterator[str]) -> Generator[str, None, None]:
    """The backend's stream with its failures turned into BackendUnavailable; closes it."""
    try:
        with _backend_errors():
            yield from items
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()
