"""Follow-up questions made standalone: rules, and the checks a model's rewrite must pass."""

from __future__ import annotations

import re

from assistant.backends.base import History
from assistant.text import content_stems

HISTORY_TURNS = 3
"""Chat turns shown to a condensing model (older ones rarely matter for a follow-up)."""

_DEICTIC = {
    "it", "its", "they", "them", "their", "he", "him", "his", "she", "her", "that", "this",
    "those", "these", "there", "then", "also", "else", "other", "others",
}  # fmt: skip


def condense_by_rules(question: str, history: History) -> str:
    """Without a model: a follow-up leaning on the conversation gets the last question first."""
    if not history:
        return question
    words = re.findall(r"[a-z']+", question.lower())
    leans = (
        len(words) <= 4
        or bool(_DEICTIC & set(words))
        or question.lower().lstrip().startswith(("and ", "what about", "how about", "why", "so "))
    )
    if not leans:
        return question
    previous = history[-1][0].strip()
    return f"{previous} {question.strip()}"


def clean_question(text: str) -> str:
    """The first non-empty line of a model's rewrite, without a "Question:" label or quotes."""
    for line in text.strip().splitlines():
        line = re.sub(r"^(standalone question|question)\s*:\s*", "", line.strip(), flags=re.I)
        line = line.strip().strip("\"'“”*").strip()
        if line:
            return line
    return ""


def acceptable(rewritten: str, question: str, history: History) -> bool:
    """A usable rewrite: not empty, not rambling, not just the previous question again, and,
    for a follow-up that leans on the conversation, with something of the conversation in it."""
    if not rewritten or len(rewritten) > max(300, 3 * len(question)):
        return False
    previous = {_plain(user) for user, _ in history[-1:]}
    if _plain(rewritten) in previous and _plain(rewritten) != _plain(question):
        return False
    if history and condense_by_rules(question, history) != question:
        said = content_stems(" ".join(f"{u} {a}" for u, a in history[-HISTORY_TURNS:]))
        return bool((content_stems(rewritten) - content_stems(question)) & said)
    return True


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))
