"""What one sentence says, read without the sources: negated, contradicting a source's
window, a refusal ("not covered"), complete without an end mark. ``citations`` uses these."""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from assistant.prompts import NOT_COVERED
from assistant.text import content_stems, words
from index.text import MONTHS

FRAGMENT_WORDS = 3
"""A sentence with fewer content words ("December 10.") is checked together with the question."""


def contradicts(
    claim: set[str],
    negated: bool,
    window: AbstractSet[str],
    sentences: Sequence[tuple[set[str], bool]],
) -> bool:
    """True when a window states the opposite of the claim.

    Either a sentence holds every content word of the claim with the opposite polarity
    ("42 were rescued" / "42 were not rescued"), or the claim uses a word whose opposite the
    window uses instead ("42 workers killed" / "all 42 were rescued").
    """
    stated = claim - _NEGATION_STEMS
    if any(stated <= words_ and negated != negative for words_, negative in sentences if words_):
        return True
    if negated:  # "did not accept" agrees with "rejects"
        return False
    return any(_OPPOSITES.get(stem, frozenset()) & window for stem in claim - window)


def is_negated(sentence: str) -> bool:
    """True when the sentence holds a negation ("not", "never", "no", "n't", "none" ...)."""
    return any(word in _NEGATIONS or word.endswith("n't") for word in words(sentence))


_NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"}
)


_NEGATION_STEMS = frozenset(content_stems(" ".join(_NEGATIONS)))


def _opposites(*groups: tuple[str, str]) -> dict[str, frozenset[str]]:
    """Stem -> the stems of its opposites, from ``(words, opposite words)`` pairs."""
    table: dict[str, set[str]] = {}
    for left, right in groups:
        a, b = content_stems(left), content_stems(right)
        for stem in a:
            table.setdefault(stem, set()).update(b)
        for stem in b:
            table.setdefault(stem, set()).update(a)
    return {stem: frozenset(others) for stem, others in table.items()}


_OPPOSITES = _opposites(
    ("killed dead died deaths perished", "rescued survived safe alive unharmed"),
    ("rose raised increased gained climbed higher", "fell cut lowered decreased dropped lower"),
    ("won wins victory", "lost loses defeat"),
    ("approved accepted backed passed", "rejected vetoed refused blocked"),
    ("opened reopened reopening", "closed shut closure"),
    ("guilty convicted", "acquitted innocent"),
)


def is_not_covered(sentence: str) -> bool:
    """True when the sentence says the sources do not hold the answer."""
    text = " ".join(words(sentence))
    if " ".join(words(NOT_COVERED)) in text:
        return True
    return bool(_REFUSAL.search(text))


_REFUSAL = re.compile(
    r"\b(?:i (?:do not|don't) know|(?:cannot|can't|unable to) answer|no information|"
    r"not (?:covered|mentioned|specified|stated|provided|available)|"
    r"(?:(?:does|do|did) not|doesn't|don't|didn't) (?:cover|mention|contain|provide|specify|"
    r"state|say))\b"
)


def is_complete(text: str) -> bool:
    """True when text without an end mark still reads as a finished sentence.

    Its quotes are balanced, it has enough content words, and it does not stop on a word
    that needs more after it ("on", "the", "Ms", "March", "will").
    """
    if not _quotes_balanced(text) or len(content_stems(text)) < FRAGMENT_WORDS:
        return False
    tail = words(text)
    return bool(tail) and tail[-1] not in _OPEN_ENDED


def has_end(text: str) -> bool:
    """True when the sentence ends with ``.``, ``!`` or ``?`` and leaves no quote open."""
    return bool(END_MARK.search(text)) and _quotes_balanced(text)


def _quotes_balanced(text: str) -> bool:
    straight = text.count('"') % 2 == 0
    return straight and text.count("“") == text.count("”")


END_MARK = re.compile(r"[.!?…][\"'”’)\]]*$")
_OPEN_ENDED = frozenset(
    (  # noqa: SIM905 - a word list reads best as text
        "a an the and or but of to in on at by for from with as into than that which who whose "
        "whom where when while if because about after before between during over under per via "
        "is are was were be been being will would shall should can could may might must has "
        "have had do does did not no nor his her its their our your my this these those "
        "mr mrs ms dr prof sir gen gov sen rep st including such like up "
    ).split()
    + list(MONTHS)
)


__all__ = [
    "END_MARK",
    "FRAGMENT_WORDS",
    "contradicts",
    "has_end",
    "is_complete",
    "is_negated",
    "is_not_covered",
]
