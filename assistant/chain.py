"""The answering chain: condense -> retrieve -> prompt -> LLM -> verify citations -> Answer.

Built from LangChain runnables: ``condense_chain`` and ``answer_chain`` are
``prompt | llm | StrOutputParser()`` (or the extractive answerer). :meth:`AnswerChain.stream`
runs the steps, times them, and yields verified text deltas, then the final :class:`Answer`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answer import Answer, Source
from assistant.citations import CitationVerifier
from assistant.errors import BackendUnavailable, NewsdeskError
from assistant.evidence import assess_evidence
from assistant.extractive import ExtractiveAnswerer, select_sentences
from assistant.prompts import NOT_COVERED, render
from assistant.text import SentenceStream

History = Sequence[tuple[str, str]]

PROMPT_OVERHEAD_TOKENS = 400
"""Room kept in the context window for the instructions, the question and the headers."""
CHARS_PER_TOKEN = 3.5
HISTORY_TURNS = 3
"""Chat turns shown to the condenser (older ones rarely matter for a follow-up)."""
COMPACT_SOURCES = 3
"""Sources a small local model (``compact_prompt``) reads from; more only slow it down."""
COMPACT_CHARS = 1200
"""Article text in a compact prompt (~300 tokens): the sentences that best match the question.
Prompt length sets a small CPU model's time to first token."""


class AnswerChain:
    """Answers one question from a retriever and an LLM (a chat model or the extractive one)."""

    def __init__(
        self,
        retriever: Any,
        llm: BaseChatModel | ExtractiveAnswerer,
        *,
        k: int,
        context_tokens: int = 4096,
        answer_tokens: int = 160,
        embedder: Any = None,
    ) -> None:
        self.retriever = retriever
        self.llm = llm
        self.k = k
        self.embedder = embedder
        self.compact = bool(getattr(llm, "compact_prompt", False))
        text_tokens = max(context_tokens - answer_tokens - PROMPT_OVERHEAD_TOKENS, 256)
        self._text_chars = int(text_tokens * CHARS_PER_TOKEN)
        self.condense_chain = _condense_chain(llm)
        self.answer_chain = _answer_chain(llm, self._prompt_sources)

    def stream(
        self,
        question: str,
        history: History | None = None,
        filters: Any = None,
        as_of: datetime | None = None,
    ) -> Iterator[str | Answer]:
        """Yield verified text deltas as the answer is generated, then the :class:`Answer`."""
        timings: dict[str, float] = {}
        start = time.perf_counter()

        standalone = self.condense(question, history or ())
        timings["condense"] = time.perf_counter() - start

        mark = time.perf_counter()
        sources = list(self.retriever.search(standalone, filters=filters, as_of=as_of, k=self.k))
        timings["retrieve"] = time.perf_counter() - mark

        if not sources or not assess_evidence(standalone, sources).answerable:
            # Weak evidence: not covered, for every backend, without calling the model.
            timings.update(generate=0.0, verify=0.0, total=time.perf_counter() - start)
            yield NOT_COVERED
            yield Answer(NOT_COVERED, [], sources, standalone, timings, covered=False)
            return

        verifier = CitationVerifier(sources, self.embedder, standalone)
        sentences = SentenceStream()
        verify = 0.0
        mark = time.perf_counter()
        deltas = _guarded(self.answer_chain.stream({"question": standalone, "sources": sources}))
        try:
            for delta in deltas:
                if "first_token" not in timings:
                    timings["first_token"] = time.perf_counter() - start
                checked = time.perf_counter()
                shown = "".join(verifier.add(sentence) for sentence in sentences.feed(delta))
                verify += time.perf_counter() - checked
                if shown:
                    yield shown
                if verifier.stopped:
                    break
        finally:
            deltas.close()
        checked = time.perf_counter()
        shown = "".join(verifier.add(sentence) for sentence in sentences.flush())
        shown += verifier.close()
        verify += time.perf_counter() - checked
        if shown:
            yield shown
        timings["generate"] = time.perf_counter() - mark - verify
        timings["verify"] = verify
        timings["total"] = time.perf_counter() - start
        result = verifier.result()
        yield Answer(result.text, result.citations, sources, standalone, timings, result.covered)

    def condense(self, question: str, history: History) -> str:
        """A standalone version of a follow-up question (the question itself without history)."""
        if not history:
            return question
        if isinstance(self.llm, ExtractiveAnswerer) or self.compact:
            return condense_heuristically(question, history)
        with _backend_errors():
            rewritten = self.condense_chain.invoke({"question": question, "history": history})
        rewritten = _clean_question(rewritten)
        if not rewritten or len(rewritten) > max(300, 3 * len(question)):
            return condense_heuristically(question, history)
        return rewritten

    def _prompt_sources(self, question: str, sources: Sequence[Source]) -> list[dict[str, Any]]:
        """What the prompt shows of each source: number, title, outlet, date, text (trimmed)."""
        if self.compact:
            texts = select_sentences(question, sources[:COMPACT_SOURCES], COMPACT_CHARS)
        else:
            share = self._text_chars // max(len(sources), 1)
            texts = {source.n: _trim(source.text, share) for source in sources}
        return [
            {
                "n": source.n,
                "title": source.title,
                "outlet": source.source or "unknown",
                "date": source.published.date().isoformat() if source.published else "unknown",
                "text": texts[source.n],
            }
            for source in sources
            if source.n in texts
        ]


def answer_messages(
    question: str, sources: list[dict[str, Any]], compact: bool
) -> list[BaseMessage]:
    """The chat messages sent to the LLM for ``question`` over the prompt's source views."""
    variables = {"question": question, "sources": sources, "not_covered": NOT_COVERED}
    if compact:
        return [HumanMessage(render("answer_compact", **variables))]
    return [
        SystemMessage(render("answer_system", not_covered=NOT_COVERED)),
        HumanMessage(render("answer", **variables)),
    ]


def condense_heuristically(question: str, history: History) -> str:
    """Without an LLM: a follow-up leaning on the conversation gets the last question first."""
    words = re.findall(r"[a-z']+", question.lower())
    leans = (
        len(words) <= 4
        or bool(_DEICTIC & set(words))
        or question.lower().lstrip().startswith(("and ", "what about", "how about", "why", "so "))
    )
    if not leans:
        return question
    previous = history[-1][0].strip()
    return f"{previous} {question.strip()}"


_DEICTIC = {
    "it", "its", "they", "them", "their", "he", "him", "his", "she", "her", "that", "this",
    "those", "these", "there", "then", "also",
}  # fmt: skip


def _answer_chain(llm: Any, views: Any) -> Runnable:
    if isinstance(llm, ExtractiveAnswerer):
        return RunnableLambda(lambda inputs: llm.answer(inputs["question"], inputs["sources"]))
    compact = bool(getattr(llm, "compact_prompt", False))
    prompt = RunnableLambda(
        lambda inputs: answer_messages(
            inputs["question"], views(inputs["question"], inputs["sources"]), compact
        )
    )
    return prompt | llm | StrOutputParser()


def _condense_chain(llm: Any) -> Runnable | None:
    if isinstance(llm, ExtractiveAnswerer):
        return None
    prompt = RunnableLambda(
        lambda inputs: [
            HumanMessage(
                render(
                    "condense",
                    question=inputs["question"],
                    history=list(inputs["history"])[-HISTORY_TURNS:],
                )
            )
        ]
    )
    return prompt | llm | StrOutputParser()


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


def _guarded(items: Iterator[str]) -> Iterator[str]:
    """The model's stream with its failures turned into BackendUnavailable; closes it."""
    try:
        with _backend_errors():
            yield from items
    finally:
        close = getattr(items, "close", None)
        if close is not None:
            close()


def _clean_question(text: str) -> str:
    for line in text.strip().splitlines():
        line = re.sub(r"^(standalone question|question)\s*:\s*", "", line.strip(), flags=re.I)
        line = line.strip().strip("\"'“”*").strip()
        if line:
            return line
    return ""


def _trim(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > 0 else limit] + " …"
