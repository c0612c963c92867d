"""A timeline (one topic's articles in date order) and a comparison (one story, per outlet)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from assistant.answer import Answer
from assistant.briefing.compose import Line, compose, not_covered
from assistant.briefing.stories import Story, group_stories, lede_sentences
from assistant.briefing.vectors import ArticleVectors
from assistant.text import content_stems
from index.reader import PeriodArticle, PeriodQueries

if TYPE_CHECKING:
    from assistant.filters import Filters
    from assistant.protocols import Retriever

__all__ = ["comparison", "timeline", "topic_stories"]

NOVELTY = 0.3  # share of new words that makes a lede sentence "what changed"


def topic_stories(
    retriever: Retriever,
    queries: PeriodQueries,
    vectors: ArticleVectors | None,
    *,
    topic: str,
    filters: Filters | None,
    as_of: datetime | None,
    threshold: float,
) -> tuple[list[Story], list[str]]:
    """Stories of the articles retrieved for ``topic`` (and their near-duplicates), and the
    retrieved ids in rank order."""
    found = retriever.search(topic, filters=filters, as_of=as_of)  # as a fact question would
    ranked = [source.article_id for source in found]
    articles = queries.articles(ranked)
    neighbours = getattr(vectors, "neighbours", None)
    if neighbours is not None and articles:
        extra = [i for i in neighbours(articles, threshold) if i not in set(ranked)]
        articles += [a for a in queries.articles(extra) if _inside(a, filters, as_of)]
    matrix = vectors.vectors(articles) if (vectors is not None and articles) else None
    return group_stories(articles, matrix, threshold), ranked


def timeline(stories: Sequence[Story], *, question: str, topic: str) -> Answer:
    """Every article of ``stories`` in date order, each with the lede sentence that is new."""
    members = [(article, story.story_id) for story in stories for article in story.articles]
    if not members:
        return not_covered("timeline", f"No indexed articles about {topic or question}.", question)
    members.sort(key=lambda item: _date_key(item[0]))
    seen: set[str] = set()
    lines = []
    for article, story_id in members:
        sentences = lede_sentences(article)
        chosen = sentences[0]
        for sentence in sentences:
            stems = content_stems(sentence)
            if stems and len(stems - seen) / len(stems) >= NOVELTY:
                chosen = sentence
                break
        seen |= content_stems(chosen)
        also = tuple(
            dict.fromkeys(o for o, _ in article.copies if o.lower() != article.outlet.lower())
        )
        lines.append(Line(article.published, chosen, article, story_id, also))
    return compose("timeline", lines, question)


def comparison(story: Story | None, *, question: str, topic: str) -> Answer:
    """One line per outlet that ran ``story``: its own lede, or the report it ran as a copy."""
    if story is None:
        return not_covered("compare", f"No indexed articles about {topic or question}.", question)
    lines: list[Line] = []
    seen: set[str] = set()
    for article in story.articles:
        outlet = article.outlet or "unknown outlet"
        if outlet.lower() not in seen:
            seen.add(outlet.lower())
            lines.append(
                Line(
                    article.published,
                    lede_sentences(article)[0],
                    article,
                    story.story_id,
                    prefix=f"{outlet}: ",
                )
            )
    for article in story.articles:
        for outlet, published in article.copies:
            if outlet and outlet.lower() not in seen:
                seen.add(outlet.lower())
                text = f"the same report as {article.outlet}: {lede_sentences(article)[0]}"
                lines.append(Line(published, text, article, story.story_id, prefix=f"{outlet}: "))
    return compose("compare", lines, question)


def _inside(article: PeriodArticle, filters: Filters | None, as_of: datetime | None) -> bool:
    published = article.published
    since = getattr(filters, "since", None)
    until = getattr(filters, "until", None)
    if as_of is not None:
        cut = (as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)) + timedelta(days=1)
        until = min(until, cut) if until else cut
    if published is None:
        return since is None and until is None
    return (since is None or published >= since) and (until is None or published <= until)


def _date_key(article: PeriodArticle) -> tuple[int, float, str]:
    if article.published is None:
        return (1, 0.0, article.article_id)
    return (0, article.published.timestamp(), article.article_id)
