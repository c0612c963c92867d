"""Answers as page content: answer text as safe Markdown with linked ``[n]`` markers, numbered
source cards with the cited passages highlighted, the ``/chat`` result, and errors as one line.

Everything that comes from articles or the model is escaped: the page shows no HTML, link or
image that an article or an answer brought in. Only a card's own http(s) source URL is a link;
a bare URL, domain or e-mail address in an answer stays text (the Chatbot's Markdown would
otherwise autolink "www.example.com" and "https://...").
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from assistant.answer import Answer, Citation, Source
from assistant.public_ids import public_id
from assistant.text import BRACKETED_CITATION as _MARKER
from index.errors import BackendUnavailable, IndexEmpty, NewsdeskError
from index.server_lost import ChromaLost

log = logging.getLogger("newsdesk.ui")

EMPTY_INDEX_MESSAGE = (
    "The index is empty, so there is nothing to answer from yet. Index the demo corpus "
    "(button above) or add your own sources in the sidebar, then ask again."
)

_SENTENCE_BREAK = re.compile(r"(?<=[.!?\]])\s+(?=[A-Z0-9\"“‘'(])|\s*\n\.\.\.\n\s*|\s(?:\.\.\.|…)\s")
_WORD = re.compile(r"\w{3,}")
_MD_SPECIAL = re.compile(r"[\\\[\]]")
# Autolinks need "www.", "scheme:" or "@" between word characters: a backslash before the dot,
# colon or at sign breaks every one of them and renders as the character itself.
_AUTOLINK_PUNCT = re.compile(r"(?<=[\w/])([.:@])(?=[\w/])")


def render_answer(text: str, sources: Sequence[Source], turn: int) -> str:
    """Answer text as safe Markdown with each ``[n]`` linked to its source card."""
    known = {source.n for source in sources}
    parts: list[str] = []
    position = 0
    for match in _MARKER.finditer(text):
        parts.append(safe_markdown(text[position : match.start()]))
        numbers = [int(x) for x in re.findall(r"\d+", match.group(0))]
        parts.append(
            "".join(f"[\\[{n}\\]](#{card_id(turn, n)})" if n in known else "" for n in numbers)
        )
        position = match.end()
    parts.append(safe_markdown(text[position:]))
    return "".join(parts)


def safe_markdown(text: str) -> str:
    """Untrusted text as Markdown that can hold no HTML, link or image: brackets are escaped,
    and so is each ``.``, ``:`` and ``@`` inside a word, which no autolink survives."""
    escaped = html.escape(text, quote=False)  # quotes are harmless outside attributes
    escaped = _MD_SPECIAL.sub(r"\\\g<0>", escaped)
    return _AUTOLINK_PUNCT.sub(r"\\\1", escaped)


def source_card(
    source: Source, citation: Citation | None, turn: int, claims: Sequence[str] = ()
) -> str:
    """One numbered card: title, outlet, date, link, and the supporting passage highlighted.

    ``claims`` are the answer's sentences citing this source; when the citation's snippet is
    long, only its sentences closest to them are highlighted.
    """
    title = html.escape(source.title or "Untitled")
    meta = " · ".join(
        html.escape(part)
        for part in (source.source or "Unknown outlet", date_label(source.published))
        if part
    )
    if source.also_in:
        meta += " · also in " + html.escape(", ".join(source.also_in))
    link = ""
    if source.url and source.url.lower().startswith(("http://", "https://")):
        link = (
            f"<a class='nd-link' href='{html.escape(source.url, quote=True)}' "
            "target='_blank' rel='noopener noreferrer nofollow'>Read the original ↗</a>"
        )
    passages = cited_passages(citation.snippet, claims) if citation else []
    excerpt_html = excerpt(card_text(source), passages)
    cited = " nd-cited" if citation else ""
    return (
        f"<article class='nd-card{cited}' id='{card_id(turn, source.n)}'>"
        f"<div class='nd-card-head'><span class='nd-num'>{source.n}</span>"
        f"<div><div class='nd-title'>{title}</div><div class='nd-meta'>{meta}</div></div>"
        f"</div><p class='nd-snippet'>{excerpt_html}</p>{link}</article>"
    )


def card_text(source: Source) -> str:
    """The source's chunks as one text, each sentence once: overlapping chunks repeat the
    sentences they share, which a card must not show twice. Chunks that do not touch are
    joined with " … "."""
    seen: set[str] = set()
    parts: list[str] = []
    for chunk in source.chunks:
        sentences = [s for s in _SENTENCE_BREAK.split(" ".join(chunk.body.split())) if s.strip()]
        fresh = [s for s in sentences if s not in seen]
        if not fresh:
            continue
        touches = len(fresh) < len(sentences) and sentences[0] in seen
        if parts:
            parts.append(" " if touches else " … ")
        parts.append(" ".join(fresh))
        seen.update(sentences)
    return "".join(parts)


def cited_passages(snippet: str, claims: Sequence[str]) -> list[str]:
    """For each claim, the sentence of ``snippet`` sharing most words with it (short: all)."""
    sentences = [part for part in _SENTENCE_BREAK.split(snippet or "") if part.strip()]
    if len(sentences) <= 1 or not claims:
        return [snippet] if snippet else []
    picked: list[str] = []
    for claim in claims:
        wanted = set(_WORD.findall(claim.lower()))
        best = max(sentences, key=lambda s: len(wanted & set(_WORD.findall(s.lower()))))
        if best not in picked:
            picked.append(best)
    return picked


def claims_citing(text: str, n: int) -> list[str]:
    """The sentences of an answer that cite source ``n``."""
    return [
        sentence
        for sentence in _SENTENCE_BREAK.split(text)
        if any(
            str(n) in re.findall(r"\d+", marker.group(0)) for marker in _MARKER.finditer(sentence)
        )
    ]


def excerpt(text: str, passages: Sequence[str], width: int = 220) -> str:
    """A window of ``text`` around the ``passages``, each one in <mark>; all of it escaped."""
    text = " ".join((text or "").split())
    wanted = [" ".join(p.split()) for p in passages if p and p.strip()]
    spans = sorted({(at, at + len(p)) for p in wanted if (at := text.find(p)) >= 0})
    if not spans:
        if wanted:  # the snippet is not verbatim in the chunks shown: show it on its own
            return f"<mark>{html.escape(shorten(' '.join(wanted), 2 * width))}</mark>"
        return html.escape(shorten(text, width))
    start = max(0, spans[0][0] - width // 3)
    end = min(len(text), max(spans[-1][1], spans[0][0] + width) + width // 3)
    parts, position = ["…" if start else ""], start
    for span_start, span_end in spans:
        if span_start < position or span_start >= end:
            continue
        parts += [
            html.escape(text[position:span_start]),
            f"<mark>{html.escape(text[span_start : min(span_end, end)])}</mark>",
        ]
        position = min(span_end, end)
    parts += [html.escape(text[position:end]), "…" if end < len(text) else ""]
    return "".join(parts)


def answer_to_dict(answer: Answer) -> dict[str, Any]:
    """The ``/chat`` result: ``Answer.to_dict()`` plus every source and ``error: None``; every
    ``article_id`` and ``story_id`` is opaque (:func:`~assistant.public_ids.public_id`)."""
    result = answer.to_dict()
    for citation in result["citations"]:
        citation["article_id"] = public_id(citation["article_id"])
    for item in result["items"]:
        item["story_id"] = public_id(item["story_id"])
    result["sources"] = [
        {
            "n": s.n,
            "article_id": public_id(s.article_id),
            "title": s.title,
            "source": s.source,
            "url": s.url,
            "published": s.published.isoformat() if s.published else None,
        }
        for s in answer.sources
    ]
    result["error"] = None
    return result


def queued_notice(ahead: int | None) -> str:
    """What a question waiting for the model shows: its place in the queue when known."""
    if ahead is None:
        return "Waiting for the model: other questions are being answered first…"
    if ahead <= 0:
        return "Waiting for the model: yours is next…"
    others = "question" if ahead == 1 else "questions"
    return f"Waiting for the model: {ahead} {others} ahead of yours…"


def explain(error: BaseException) -> str:
    """One line for the user; the traceback goes to the server log only."""
    if isinstance(error, IndexEmpty):
        return EMPTY_INDEX_MESSAGE
    if isinstance(error, ChromaLost):
        return str(error)
    if isinstance(error, BackendUnavailable):
        return f"The answering backend is unavailable: {error}"
    if isinstance(error, NewsdeskError):
        return str(error)
    log.exception("unexpected error in the web chat", exc_info=error)
    return (
        f"Something went wrong ({type(error).__name__}: {error}). "
        "The details are in the server log."
    )


def example_questions(titles: Sequence[tuple[str, str]], n: int = 4) -> list[str]:
    """Questions about recent stories (``(title, outlet)``, newest first), one per outlet
    where possible."""
    picked: list[str] = []
    seen_outlets: set[str] = set()
    for title, outlet in titles:
        topic = _topic(title)
        if not topic or outlet in seen_outlets:
            continue
        seen_outlets.add(outlet)
        picked.append(f"What happened: {topic}?")
        if len(picked) == n:
            break
    return picked


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (plus "…")."""
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def card_id(turn: int, n: int) -> str:
    """The HTML id of source ``n``'s card in answer ``turn`` (the target of its ``[n]`` links)."""
    return f"nd-t{turn}-s{n}"


def date_label(value: datetime | None) -> str:
    """``2 Jan 2025``; "" for no date."""
    return value.strftime("%-d %b %Y") if value else ""


def _topic(title: str) -> str:
    """The head of a headline, as the subject of a question ("" when unusable)."""
    if "\ufffd" in title:
        return ""
    topic = re.split(r"\s[-–—|:]\s|:\s|,\s", " ".join(title.split()), maxsplit=1)[0]
    topic = _balanced_quotes(topic.strip(" .?!"))
    words = topic.split()
    if len(words) < 3:
        return ""
    return " ".join(words[:12])


_OPENING_QUOTE = re.compile(r"(?<!\w)['\"‘“]")
_CLOSING_QUOTE = re.compile(r"['\"’”](?!\w)")


def _balanced_quotes(text: str) -> str:
    """``text`` with its quotes kept when they pair up ("Egypt 'one of the biggest prisons'"),
    else without the quotes around words (an apostrophe inside a word stays)."""
    if len(_OPENING_QUOTE.findall(text)) == len(_CLOSING_QUOTE.findall(text)):
        return text
    without = _CLOSING_QUOTE.sub("", _OPENING_QUOTE.sub("", text))
    return " ".join(without.split())
