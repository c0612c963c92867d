"""Tests that read ../shared skip with the reason in a user's clone and fail under CI=true."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from tests import conftest


def _shared_item() -> SimpleNamespace:
    return SimpleNamespace(get_closest_marker=lambda name: object() if name == "shared" else None)


def test_absent_shared_skips_with_the_reason(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "no-shared")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"needs .*no-shared"):
        conftest.pytest_runtest_setup(_shared_item())


def test_absent_shared_fails_under_ci(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(conftest, "SHARED", tmp_path / "no-shared")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run it"):
        conftest.pytest_runtest_setup(_shared_item())


def test_present_shared_runs_and_seed_story_tests_are_marked(
    monkeypatch, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setattr(conftest, "SHARED", tmp_path)
    monkeypatch.setenv("CI", "true")
    assert conftest.pytest_runtest_setup(_shared_item()) is None
    item = SimpleNamespace(fixturenames=["seed_story"], markers=[])
    item.add_marker = item.markers.append
    conftest.pytest_collection_modifyitems([item])
    assert [marker.name for marker in item.markers] == ["shared"]
