"""A briefing: the stories of a period, ranked by coverage and relevance to a topic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from assistant.answer import Answer
from assistant.briefing.compose import Line, compose, date_label, not_covered
from assistant.briefing.stories import Story, best_sentence, group_stories, relevance
from assistant.briefing.vectors import ArticleVectors
from assistant.dates import parse_time_constraints
from index.reader import PeriodArticle, PeriodQueries

if TYPE_CHECKING:
    from assistant.filters import Filters

__all__ = [
    "DEFAULT_DAYS",
    "Period",
    "briefing",
    "last_week_held",
    "period_of",
    "period_stories",
    "rank_stories",
]

DEFAULT_DAYS = 7  # the period of a briefing whose question and filters name none
MIN_RELEVANCE = 0.5  # share of the topic's words a story must contain


@dataclass(frozen=True)
class Period:
    """A publication period, both bounds inclusive (None: open)."""

    since: datetime | None
    until: datetime | None


def period_of(question: str, filters: Filters | None, as_of: datetime | None) -> Period:
    """The question's time words, narrowed by the filters; else the 7 days before ``as_of``."""
    as_of = _aware(as_of or datetime.now(UTC))
    asked = parse_time_constraints(question, as_of)
    since, until = (asked.since, asked.until) if asked.has_range else (None, None)
    f_since = getattr(filters, "since", None)
    f_until = getattr(filters, "until", None)
    if f_since is not None:
        since = max(since, f_since) if since else f_since
    if f_until is not None:
        until = min(until, f_until) if until else f_until
    if since is None and until is None:
        end = datetime.combine(as_of.date(), time.max, tzinfo=as_of.tzinfo)
        return Period(end - timedelta(days=DEFAULT_DAYS) + timedelta(microseconds=1), end)
    return Period(since, until)


def rank_stories(stories: list[Story], topic: str) -> list[tuple[Story, float]]:
    """Stories with their scores, best first: coverage, times relevance to ``topic`` when given.

    Without a topic every story counts; with one, only stories holding most of its words.
    """
    scored = []
    for story in stories:
        share = relevance(story, topic) if topic else 1.0
        if topic and share < MIN_RELEVANCE:
            continue
        scored.append((story, story.coverage * (0.5 + share)))
    latest = datetime.min.replace(tzinfo=UTC)
    scored.sort(key=lambda item: (-item[1], -(item[0].latest or latest).timestamp()))
    return scored


def briefing(
    queries: PeriodQueries,
    vectors: ArticleVectors | None,
    *,
    question: str,
    topic: str,
    period: Period,
    sources: tuple[str, ...] = (),
    limit: int = 10,
    threshold: float,
) -> Answer:
    """The briefing for ``period`` (and ``topic``): one line per story, the top ``limit``."""
    articles, ranked = period_stories(queries, vectors, period, topic, sources, threshold)
    note = ""
    if not articles and (latest := last_week_held(queries, period)) is not None:
        # The period lies after the index's newest news (the 2017 demo asked "this week"):
        # answer with the newest week the index holds, and say so.
        period, note = latest, _ends_note(latest)
        articles, ranked = period_stories(queries, vectors, period, topic, sources, threshold)
    if not articles:
        return not_covered("briefing", _empty_message(queries, period), question)
    if not ranked:
        message = (
            f"No indexed articles about {topic} between {_day(period.since)} and "
            f"{_day(period.until)} ({len(articles)} articles on other subjects in that period)."
        )
        return not_covered("briefing", message, question)
    lines = []
    for story, _ in ranked[:limit]:
        article, sentence = best_sentence(story, topic)
        also = tuple(name for name in story.outlets if name.lower() != article.outlet.lower())
        lines.append(Line(article.published, sentence, article, story.story_id, also))
    rest = len(ranked) - limit
    footer = (
        f"... and {rest} more {'story' if rest == 1 else 'stories'} in this period."
        if rest > 0
        else ""
    )
    answer = compose("briefing", lines, question, footer)
    if note:
        answer.note, answer.text = note, f"{note}\n{answer.text}"
    return answer


def last_week_held(queries: PeriodQueries, period: Period) -> Period | None:
    """The newest 7 days the index holds, when ``period`` starts after its last article."""
    _, last = queries.date_range()
    if last is None or period.since is None or last >= period.since:
        return None
    tz = period.since.tzinfo
    end = datetime.combine(last.astimezone(tz).date(), time.max, tzinfo=tz)
    return Period(end - timedelta(days=DEFAULT_DAYS) + timedelta(microseconds=1), end)


def _ends_note(period: Period) -> str:
    assert period.since is not None and period.until is not None
    return (
        f"Your index ends on {_long_day(period.until)}; here is its last week "
        f"({_long_day(period.since)} to {_long_day(period.until)})."
    )


def _long_day(value: datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def period_stories(
    queries: PeriodQueries,
    vectors: ArticleVectors | None,
    period: Period,
    topic: str,
    sources: tuple[str, ...],
    threshold: float,
) -> tuple[list[PeriodArticle], list[tuple[Story, float]]]:
    """The period's articles and its stories ranked by :func:`rank_stories`."""
    articles = queries.between(period.since, period.until, sources)
    if not articles:
        return [], []
    matrix = vectors.vectors(articles) if vectors is not None else None
    return articles, rank_stories(group_stories(articles, matrix, threshold), topic)


def _empty_message(queries: PeriodQueries, period: Period) -> str:
    first, last = queries.date_range()
    held = (
        f"the index holds articles from {date_label(first)} to {date_label(last)}"
        if first and last
        else "the index holds no dated articles"
    )
    return f"No indexed articles between {_day(period.since)} and {_day(period.until)} ({held})."


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value else "the start"


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
