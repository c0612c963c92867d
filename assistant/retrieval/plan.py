"""Planning a search: the question's terms and the bounds of both searches, built once.

Explicit ``Filters`` are hard bounds. With an explicit ``as_of`` nothing published after the day
after ``as_of`` is returned (undated articles are kept by the dense search). Time words in the
question ("this week", "in March 2025") are resolved against ``as_of``; by default they *prefer*
the period (a ``window``: the searches run once more inside it, and those rankings join the
fusion) rather than cut everything else; ``time_words="filter"`` makes them hard, ``"ignore"``
drops them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal

from assistant.dates import TimeConstraint, parse_time_constraints
from assistant.filters import Filters, aware, resolve_outlets
from index.reader import SearchBounds
from index.text import QUERY_STOPWORDS, bare_words

TimeWords = Literal["prefer", "filter", "ignore"]
Window = tuple[int | None, int | None]


@dataclass(frozen=True)
class SearchPlan:
    """Everything a search needs to know, decided before it runs."""

    bounds: SearchBounds
    window: Window | None  # the question's period (inclusive epoch seconds), preferred
    constraint: TimeConstraint
    reference: datetime  # "now" for time words and freshness
    terms: frozenset[str]  # the question's content words (relevance: their coverage)
    keyword_terms: frozenset[str]  # the same without the time phrase (the BM25 query)


def plan_search(
    question: str,
    filters: Filters,
    as_of: datetime | None,
    *,
    outlets: Callable[[], list[str]],
    syndicated_in: Callable[[Sequence[str]], list[str]],
    time_words: TimeWords = "prefer",
    constraint: TimeConstraint | None = None,
) -> SearchPlan | None:
    """The plan of one search; None when the bounds leave nothing to find. ``outlets`` and
    ``syndicated_in`` are asked only when the filters name outlets. ``constraint``: the question's
    time phrase as its analysis resolved it (parsed here when not given)."""
    filters = resolve_outlets(filters, outlets()) if filters.sources else filters
    reference = aware(as_of) or datetime.now(UTC)
    if time_words == "ignore":
        constraint = TimeConstraint()
    elif constraint is None:
        constraint = parse_time_constraints(question, reference)
    since, until = filters.since, filters.until
    cut = None
    if as_of is not None:
        cut = datetime.combine(reference.date() + timedelta(days=1), time.max, tzinfo=UTC)
    window: tuple[datetime | None, datetime | None] | None = None
    if constraint.has_range:
        w_since = _latest(since, constraint.since)
        w_until = _earliest(_earliest(until, cut), constraint.until)
        if w_since and w_until and w_since > w_until:
            window = None  # the question's period lies outside the explicit filters
        elif time_words == "filter":
            since, until = w_since, w_until
        else:
            window = (w_since, w_until)
    if since and until and since > until:
        return None
    copies = syndicated_in(filters.sources) if filters.sources else []
    bounds = SearchBounds(
        since_ts=_ts(since),
        until_ts=_ts(until),
        cut_ts=_ts(cut),
        outlets=filters.sources,
        syndicated=tuple(copies),
    )
    return SearchPlan(
        bounds=bounds,
        window=(_ts(window[0]), _ts(window[1])) if window else None,
        constraint=constraint,
        reference=reference,
        terms=query_terms(question),
        # only the content words: the time phrase is handled by the dates, not by matching "week"
        keyword_terms=query_terms(_without(question, constraint.matched_text)),
    )


def query_terms(text: str) -> frozenset[str]:
    """The content words of a question (lower case, no stopwords, possessives stripped)."""
    return frozenset(
        word for word in bare_words(text) if len(word) > 1 and word not in QUERY_STOPWORDS
    )


def term_coverage(terms: frozenset[str], text: str) -> float:
    """Share of ``terms`` that occur in ``text`` (0 when there are no terms)."""
    if not terms:
        return 0.0
    return len(terms & bare_words(text)) / len(terms)


def _without(question: str, phrase: str) -> str:
    """The question minus its time phrase (handled by dates, noise for BM25)."""
    if not phrase:
        return question
    stripped = question.replace(phrase, " ").strip()
    return stripped or question


def _ts(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max(a, b) if a and b else a or b


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min(a, b) if a and b else a or b
