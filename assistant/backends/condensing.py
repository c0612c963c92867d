"""Follow-up questions made standalone: whether a question leans on the conversation, the
rules that rewrite it, and the checks a model's rewrite must pass."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from assistant.backends.base import History
from assistant.dates import parse_time_constraints
from assistant.question import NAME_RUN
from assistant.text import content_stems
from index.text import QUERY_STOPWORDS, words

HISTORY_TURNS = 3
"""Chat turns shown to a condensing model (older ones rarely matter for a follow-up)."""
CONDENSE_TOKENS = 48
"""Room for a model's rewrite of a follow-up."""

_DEICTIC = {
    "it", "its", "they", "them", "their", "he", "him", "his", "she", "her", "that", "this",
    "those", "these", "then", "also", "else", "other", "others",
}  # fmt: skip
_POSSESSIVES = {"its", "their", "his"}
"""Deictic words that, after a name in the same question, point at that name ("What did the
ECB do with its deposit rate?"), not back at the conversation."""
_OPENINGS = ("and ", "what about", "how about", "why", "so ", "but ", "also ")
_THE_THING = re.compile(r"\bthe\s+(?!first\b|last\b|latest\b|most\b|new\b)[a-z]+", re.I)
_WAS_THERE = re.compile(r"\b(?:is|are|was|were|be)\s+there\b|\bthere\s+(?:is|are|was|were)\b")


def leans_on_conversation(question: str) -> bool:
    """True when ``question`` needs the conversation to be understood: it is very short, opens
    like a follow-up ("and ...", "what about ..."), points back ("it", "they", "there" as a
    place), or speaks of "the" thing without naming anything ("Who is leading the
    negotiations?"). A question that names its topic stands alone, its possessives after the
    name too ("What did the ECB do with its deposit rate?")."""
    lowered = question.lower().strip()
    if len(words(lowered)) <= 4 or lowered.startswith(_OPENINGS):
        return True
    # the opening word is capitalised, not a name: "Did Statoil ..." names Statoil
    names = [m for m in NAME_RUN.finditer(question[:1].lower() + question[1:]) if m.start() > 0]
    # "this" in "this week" is a time phrase, not a pointer back to the conversation
    said = words(_WAS_THERE.sub(" ", _without_time_phrase(lowered)))
    after_name = words(question[names[0].end() :].lower()) if names else []
    pointers = (_DEICTIC & set(said)) - (_POSSESSIVES & set(after_name))
    if pointers or "there" in said:
        return True
    topic = [w for w in said if w not in QUERY_STOPWORDS]
    return not names and bool(_THE_THING.search(question)) and len(topic) <= 3


def _without_time_phrase(question: str) -> str:
    """``question`` without its time phrase ("this week", "on Monday"), as the dates parser
    reads it (the reference day does not change which words it matches)."""
    phrase = parse_time_constraints(question, datetime.now(UTC)).matched_text
    return question.replace(phrase, " ") if phrase else question


def condense_by_rules(question: str, history: History) -> str:
    """Without a model: a follow-up leaning on the conversation gets the topic of the last
    question that named one, in parentheses ("Who is leading the negotiations? (Kosovo)");
    one with hardly a word of its own ("And then?") gets the whole last question first."""
    if not history or not leans_on_conversation(question):
        return question
    own = [w for w in words(question) if w not in QUERY_STOPWORDS | _DEICTIC]
    topic = conversation_topic(history)
    if len(own) < 2 or not topic:
        return f"{history[-1][0].strip()} {question.strip()}"
    return f"{question.strip()} ({topic})"


def conversation_topic(history: History) -> str:
    """The names in the latest question that names anything ("Kosovo", "Serbia"), else the
    content words of the last question."""
    for user, _ in reversed(history):
        names = [m.group(0) for m in NAME_RUN.finditer(user) if m.start() > 0]
        if names:
            return ", ".join(dict.fromkeys(names))
    last = history[-1][0]
    return " ".join(w for w in words(last) if w not in QUERY_STOPWORDS)


def clean_question(text: str) -> str:
    """The first non-empty line of a model's rewrite, without a "Question:" label or quotes."""
    for line in text.strip().splitlines():
        line = re.sub(r"^(standalone question|question)\s*:\s*", "", line.strip(), flags=re.I)
        line = line.strip().strip("\"'“”*").strip()
        if line:
            return line
    return ""


def acceptable(rewritten: str, question: str, history: History) -> bool:
    """A usable rewrite: not empty, not rambling, not just the previous question again, keeping
    at least half of the question's own words, and, for a follow-up that leans on the
    conversation, with something of the conversation in it."""
    if not rewritten or len(rewritten) > max(300, 3 * len(question)):
        return False
    previous = {_plain(user) for user, _ in history[-1:]}
    if _plain(rewritten) in previous and _plain(rewritten) != _plain(question):
        return False
    own = content_stems(question)
    if own and len(own & content_stems(rewritten)) < 0.5 * len(own):
        return False  # the rewrite asks something else
    if history and leans_on_conversation(question):
        said = content_stems(" ".join(f"{u} {a}" for u, a in history[-HISTORY_TURNS:]))
        return bool((content_stems(rewritten) - content_stems(question)) & said)
    return True


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
