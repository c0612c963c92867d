"""Dated lines -> an :class:`~assistant.answer.Answer` with items, citations and sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from assistant.answer import Answer, BriefItem, Citation, RetrievedChunk, Source
from index.reader import PeriodArticle

__all__ = ["Line", "compose", "date_label", "not_covered"]


@dataclass(frozen=True)
class Line:
    """One line before numbering: its date, text, the article it cites and its story."""

    date: datetime | None
    text: str
    article: PeriodArticle
    story_id: str
    also_in: tuple[str, ...] = ()
    prefix: str = ""  # e.g. the outlet of a comparison line ("Reuters: ")


def compose(kind: str, lines: Sequence[Line], question: str, footer: str = "") -> Answer:
    """The answer listing ``lines``: citations numbered 1..m by first use, one item per line."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    sources: list[Source] = []
    items: list[BriefItem] = []
    rows: list[str] = []
    for line in lines:
        article = line.article
        if article.article_id not in numbers:
            n = numbers[article.article_id] = len(numbers) + 1
            source = _source(n, article, line.also_in)
            sources.append(source)
            citations.append(Citation.of(source, snippet=line.text))
        n = numbers[article.article_id]
        text = f"{line.prefix}{line.text}"
        items.append(BriefItem(line.date, text, [n], line.story_id))
        also = f" (also in {', '.join(line.also_in)})" if line.also_in else ""
        rows.append(f"{date_label(line.date)} — {text} [{n}]{also}")
    if footer:
        rows.append(footer)
    return Answer(
        text="\n".join(rows),
        citations=citations,
        sources=sources,
        question_used=question,
        kind=kind,
        items=items,
    )


def not_covered(kind: str, message: str, question: str) -> Answer:
    """A list answer that found nothing: ``message`` as its text, not covered."""
    return Answer(
        text=message, citations=[], sources=[], question_used=question, covered=False, kind=kind
    )


def date_label(value: datetime | None) -> str:
    """YYYY-MM-DD, or "undated"."""
    return value.date().isoformat() if value else "undated"


def _source(n: int, article: PeriodArticle, also_in: tuple[str, ...]) -> Source:
    chunk = RetrievedChunk(
        chunk_id=article.chunk_id, text=article.lede, body=article.lede, score=0.0
    )
    return Source(
        n=n,
        article_id=article.article_id,
        title=article.title,
        source=article.outlet or None,
        url=article.url or None,
        published=article.published,
        chunks=(chunk,),
        score=0.0,
        also_in=also_in,
    )
