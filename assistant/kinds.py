"""What kind of question this is: a fact, a briefing, a timeline or a comparison across outlets.

Rules on the wording decide (a table of phrasings in ``tests/test_kinds.py``); anything they do
not recognise is a *fact* question, today's path. A model may be consulted as a hook, after the
rules, only for questions the rules call facts. The topic is the question without the kind's
words and its time phrase ("news about the rail strike this week" -> "rail strike").

In a conversation, a follow-up the rules call a fact ("and what about Norway?", "and last
month?") keeps the kind of the list the conversation is on, and its period unless it names one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dt_time
from functools import lru_cache
from typing import Literal, cast

from assistant.dates import TimeConstraint, parse_time_constraints
from index.errors import InvalidQuestion

__all__ = ["KINDS", "Kind", "QuestionKind", "classify", "follow_up", "resolve_kind", "topic_of"]

Kind = Literal["fact", "briefing", "timeline", "compare"]
KINDS: tuple[str, ...] = ("fact", "briefing", "timeline", "compare")

# A hook that names a kind for a question the rules call a fact (None: no opinion).
KindHook = Callable[[str], str | None]

_OUTLETS = (
    r"(?:the\s+)?(?:different\s+|various\s+|other\s+|news\s+)?(?:outlets|media|newspapers|papers|"
    r"news\s+organi[sz]ations|news\s+sources|sources|the\s+press|press|networks|publications)"
)
_T = r"(?P<topic>.+?)"

# (kind, pattern) in order: the first match decides. Patterns see the question lower-cased.
_RULES: tuple[tuple[Kind, re.Pattern[str]], ...] = tuple(
    (cast(Kind, kind), re.compile(pattern))
    for kind, pattern in (
        (
            "compare",
            rf"\bhow\s+(?:did|do|have|has|were|are|was)\s+{_OUTLETS}\s+"
            rf"(?:report(?:ed)?|cover(?:ed)?|describe[d]?|portray(?:ed)?|frame[d]?|"
            rf"handle[d]?)\s+{_T}\s*$",
        ),
        (
            "compare",
            rf"\bhow\s+(?:was|were|is|has|have)\s+{_T}\s+(?:been\s+)?"
            rf"(?:reported|covered|portrayed|framed)\s+(?:by|in|across)\s+{_OUTLETS}\s*$",
        ),
        (
            "compare",
            rf"\bcompare\s+(?:the\s+)?(?:coverage|reporting|reports)\s+(?:of|on|about)\s+{_T}"
            rf"(?:\s+(?:across|by|in)\s+{_OUTLETS})?\s*$",
        ),
        ("compare", rf"\b(?:coverage|reporting)\s+of\s+{_T}\s+(?:across|by)\s+{_OUTLETS}\s*$"),
        (
            "timeline",
            rf"^how\s+(?:has|have|did)\s+{_T}\s+(?:develop(?:ed)?|evolve[d]?|"
            rf"unfold(?:ed)?|progress(?:ed)?|change[d]?)\b.*$",
        ),
        (
            "timeline",
            rf"^(?:what\s+is|what's|whats|give\s+me|tell\s+me)?\s*(?:the\s+)?latest\s+"
            rf"(?:on|about|with|in)\s+{_T}\s*$",
        ),
        ("timeline", rf"^(?:any\s+)?(?:updates?|developments)\s+(?:on|about|in)\s+{_T}\s*$"),
        ("timeline", rf"^what\s+(?:has\s+)?happened\s+(?:with|to|in)\s+{_T}\s+since\b.*$"),
        ("timeline", rf"^what\s+(?:has\s+)?happened\s+with\s+{_T}\s*$"),
        (
            "timeline",
            rf"^(?:give\s+me\s+|show\s+me\s+)?(?:a\s+|the\s+)?timeline\s+(?:of|for)\s+{_T}\s*$",
        ),
        (
            "briefing",
            r"^(?:so\s+|and\s+)?what(?:'s|\s+has|\s+have)?\s+(?:else\s+)?happen(?:ed|ing)"
            r"(?P<rest>.*)$",
        ),
        (
            "briefing",
            r"^(?:(?:what\s+(?:are|were|is|was)|give\s+me|show\s+me|tell\s+me|send\s+me|i\s+want|"
            r"can\s+i\s+(?:get|have)|list)\s+)?(?:the\s+|a\s+|today'?s\s+|this\s+week'?s\s+)?(?:top|main|big|biggest|major|key)\s+(?:news\s+)?(?:stories|headlines|"
            r"news)(?:\s+(?:about|on|in|from|of)\s+(?P<topic>.*)|\s.*)?$",
        ),
        ("briefing", r"\bcatch\s+me\s+up(?:\s+(?:on|about|with)\s+(?P<topic>.*))?$"),
        ("briefing", r"\bbrief\s+me(?:\s+(?:on|about)\s+(?P<topic>.*))?$"),
        (
            "briefing",
            r"^(?:(?:what\s+(?:are|were|is|was)|give\s+me|show\s+me|tell\s+me|send\s+me|i\s+want|"
            r"can\s+i\s+(?:get|have)|list)\s+)?(?:the\s+|a\s+|today'?s\s+|this\s+week'?s\s+)?(?:news\s+)?(?:briefing|round-?up|digest|headlines|recap)"
            r"(?:\s+(?:of|on|about|for)\s+(?P<topic>.*)|\s.*)?$",
        ),
        (
            "briefing",
            rf"^(?:what(?:'s|\s+is)\s+(?:the\s+)?|any\s+|the\s+)?(?:latest\s+)?news\s+"
            rf"(?:about|on|from|in|of)\s+{_T}\s*$",
        ),
        (
            "briefing",
            r"^(?:what(?:'s|\s+is)\s+)(?:new|in\s+the\s+news|(?:the\s+)?news)(?P<rest>.*)$",
        ),
    )
)

# What remains of "what happened ..." for a briefing: nothing but a time phrase or a place.
_BRIEFING_REST = re.compile(
    r"^\s*(?:(?:in|around)\s+(?:the\s+)?(?:news|world)\b)?\s*(?P<topic>.*)$"
)
_FILLER = re.compile(
    r"^(?:(?:about|on|in|with|from|of|for|to|regarding|the|news|stories|story|any|me|all|"
    r"today's|recent|latest)\s+)+|(?:\s+(?:news|stories|story|so\s+far|recently|lately|please))+$"
)
# A follow-up that only changes the topic or the period of the previous list question.
_FOLLOW_UPS = tuple(
    re.compile(pattern)
    for pattern in (
        r"^(?:(?:and|but|so|ok|okay|then)[\s,]+)?(?:what|how)\s+about\s+(?P<topic>.+)$",
        r"^and\s+(?:in|for|on|about|with|from)\s+(?P<topic>.+)$",
        r"^(?:and\s+)?(?:the\s+)?same\s+(?:for|about|on|in)\s+(?P<topic>.+)$",
        r"^and\s+(?P<topic>(?:last|this|next|yesterday|today)\b.*)$",
    )
)
_PRONOUNS = frozenset({"it", "that", "this", "them", "those", "these", "then"})
_PUNCTUATION = re.compile(r"^[\s,;:.!?\"'()-]+|[\s,;:.!?\"'()-]+$")


@dataclass(frozen=True)
class QuestionKind:
    """The kind of a question and its topic ("" when the question names none)."""

    kind: Kind
    topic: str = ""
    rule: str = ""  # the pattern that decided, for debugging ("" for the fact default)
    period: str = ""  # time words carried over from the conversation (a follow-up's period)


def classify(
    question: str, as_of: datetime | None = None, time: TimeConstraint | None = None
) -> QuestionKind:
    """The kind of ``question`` by the wording rules (a fact when none matches); ``time``: its
    time phrase already resolved (:class:`~assistant.question.QuestionAnalysis`)."""
    as_of = as_of or datetime.now(UTC)
    time_phrase = (time or parse_time_constraints(question, as_of)).matched_text
    text = " ".join(question.strip().split())
    lowered = _PUNCTUATION.sub("", text.lower())
    for kind, pattern in _RULES:
        match = pattern.search(lowered)
        if match is None:
            continue
        groups = match.groupdict()
        if "rest" in groups:  # "what happened ..." is a briefing only with a bare rest
            rest = _remove(groups["rest"] or "", time_phrase)
            topic = _clean(_BRIEFING_REST.match(rest).group("topic"))  # type: ignore[union-attr]
            if not _is_place_or_nothing(rest, topic, time_phrase):
                continue
            return QuestionKind(kind, _original_case(text, topic), pattern.pattern)
        topic = _clean(_remove(groups.get("topic") or "", time_phrase))
        return QuestionKind(kind, _original_case(text, topic), pattern.pattern)
    return QuestionKind("fact")


def resolve_kind(
    question: str,
    requested: str = "auto",
    as_of: datetime | None = None,
    hook: KindHook | None = None,
    history: Sequence[str] = (),
    time: TimeConstraint | None = None,
) -> QuestionKind:
    """The kind to answer with: ``requested`` unless it is "auto", then the rules, then ``hook``.

    An explicit kind keeps the topic the rules find (or the whole question when they find none).
    ``history`` holds the conversation's earlier questions, oldest first: with it, a follow-up
    of a list question keeps that kind and period (see :func:`follow_up`); each earlier
    question is classified once per day (:func:`_turn` keeps what it found).
    """
    found = classify(question, as_of, time)
    if requested == "auto":
        if found.kind == "fact" and history:
            context = None
            for earlier in history:
                context = _turn(earlier, context, as_of)
            followed = follow_up(question, context, as_of)
            if followed is not None:
                return followed
        if found.kind == "fact" and hook is not None:
            named = hook(question)
            if named in KINDS and named != "fact":
                return QuestionKind(named, topic_of(question, as_of), "hook")  # type: ignore[arg-type]
        return found
    if requested not in KINDS:
        known = ", ".join(KINDS)
        raise InvalidQuestion(f"Unknown question kind {requested!r}: use one of {known}, auto.")
    if found.kind == requested or found.kind != "fact":
        return QuestionKind(requested, found.topic, found.rule)  # type: ignore[arg-type]
    return QuestionKind(requested, topic_of(question, as_of), "explicit")  # type: ignore[arg-type]


def follow_up(
    question: str, context: QuestionKind | None, as_of: datetime | None = None
) -> QuestionKind | None:
    """``question`` as a follow-up of the list question ``context`` (None when it is not one).

    The follow-up names a new topic, a new period, or both; what it does not name it keeps
    ("what about it?" keeps the topic). The period kept is ``context``'s time words.
    """
    if context is None or context.kind == "fact":
        return None
    lowered = _PUNCTUATION.sub("", " ".join(question.strip().split()).lower())
    match = next((m for p in _FOLLOW_UPS if (m := p.match(lowered))), None)
    if match is None:
        return None
    time_phrase = parse_time_constraints(question, as_of or datetime.now(UTC)).matched_text
    topic = _clean(_remove(match.group("topic"), time_phrase))
    topic = context.topic if not topic or topic in _PRONOUNS else _original_case(question, topic)
    period = "" if time_phrase else context.period
    return QuestionKind(context.kind, topic, "follow-up", period)


def _turn(question: str, context: QuestionKind | None, as_of: datetime | None) -> QuestionKind:
    """The kind of one question of a conversation, its time words kept for a follow-up."""
    day = (as_of or datetime.now(UTC)).date()
    return _turn_on(question, context, day)


@lru_cache(maxsize=1024)
def _turn_on(question: str, context: QuestionKind | None, day: date) -> QuestionKind:
    """:func:`_turn` for a conversation on ``day``: an earlier turn is classified once."""
    as_of = datetime.combine(day, dt_time(12), tzinfo=UTC)
    time = parse_time_constraints(question, as_of)
    found = classify(question, as_of, time)
    if found.kind != "fact":
        return QuestionKind(found.kind, found.topic, found.rule, time.matched_text)
    followed = follow_up(question, context, as_of)
    if followed is None:
        return found
    if followed.period:
        return followed
    return QuestionKind(followed.kind, followed.topic, followed.rule, time.matched_text)


def topic_of(question: str, as_of: datetime | None = None) -> str:
    """The question without its time phrase and filler words (its topic for a list)."""
    found = classify(question, as_of)
    if found.kind != "fact":
        return found.topic
    time_phrase = parse_time_constraints(question, as_of or datetime.now(UTC)).matched_text
    text = " ".join(question.strip().split())
    return _original_case(text, _clean(_remove(text.lower(), time_phrase)))


def _is_place_or_nothing(rest: str, topic: str, time_phrase: str) -> bool:
    """True for "", "in the news", "this week", "in Norway (this month)": a briefing's rest."""
    if not topic:
        return True
    stripped = rest.strip()
    if re.match(r"^(?:in|around)\s+(?:the\s+)?(?:news|world)\b", stripped):
        return True
    return bool(time_phrase) and bool(
        re.match(r"^(?:in|around|across)\s+\S+(?:\s+\S+)?$", stripped)
    )


def _remove(text: str, phrase: str) -> str:
    if not phrase:
        return text
    return re.sub(re.escape(phrase.lower()), " ", text, count=1)


def _clean(topic: str) -> str:
    previous = None
    while previous != topic:
        previous = topic
        topic = _PUNCTUATION.sub("", " ".join(topic.split()))
        topic = _FILLER.sub("", topic)
    return topic


def _original_case(text: str, topic: str) -> str:
    """``topic`` (found lower-cased) as spelled in the question."""
    if not topic:
        return ""
    at = text.lower().find(topic)
    return text[at : at + len(topic)] if at >= 0 else topic
