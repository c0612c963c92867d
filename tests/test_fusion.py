"""Reciprocal rank fusion."""

from __future__ import annotations

import pytest

from assistant.retrieval.fusion import fuse_rankings


def test_scores_are_reciprocal_ranks() -> None:
    fused = dict(fuse_rankings([["a", "b"], ["b", "c"]], k=60))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 62)


def test_agreement_beats_a_single_first_place() -> None:
    order = [item for item, _ in fuse_rankings([["x", "a", "b"], ["y", "a", "c"]])]
    assert order[0] == "a"
    assert set(order) == {"a", "b", "c", "x", "y"}


def test_weights_scale_each_ranking() -> None:
    order = [item for item, _ in fuse_rankings([["a"], ["b"]], weights=[1.0, 2.0])]
    assert order == ["b", "a"]


def test_ties_keep_first_appearance() -> None:
    assert [item for item, _ in fuse_rankings([["a", "b"], ["b", "a"]])] == ["a", "b"]


def test_duplicates_in_one_ranking_count_once() -> None:
    fused = dict(fuse_rankings([["a", "a", "b"]], k=0))
    assert fused == {"a": 1.0, "b": pytest.approx(1 / 3)}


def test_empty_rankings() -> None:
    assert fuse_rankings([]) == []
    assert fuse_rankings([[], []]) == []


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="2 weights given for 1 rankings"):
        fuse_rankings([["a"]], weights=[1.0, 1.0])
    with pytest.raises(ValueError, match="k must be"):
        fuse_rankings([["a"]], k=-1)
