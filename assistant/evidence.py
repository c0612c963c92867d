"""Is the question answerable from what was retrieved? Decided from the evidence, not a model.

:func:`assess_evidence` looks at the retrieved sources before any backend runs:

- how close retrieval got (the best dense similarity of a retrieved chunk, when known);
- how much of the question one passage covers (two adjacent sentences with the title);
- whether such a passage holds something of the type asked (who / which -> a name, when ->
  a date, how many / how much -> a number or amount, where -> a place name) that the
  question does not already contain;
- when the question asks about the present's news ("this week", "on Monday"), whether any
  source was published in that period (give or take ``PERIOD_SLACK_DAYS``): an older story
  on the topic answers an earlier week's question, not this one.

The chain answers "not covered" without calling the model when the evidence is weak, so
every backend refuses alike. The thresholds are calibrated on RealTimeQA: answerable
questions against their unanswerable variants (see BENCHMARKS.md, issue 10).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from assistant.answer import Source
from assistant.dates import TimeConstraint
from assistant.grounding import Grounding, Passage
from assistant.prompts import NOT_COVERED
from assistant.question import AnswerType, QuestionAnalysis, analyse

MIN_SIMILARITY = 0.30
"""Below this best chunk similarity to the question, nothing retrieved is about it."""
MIN_COVERAGE = 0.40
"""A passage must hold at least this share of the question's terms."""
MIN_TYPED_COVERAGE = 0.30
"""...and, when the question asks for a type, a passage holding an item of that type must
hold at least this share."""
MIN_NAME_COVERAGE = 0.5
"""Share of the names in the question ("Cyprus", "Viktor Orbán") one source must hold."""
PERIOD_SLACK_DAYS = 7
"""A source this many days outside the question's period still counts as of that period."""


@dataclass(frozen=True)
class Evidence:
    """What the retrieved sources offer for a question, and whether to answer from them."""

    answerable: bool
    reason: str
    answer_type: AnswerType | None = None  # name, date, number, place (None: any phrase)
    similarity: float | None = None  # best dense similarity of a retrieved chunk
    coverage: float = 0.0  # best share of the question's terms in one passage
    typed_coverage: float = 0.0  # the same among passages holding an item of the asked type
    names: float = 1.0  # best share of the question's names held by one source
    best: int | None = None  # number of the source holding the best passage
    outside_period: bool = False  # the question asks about the present; nothing is from then

    def refusal(self, time: TimeConstraint) -> str:
        """What to tell the user when not answering: "not covered", and why when the sources
        are all from before the period asked about."""
        if not self.outside_period or time.since is None or time.until is None:
            return NOT_COVERED
        first, last = (f"{day.day} {day:%B %Y}" for day in (time.since, time.until))
        period = first if first == last else f"{first} to {last}"
        return f"{NOT_COVERED} Nothing found was published in the period asked about ({period})."


def assess_evidence(
    question: str | QuestionAnalysis,
    sources: Sequence[Source] | Grounding,
    *,
    min_similarity: float = MIN_SIMILARITY,
    min_coverage: float = MIN_COVERAGE,
    min_typed_coverage: float = MIN_TYPED_COVERAGE,
    min_names: float = MIN_NAME_COVERAGE,
) -> Evidence:
    """Decide from ``sources`` whether ``question`` can be answered (see the module doc)."""
    analysis = analyse(question)
    grounding = Grounding.of(sources)
    asked = analysis.answer_type
    if not grounding.sources:
        return Evidence(False, "nothing was retrieved", asked)
    if not from_the_period(analysis.time, grounding.raw):
        reason = f"nothing retrieved is from the period asked about ({analysis.time.matched_text})"
        return Evidence(False, reason, asked, outside_period=True)
    similarity = best_similarity(grounding.raw)
    terms = analysis.terms
    coverage, typed, best = 0.0, 0.0, None
    for passage in grounding.passage_list:
        share = len(terms & passage.stems) / len(terms) if terms else 1.0
        coverage = max(coverage, share)
        if (asked is None or analysis.items(passage.text)) and share > typed:
            typed, best = share, passage.n
    names = name_coverage(analysis, grounding)
    evidence = Evidence(False, "", asked, similarity, coverage, typed, names, best)
    if similarity is not None and similarity < min_similarity:
        return _decided(evidence, False, f"retrieval is far from the question ({similarity:.2f})")
    if coverage < min_coverage:
        return _decided(evidence, False, f"no passage covers the question ({coverage:.2f})")
    if names < min_names:
        return _decided(evidence, False, f"no source names what the question names ({names:.2f})")
    if typed < min_typed_coverage:
        return _decided(evidence, False, f"no passage on the question holds a {asked}")
    return _decided(evidence, True, "a passage covers the question")


def from_the_period(time: TimeConstraint, sources: Sequence[Source]) -> bool:
    """Whether a source may be from the present period ``time`` names (any source does when
    the question names none, or a past one; an undated source may be)."""
    if not (time.current and time.has_range):
        return True
    slack = timedelta(days=PERIOD_SLACK_DAYS)
    since = time.since - slack if time.since else None
    until = time.until + slack if time.until else None
    return any(
        s.published is None
        or ((since is None or s.published >= since) and (until is None or s.published <= until))
        for s in sources
    )


def name_coverage(question: str | QuestionAnalysis, sources: Sequence[Source] | Grounding) -> float:
    """Best share, over sources, of the question's names (capitalised words after its first
    word) found in the source's title and text; 1.0 when the question names nothing."""
    names = analyse(question).names
    if not names:
        return 1.0
    grounding = Grounding.of(sources)
    held = [len(names & g.stems) / len(names) for g in grounding.sources]  # title included
    return max(held, default=0.0)


def passages(sources: Sequence[Source] | Grounding) -> list[Passage]:
    """Every window of two adjacent sentences of every source (instructions left out)."""
    return Grounding.of(sources).passage_list


def best_similarity(sources: Sequence[Source]) -> float | None:
    """The best dense similarity of any retrieved chunk, None when retrieval did not say."""
    values = [c.similarity for s in sources for c in s.chunks if c.similarity is not None]
    return max(values) if values else None


def _decided(evidence: Evidence, answerable: bool, reason: str) -> Evidence:
    return replace(evidence, answerable=answerable, reason=reason)


__all__ = [
    "Evidence",
    "assess_evidence",
    "best_similarity",
    "from_the_period",
    "name_coverage",
    "passages",
]
