"""Shared fixtures: every test gets its own NEWSDESK_HOME and no network model downloads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from index.fakes import FakeEmbedder
from index.settings import Settings

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that reads the seed story is a ``shared`` test too."""
    for item in items:
        if "seed_story" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``shared`` tests read ../shared beside the clone: CI must run them (it has it), a
    user's clone has none, so they skip there with the reason."""
    if item.get_closest_marker("shared") is None or SHARED.is_dir():
        return
    message = f"needs {SHARED} (the seed story and the evaluation data beside the clone)"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{message}: CI must run it", pytrace=False)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def newsdesk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point NEWSDESK_HOME at a fresh folder so no test touches the user's index."""
    home = tmp_path / "newsdesk-home"
    monkeypatch.setenv("NEWSDESK_HOME", str(home))
    for name in list(os.environ):
        if name.startswith("NEWSDESK_") and name not in {"NEWSDESK_HOME", "NEWSDESK_CACHE_DIR"}:
            monkeypatch.delenv(name)
    return home


@pytest.fixture
def settings(newsdesk_home: Path) -> Settings:
    """Settings on the per-test home folder."""
    return Settings(home=newsdesk_home)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    """A deterministic bag-of-words embedder."""
    return FakeEmbedder()


@pytest.fixture
def seed_story() -> Path:
    """The real Reuters wire story from ../shared/seeds (read in place, never copied)."""
    return SHARED / "seeds" / "000_f8f8be72d5054970.txt"


@pytest.fixture(autouse=True)
def model_load_guard(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, newsdesk_home: Path
) -> None:
    """Only tests marked ``integration`` may load a real language model (after
    ``newsdesk_home`` has cleared the other NEWSDESK_* variables)."""
    allowed = request.node.get_closest_marker("integration") is not None
    monkeypatch.setenv("NEWSDESK_ALLOW_MODEL_LOAD", "1" if allowed else "0")
