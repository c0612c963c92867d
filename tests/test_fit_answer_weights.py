"""The pure parts of benchmarks/fit_answer_weights.py (the fit on RealTimeQA is not run in CI)."""

from __future__ import annotations

from datetime import date

import numpy as np

from assistant.evaluation.data import Question
from assistant.grounding import Grounding
from benchmarks.fit_answer_weights import SIGNALS, fit_and_measure, markdown, signals
from tests.fixtures.answering.sources import three_sources


def test_each_sentence_gets_every_signal_and_its_gold_label(fake_embedder) -> None:
    question = Question(
        "q1", date(2008, 12, 5), "How many workers were flown ashore?", ("600",), ("storm",)
    )
    grounding = Grounding(three_sources(), fake_embedder)
    features, labels = signals(question, grounding)
    assert features.shape == (len(labels), len(SIGNALS))
    assert labels.sum() == 1  # the one sentence holding "600"
    lede = features[:, SIGNALS.index("lede")]
    assert set(np.round(lede, 3)) <= {round(1 / (1 + p), 3) for p in range(50)}
    for share in ("words", "novelty"):
        column = features[:, SIGNALS.index(share)]
        assert ((column >= 0) & (column <= 1)).all() and column.max() > 0


def _table(rng: np.random.Generator, gold_at: int) -> tuple[np.ndarray, np.ndarray]:
    """Ten sentences of random signals; the gold one says most beyond the question."""
    features = rng.uniform(0, 0.5, size=(10, len(SIGNALS)))
    features[gold_at, SIGNALS.index("novelty")] = 1.0
    labels = np.zeros(10, bool)
    labels[gold_at] = True
    return features, labels


def test_the_fit_learns_a_signal_that_finds_the_gold_and_measures_it_held_out() -> None:
    rng = np.random.default_rng(0)
    tables = [_table(rng, int(rng.integers(10))) for _ in range(40)]
    report = fit_and_measure(tables)
    assert report["likeliest_holds_gold"]["fitted"][0] == 1.0
    assert report["weights"]["novelty"] == max(report["weights"].values())
    assert report["likeliest_holds_gold"]["before"][0] < 0.5  # words and meaning: random here
    assert "| fitted | 1.000 |" in markdown(report)
