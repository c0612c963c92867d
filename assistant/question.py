"""One question, analysed once: its route (fact, briefing ...), time phrase, topic, the type of
answer it asks for, and its terms. Built before anything runs and passed to the router, the
retriever's plan, the evidence gate and the reader.

The answer type: ``name`` for who / which person, ``date`` for when, ``number`` for how many /
how much, ``place`` for where, None when the answer may be any phrase ("what did ... say").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from assistant.dates import TimeConstraint, parse_time_constraints
from index.text import MONTH_NAMES, MONTH_PATTERN, WEEKDAYS, content_stems, words

AnswerType = Literal["name", "date", "number", "place"]
NAME: AnswerType = "name"
DATE: AnswerType = "date"
NUMBER: AnswerType = "number"
PLACE: AnswerType = "place"

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
_ROLE_ASKED = (
    r"\b(?:what|which) (?:is|was|are|were) the (?:\w+ )?(?:owner|buyer|winner|name|successor|"
    r"founder|nominee|champion|ceo|head|chair(?:man|woman)?)\b"
)
"""A role asked for by name ("What is the new owner of ...")."""
_DATE = re.compile(
    rf"\b{MONTH_PATTERN}\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+{MONTH_PATTERN}\b|"
    rf"\b{MONTH_PATTERN}\s+(?:19|20)\d\d\b|"
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
NAME_RUN = re.compile(
    r"\b[A-Z][\w'’.&-]*(?:\s+(?:(?:of|the|de|da|del|van|von|al|bin|and|for|&)\s+)?[A-Z][\w'’.&-]*)*"
)
"""A run of capitalised words: a name, a place, an organisation."""
_NAME_SUFFIX = re.compile(r"\s+(?:Jr|Sr|II|III|IV)\.?$")
"""What follows a name's last word ("Robert F. Kennedy Jr")."""
_SENTENCE_OPENS = re.compile(r"(?:^|[.?!][\"'”’)]?\s+)$")
"""Text before a word that opens a sentence (capitalised, but no name: "Around how much ...")."""
_SETTING = frozenset(
    content_stems("US U.S. America American Americans Earth world " + " ".join(MONTH_NAMES))
)
"""Names a question gives as its setting ("across the US each June", "on Earth") that a story
need not spell out."""
_NOT_NAMES = frozenset(
    words(
        "the a an this that these those he she it they we i you his her their its our mr mrs "
        "ms dr in on at for but and or as after before when while if there here what who which"
    )
    + list(WEEKDAYS)
    + list(MONTH_NAMES)
)


@dataclass(frozen=True)
class QuestionAnalysis:
    """What one question asks, worked out once (see the module doc)."""

    text: str
    time: TimeConstraint
    answer_type: AnswerType | None
    stems: frozenset[str]  # all its content words, stemmed
    terms: frozenset[str]  # its topic words: ``stems`` without the frame ("how many ...")
    names: frozenset[str]  # stems of the names it holds after its first word
    name_heads: frozenset[str] = frozenset()  # each name's last word ("Trump"), not the setting

    def items(self, text: str) -> list[str]:
        """Items of the asked type in ``text`` that the question does not already hold."""
        return typed_items(text, self.answer_type, self.stems) if self.answer_type else []


def analyse(question: str | QuestionAnalysis, as_of: datetime | None = None) -> QuestionAnalysis:
    """The analysis of ``question`` (an analysis is returned as it is)."""
    if isinstance(question, QuestionAnalysis):
        return question
    stems = frozenset(content_stems(question))
    runs = [match for match in NAME_RUN.finditer(question) if match.start() > 0]
    names = frozenset(stem for run in runs for stem in content_stems(run.group(0)))
    heads = (
        content_stems(_NAME_SUFFIX.sub("", run.group(0)).split()[-1])
        for run in runs
        if not _SENTENCE_OPENS.search(question[: run.start()])
    )
    return QuestionAnalysis(
        text=question,
        time=parse_time_constraints(question, as_of or datetime.now(UTC)),
        answer_type=answer_type_of(question),
        stems=stems,
        terms=(stems - _FRAME) or stems,
        names=names - _FRAME,
        name_heads=frozenset(stem for head in heads for stem in head) - _FRAME - _SETTING,
    )


_AUXILIARY = frozenset(
    words(
        "is are was were am do does did will would can could has have had should shall may "
        "might must"
    )
)
_WH_WORD = re.compile(r"\b(?:who|whom|whose|what|which|when|where|why|how)\b")


def asks_yes_or_no(question: str) -> bool:
    """Whether ``question`` is answered by yes or no ("Did the ECB raise rates?"): it opens
    with an auxiliary verb and asks no who / what / which / when / where / why / how."""
    found = words(question)
    return bool(found) and found[0] in _AUXILIARY and not _WH_WORD.search(" ".join(found))


_AUX = "|".join(sorted(_AUXILIARY))
_OPENS = r"(?:^|[.?!,;:]\s+|\b(?:and|but|from|to|in|at|since|until)\s+)"
"""Where a clause opens: a "when" / "where" / "who" there asks; after a noun it relates
("women who drink ...", "hit when Hurricane Melissa tore through")."""
_ADJECTIVES = rf"(?:(?!(?:{_AUX}|the|an?|to|of|in|on|for|with|by|from|at|and|or)\b)\w+ ){{0,3}}"
"""Up to three words between "which" and its noun ("which popular European tourist
destination"), none an auxiliary or a preposition ("what did the state ...", "what happened
to the company ..." ask for no place or name)."""


def _asking(wh_words: str) -> str:
    """``wh_words`` where they ask: opening a clause, or followed by an auxiliary verb."""
    return rf"{_OPENS}(?:{wh_words})\b|\b(?:{wh_words}) (?:{_AUX})\b"


_ASKS: tuple[tuple[AnswerType, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            NUMBER,
            r"\bhow (?:many|much|old|long|far|big|high)\b|"
            r"\bwhat (?:percentage|percent|number|amount|share)\b",
        ),
        (DATE, _asking("when") + r"|\b(?:what|which) (?:year|day|date|month|time)\b"),
        (
            PLACE,
            _asking("where") + rf"|\b(?:which|what) {_ADJECTIVES}"
            r"(?:city|country|state|nation|town|region|destination|(?<!take )(?<!takes )place)\b",
        ),
        (
            NAME,
            _asking("who|whom|whose")
            + rf"|\b(?:which|what) {_ADJECTIVES}(?:{_NAMED})\b|{_ROLE_ASKED}",
        ),
    )
)
"""The phrases that ask for each type; the one that comes first in the question decides."""
_PRICE_ASKED = re.compile(r"\b(?:price|cost|fee|salary|fine)\b.*\?$")
"""Otherwise a question about a price asks for a number ("... fell below which level?")."""


def answer_type_of(question: str) -> AnswerType | None:
    """The type of answer ``question`` asks for (see the module doc): the type of the first
    phrase that asks ("Which country was hit when ..." asks for a place, "How old was she
    when ..." for a number), else a number for a question about a price."""
    text = question.strip().lower()
    found = [(m.start(), kind) for kind, pattern in _ASKS if (m := pattern.search(text))]
    if found:
        return min(found, key=lambda item: item[0])[1]
    return NUMBER if _PRICE_ASKED.search(text) else None


def typed_items(
    text: str, answer_type: AnswerType, asked: frozenset[str] = frozenset()
) -> list[str]:
    """Items of ``answer_type`` in ``text`` whose words are not all in ``asked``."""
    if answer_type == DATE:
        found = [m.group(0) for m in _DATE.finditer(text)]
    elif answer_type == NUMBER:
        found = [m.group(0).strip() for m in _NUMBER.finditer(text)]
    else:  # a name or a place: a run of capitalised words
        found = [
            m.group(0) for m in NAME_RUN.finditer(text) if not set(words(m.group(0))) <= _NOT_NAMES
        ]
    return [item for item in found if item and not content_stems(item) <= asked]


__all__ = [
    "DATE",
    "NAME",
    "NAME_RUN",
    "NUMBER",
    "PLACE",
    "AnswerType",
    "QuestionAnalysis",
    "analyse",
    "answer_type_of",
    "asks_yes_or_no",
    "typed_items",
]
