"""The measures, checked against figures computed by hand."""

from __future__ import annotations

import pytest

from assistant.evaluation.metrics import (
    AnswerOutcome,
    answer_is_correct,
    answer_scores,
    contains_answer,
    first_hit_rank,
    mrr_at_k,
    normalize,
    recall_at_k,
    recall_curve,
    retrieval_scores,
)


def test_normalize() -> None:
    assert normalize("  U.S.-led  Café, 25%! ") == "u s led cafe 25"


@pytest.mark.parametrize(
    ("text", "answers", "expected"),
    [
        ("It was Los Angeles [1].", ["Los Angeles"], True),
        ("it was LOS-ANGELES", ["Los Angeles"], True),
        ("About 25% of students [2]", ["25%"], True),
        ("About 250 students", ["25%"], False),  # whole words only
        ("The Mars rover", ["Mar"], False),
        ("Longwood Gardens", ["Longwood Gardens", "Longwood"], True),
        ("Nothing here", ["Tesla"], False),
        ("Émile Zola won", ["Emile Zola"], True),
    ],
)
def test_answer_matching(text: str, answers: list[str], expected: bool) -> None:
    assert answer_is_correct(text, answers) is expected


def test_long_answers_are_wrong_even_with_the_gold_string() -> None:
    padded = "Los Angeles " + "word " * 60
    assert contains_answer(padded, ["Los Angeles"])
    assert not answer_is_correct(padded, ["Los Angeles"])
    assert not answer_is_correct("Los Angeles " + "x" * 400, ["Los Angeles"])
    cited = "Los Angeles " + "[1] " * 100  # citation marks do not count towards the cap
    assert answer_is_correct(cited, ["Los Angeles"])


def test_first_hit_rank() -> None:
    assert first_hit_rank(["a", "b", "c"], {"c", "z"}) == 3
    assert first_hit_rank(["a", "a", "b"], {"b"}) == 2  # repeated ids count once
    assert first_hit_rank(["a"], {"b"}) is None


def test_recall_and_mrr_by_hand() -> None:
    ranks = [1, 3, None, 7, 12]
    assert recall_at_k(ranks, 1) == pytest.approx(1 / 5)
    assert recall_at_k(ranks, 5) == pytest.approx(2 / 5)
    assert recall_at_k(ranks, 10) == pytest.approx(3 / 5)
    assert mrr_at_k(ranks, 10) == pytest.approx((1 + 1 / 3 + 1 / 7) / 5)
    assert retrieval_scores(ranks) == {
        "recall@1": pytest.approx(0.2),
        "recall@5": pytest.approx(0.4),
        "recall@10": pytest.approx(0.6),
        "mrr@10": pytest.approx((1 + 1 / 3 + 1 / 7) / 5),
    }
    assert recall_curve(ranks, 4) == pytest.approx([0.2, 0.2, 0.4, 0.4])
    assert recall_at_k([], 5) == 0.0 and mrr_at_k([], 10) == 0.0


def test_answer_scores_by_hand() -> None:
    outcomes = [
        AnswerOutcome(
            correct=True,
            covered=True,
            citations=2,
            supported_citations=1,
            abstained_without_evidence=True,
        ),
        AnswerOutcome(
            correct=True,
            covered=True,
            citations=1,
            supported_citations=1,
            abstained_without_evidence=False,
        ),
        AnswerOutcome(
            correct=False,
            covered=True,
            citations=3,
            supported_citations=0,
            abstained_without_evidence=True,
        ),
        AnswerOutcome(
            correct=False,
            covered=False,
            citations=0,
            supported_citations=0,
            abstained_without_evidence=True,
        ),
    ]
    assert answer_scores(outcomes) == {
        "accuracy": 0.5,
        "citation_precision": pytest.approx(2 / 3),  # only citations of correct answers
        "abstention": 0.75,
        "false_refusal": 0.25,
    }


def test_answer_scores_undefined_parts_are_none() -> None:
    assert answer_scores([]) == dict.fromkeys(
        ("accuracy", "citation_precision", "abstention", "false_refusal")
    )
    wrong = [AnswerOutcome(correct=False, covered=True, citations=1, supported_citations=0)]
    scores = answer_scores(wrong)
    assert scores["citation_precision"] is None and scores["abstention"] is None
