"""Is the question answerable from what was retrieved? Decided from the evidence, not a model.

:func:`assess_evidence` looks at the retrieved sources before any backend runs:

- how close retrieval got (the best dense similarity of a retrieved chunk, when known);
- how much of the question one passage covers (two adjacent sentences with the title);
- whether such a passage holds something of the type asked (who / which -> a name, when ->
  a date, how many / how much -> a number or amount, where -> a place name) that the
  question does not already contain.

The chain answers "not covered" without calling the model when the evidence is weak, so
every backend refuses alike. The thresholds are calibrated on RealTimeQA: answerable
questions against their unanswerable variants (see BENCHMARKS.md, issue 10).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.answer import Source
from assistant.text import content_stems, split_sentences, words
from assistant.untrusted import REDACTED, neutralize, redact_instructions

MIN_SIMILARITY = 0.30
"""Below this best chunk similarity to the question, nothing retrieved is about it."""
MIN_COVERAGE = 0.40
"""A passage must hold at least this share of the question's terms."""
MIN_TYPED_COVERAGE = 0.30
"""...and, when the question asks for a type, a passage holding an item of that type must
hold at least this share."""
MIN_NAME_COVERAGE = 0.5
"""Share of the names in the question ("Cyprus", "Viktor Orbán") one source must hold."""

NAME, DATE, NUMBER, PLACE = "name", "date", "number", "place"

_FRAME = frozenset(
    content_stems(
        "many much name named year years day days date week weeks month months time times "
        "recent recently new first last following people person country city state company"
    )
)
"""Words of the question's frame ("how many", "which country"), not of its topic."""

_NAMED = (
    r"person|man|woman|company|firm|team|club|party|group|organi[sz]ation|agency|airline|"
    r"actor|actress|singer|rapper|artist|author|host|comedian|player|athlete|coach|president|"
    r"leader|minister|senator|governor|judge|official|ceo|billionaire|celebrity|pope|king|queen|"
    r"university|college|school|film|movie|show|series|song|album|band|book|horse|brand|bank|"
    r"network|newspaper|magazine|website|app|platform|startup|automaker|retailer|league|"
    r"tournament|award|prize|(?:\w+ )?(?:company|team|party|group|firm|airline|university)"
)
"""Nouns after "which" / "what" that ask for a name ("Which comedian ...")."""
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = re.compile(
    rf"\b{_MONTHS}\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{_MONTHS}\b|\b{_MONTHS}\s+(?:19|20)\d\d\b|"
    r"\b(?:19|20)\d\d\b|\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|"
    r"\b(?:yesterday|today|tonight|last (?:week|month|year)|this (?:week|month|year))\b|"
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"[$€£¥]\s?\d[\d,.]*(?:\s*(?:million|billion|trillion))?|\b\d[\d,.]*\s*(?:%|percent)?|"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|"
    r"twenty|thirty|forty|fifty|hundreds?|thousands?|millions?|billions?|trillions?)\b",
    re.IGNORECASE,
)
_NAME = re.compile(
    r"\b[A-Z][\w'’.&-]*(?:\s+(?:(?:of|the|de|da|del|van|von|al|bin|and|for|&)\s+)?[A-Z][\w'’.&-]*)*"
)
_NOT_NAMES = frozenset(
    words(
        "the a an this that these those he she it they we i you his her their its our mr mrs "
        "ms dr in on at for but and or as after before when while if there here what who which "
        "monday tuesday wednesday thursday friday saturday sunday january february march april "
        "may june july august september october november december"
    )
)


@dataclass(frozen=True)
class Evidence:
    """What the retrieved sources offer for a question, and whether to answer from them."""

    answerable: bool
    reason: str
    kind: str | None = None  # the type asked for: name, date, number, place (None: any)
    similarity: float | None = None  # best dense similarity of a retrieved chunk
    coverage: float = 0.0  # best share of the question's terms in one passage
    typed_coverage: float = 0.0  # the same among passages holding an item of ``kind``
    names: float = 1.0  # best share of the question's names held by one source
    best: int | None = None  # number of the source holding the best passage


def assess_evidence(
    question: str,
    sources: Sequence[Source],
    *,
    min_similarity: float = MIN_SIMILARITY,
    min_coverage: float = MIN_COVERAGE,
    min_typed_coverage: float = MIN_TYPED_COVERAGE,
    min_names: float = MIN_NAME_COVERAGE,
) -> Evidence:
    """Decide from ``sources`` whether ``question`` can be answered (see the module doc)."""
    kind = question_kind(question)
    if not sources:
        return Evidence(False, "nothing was retrieved", kind)
    similarity = best_similarity(sources)
    terms = question_terms(question)
    coverage, typed, best = 0.0, 0.0, None
    for passage in passages(sources):
        share = len(terms & passage.stems) / len(terms) if terms else 1.0
        coverage = max(coverage, share)
        if (kind is None or typed_items(passage.text, kind, question)) and share > typed:
            typed, best = share, passage.n
    names = name_coverage(question, sources)
    evidence = Evidence(False, "", kind, similarity, coverage, typed, names, best)
    if similarity is not None and similarity < min_similarity:
        return _decided(evidence, False, f"retrieval is far from the question ({similarity:.2f})")
    if coverage < min_coverage:
        return _decided(evidence, False, f"no passage covers the question ({coverage:.2f})")
    if names < min_names:
        return _decided(evidence, False, f"no source names what the question names ({names:.2f})")
    if typed < min_typed_coverage:
        return _decided(evidence, False, f"no passage on the question holds a {kind}")
    return _decided(evidence, True, "a passage covers the question")


@dataclass(frozen=True)
class Passage:
    """Two adjacent sentences of source ``n`` (``text``) with the title's words (``stems``)."""

    n: int
    position: int
    text: str
    stems: frozenset[str]


def passages(sources: Sequence[Source]) -> list[Passage]:
    """Every window of two adjacent sentences of every source (instructions left out)."""
    found = []
    for source in sources:
        title = content_stems(source.title)
        sentences = source_sentences(source)
        stems = [content_stems(text) for _, text in sentences]
        for i, (position, text) in enumerate(sentences):
            pair = [text, *(t for _, t in sentences[i + 1 : i + 2])]
            joined = title | stems[i] | (stems[i + 1] if i + 1 < len(stems) else set())
            found.append(Passage(source.n, position, " ".join(pair), frozenset(joined)))
    return found


def source_sentences(source: Source) -> list[tuple[int, str]]:
    """``(position, sentence)`` of a source's text as it may be quoted: instructions to a
    model left out, prompt-like markup neutralised (:mod:`assistant.untrusted`)."""
    text = neutralize(redact_instructions(source.text))
    return [(i, s) for i, s in enumerate(split_sentences(text)) if REDACTED not in s and words(s)]


def question_kind(question: str) -> str | None:
    """The type of answer asked for: ``name``, ``date``, ``number``, ``place`` or None."""
    text = " ".join(words(question))
    if re.search(
        r"\bhow (?:many|much)\b|\bwhat (?:percentage|percent|number|amount|share)\b|"
        r"\b(?:price|cost|fee|salary|fine)\b.*\?$|^how (?:old|long|far|big|high)\b",
        text + ("?" if question.rstrip().endswith("?") else ""),
    ):
        return NUMBER
    if re.search(
        r"\bwhen\b|\bwhat (?:year|day|date|month|time)\b|\bwhich (?:year|day|month)\b", text
    ):
        return DATE
    if re.search(
        r"\bwhere\b|\b(?:which|what) (?:city|country|state|nation|town|region|place)\b", text
    ):
        return PLACE
    if re.search(rf"\bwho(?:m|se)?\b|\b(?:which|what) (?:{_NAMED})\b", text):
        return NAME
    return None  # "what did ...", "which issue ...": the answer may be any phrase


def typed_items(text: str, kind: str, question: str = "") -> list[str]:
    """Items of ``kind`` in ``text`` that the question does not already hold."""
    asked = content_stems(question)
    if kind == DATE:
        found = [m.group(0) for m in _DATE.finditer(text)]
    elif kind == NUMBER:
        found = [m.group(0).strip() for m in _NUMBER.finditer(text)]
    else:  # a name or a place: a run of capitalised words
        found = [
            m.group(0) for m in _NAME.finditer(text) if not set(words(m.group(0))) <= _NOT_NAMES
        ]
    return [item for item in found if item and not content_stems(item) <= asked]


def name_coverage(question: str, sources: Sequence[Source]) -> float:
    """Best share, over sources, of the question's names (capitalised words after its first
    word) found in the source's title and text; 1.0 when the question names nothing."""
    names = {
        stem
        for match in _NAME.finditer(question)
        if match.start() > 0
        for stem in content_stems(match.group(0))
    } - _FRAME
    if not names:
        return 1.0
    held = [len(names & content_stems(f"{s.title} {s.text}")) / len(names) for s in sources]
    return max(held, default=0.0)


def question_terms(question: str) -> set[str]:
    """The question's topic words: its content words without the frame ("how many ...")."""
    terms = content_stems(question)
    return (terms - _FRAME) or terms


def best_similarity(sources: Sequence[Source]) -> float | None:
    """The best dense similarity of any retrieved chunk, None when retrieval did not say."""
    values = [c.similarity for s in sources for c in s.chunks if c.similarity is not None]
    return max(values) if values else None


def _decided(evidence: Evidence, answerable: bool, reason: str) -> Evidence:
    return replace(evidence, answerable=answerable, reason=reason)


__all__ = [
    "Evidence",
    "Passage",
    "assess_evidence",
    "best_similarity",
    "name_coverage",
    "passages",
    "question_kind",
    "question_terms",
    "source_sentences",
    "typed_items",
]
