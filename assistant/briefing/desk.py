"""The briefing desk: answers briefing, timeline and comparison questions from the index."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from assistant.answer import Answer
from assistant.briefing.briefing import briefing, period_of
from assistant.briefing.stories import Story
from assistant.briefing.timeline import comparison, timeline, topic_stories
from assistant.briefing.vectors import ArticleVectors
from assistant.kinds import QuestionKind
from index.reader import PeriodQueries

if TYPE_CHECKING:
    from assistant.filters import Filters
    from assistant.protocols import Retriever

__all__ = ["BriefingDesk"]


class BriefingDesk:
    """Non-fact answers over the catalog (``queries``), article ``vectors`` and a retriever.

    ``retriever`` is only needed for timelines and comparisons (``.search(topic, filters=,
    as_of=, k=)``); briefings read the period from the catalog alone.
    """

    def __init__(
        self,
        queries: PeriodQueries,
        vectors: ArticleVectors | None,
        *,
        retriever: Retriever | None = None,
        stories: int = 10,
        threshold: float,
    ) -> None:
        self.queries = queries
        self.vectors = vectors
        self.retriever = retriever
        self.stories = stories
        self.threshold = threshold

    def answer(
        self,
        question: str,
        kind: QuestionKind,
        filters: Filters | None = None,
        as_of: datetime | None = None,
    ) -> Answer:
        """The ``kind.kind`` answer to ``question`` about ``kind.topic``."""
        if kind.kind == "briefing":
            return briefing(
                self.queries,
                self.vectors,
                question=question,
                topic=kind.topic,
                # a follow-up ("and what about Norway?") keeps the conversation's time words
                period=period_of(f"{question} {kind.period}".strip(), filters, as_of),
                sources=tuple(getattr(filters, "sources", ()) or ()),
                limit=self.stories,
                threshold=self.threshold,
            )
        if self.retriever is None:
            raise ValueError(f"{kind.kind} questions need a retriever: give the desk one")
        topic = kind.topic or question
        stories, ranked = topic_stories(
            self.retriever,
            self.queries,
            self.vectors,
            topic=topic,
            filters=filters,
            as_of=as_of,
            threshold=self.threshold,
        )
        if kind.kind == "timeline":
            return timeline(stories, question=question, topic=topic)
        if kind.kind == "compare":
            return comparison(_main_story(stories, ranked), question=question, topic=topic)
        raise ValueError(f"the briefing desk does not answer {kind.kind!r} questions")


def _main_story(stories: list[Story], ranked: list[str]) -> Story | None:
    """The story of the best retrieved articles that most outlets ran."""
    top = set(ranked[:3])
    candidates = [s for s in stories if top & {a.article_id for a in s.articles}]
    if not candidates:
        return None
    position = {article_id: i for i, article_id in enumerate(ranked)}

    def first_rank(story: Story) -> int:
        return min(position.get(a.article_id, len(ranked)) for a in story.articles)

    return max(candidates, key=lambda s: (len(s.outlets), -first_rank(s)))
