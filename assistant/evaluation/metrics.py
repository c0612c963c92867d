"""The measures: recall@k and MRR over ranked article ids, and answer matching rules.

An answer is correct when a gold string occurs in it after normalisation (case, accents and
punctuation ignored, whole words only) and it is short: an answer over ``MAX_ANSWER_CHARS``
characters or ``MAX_ANSWER_WORDS`` words is wrong, so that pasting whole articles cannot score.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.text import CITATION_SPAN as _CITATION_MARK

MAX_ANSWER_CHARS = 400
MAX_ANSWER_WORDS = 60
CUTOFFS = (1, 5, 10)

_NON_WORD = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """Lower case, no accents or punctuation, single spaces: ``"U.S.-led!"`` -> ``"u s led"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_WORD.sub(" ", plain.lower()).strip()


def contains_answer(text: str, answers: Iterable[str]) -> bool:
    """True when one of ``answers`` occurs in ``text`` as whole words, after :func:`normalize`."""
    haystack = f" {normalize(text)} "
    return any((needle := normalize(answer)) and f" {needle} " in haystack for answer in answers)


def strip_citations(text: str) -> str:
    """The answer text without ``[n]`` citation marks."""
    return _CITATION_MARK.sub("", text)


def is_too_long(text: str) -> bool:
    """True for answers longer than the cap (citation marks not counted)."""
    plain = strip_citations(text).strip()
    return len(plain) > MAX_ANSWER_CHARS or len(plain.split()) > MAX_ANSWER_WORDS


def answer_is_correct(text: str, answers: Iterable[str]) -> bool:
    """A short answer that contains a gold string (see the module docstring)."""
    return not is_too_long(text) and contains_answer(strip_citations(text), answers)


def names_only_gold_choice(text: str, choices: Sequence[str], answers: Iterable[str]) -> bool:
    """The second measure: the answer names a gold choice and none of the other ``choices``
    (so "Kamala Harris" counts for "Former Vice President Kamala Harris" when it is the one
    choice it names). A choice is named when its words, or its last name-like word, occur."""
    gold = {normalize(answer) for answer in answers}
    text = strip_citations(text)
    named = [choice for choice in choices if _names(text, choice)]
    return bool(named) and all(normalize(choice) in gold for choice in named)


def _names(text: str, choice: str) -> bool:
    if contains_answer(text, [choice]):
        return True
    words = normalize(choice).split()
    # "Former Vice President Kamala Harris" is named by "Kamala Harris"
    return len(words) > 2 and contains_answer(text, [" ".join(words[-2:])])


# ----------------------------------------------------------------------------- retrieval


def first_hit_rank(ranked_ids: Sequence[str], gold_ids: Iterable[str]) -> int | None:
    """1-based rank of the first gold id in ``ranked_ids`` (duplicates ignored), None if absent."""
    gold = set(gold_ids)
    seen: set[str] = set()
    for article_id in ranked_ids:
        if article_id in seen:
            continue
        seen.add(article_id)
        if article_id in gold:
            return len(seen)
    return None


def recall_at_k(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions with a gold article among the top ``k``."""
    if not ranks:
        return 0.0
    return sum(1 for rank in ranks if rank is not None and rank <= k) / len(ranks)


def mrr_at_k(ranks: Sequence[int | None], k: int) -> float:
    """Mean reciprocal rank of the first gold article, 0 when it is not in the top ``k``."""
    if not ranks:
        return 0.0
    return sum(1 / rank for rank in ranks if rank is not None and rank <= k) / len(ranks)


def retrieval_scores(ranks: Sequence[int | None]) -> dict[str, float]:
    """``recall@1``, ``recall@5``, ``recall@10`` and ``mrr@10``."""
    scores = {f"recall@{k}": recall_at_k(ranks, k) for k in CUTOFFS}
    scores["mrr@10"] = mrr_at_k(ranks, 10)
    return scores


def recall_curve(ranks: Sequence[int | None], max_k: int = 10) -> list[float]:
    """Recall at every k from 1 to ``max_k``."""
    return [recall_at_k(ranks, k) for k in range(1, max_k + 1)]


# ----------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class AnswerOutcome:
    """How one backend did on one question (answerable, and its unanswerable variant)."""

    correct: bool
    covered: bool
    citations: int  # citations of the answer
    supported_citations: int  # of those, citations whose article contains a gold answer
    abstained_without_evidence: bool | None = None  # None: variant not run


def answer_scores(outcomes: Sequence[AnswerOutcome]) -> dict[str, float | None]:
    """``accuracy``, ``citation_precision``, ``abstention`` and ``false_refusal`` (None: undefined).

    Citation precision is pooled over the citations of correct answers; abstention is the share
    of unanswerable variants answered with "not covered"; false refusal the share of answerable
    questions answered that way.
    """
    total = len(outcomes)
    correct = [outcome for outcome in outcomes if outcome.correct]
    cited = sum(outcome.citations for outcome in correct)
    variants = [
        o.abstained_without_evidence for o in outcomes if o.abstained_without_evidence is not None
    ]
    return {
        "accuracy": len(correct) / total if total else None,
        "citation_precision": (
            sum(outcome.supported_citations for outcome in correct) / cited if cited else None
        ),
        "abstention": sum(variants) / len(variants) if variants else None,
        "false_refusal": (
            sum(1 for outcome in outcomes if not outcome.covered) / total if total else None
        ),
    }
