"""Settings: environment variables configure, explicit overrides win, bad values are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from index.settings import Settings


def test_environment_configures_fields(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSDESK_HOME", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("NEWSDESK_CHUNK_TOKENS", "128")
    monkeypatch.setenv("NEWSDESK_LLM", "extractive")
    settings = Settings()
    assert settings.home == tmp_path / "elsewhere"
    assert settings.chunk_tokens == 128
    assert settings.llm == "extractive"
    assert settings.catalog_path.parent == settings.home


def test_overrides_beat_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSDESK_K", "3")
    settings = Settings().with_overrides(k=7, home=tmp_path, llm=None)
    assert settings.k == 7
    assert settings.home == tmp_path
    assert settings.llm == "local"  # None means "flag not given"


def test_invalid_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_LLM", "gpt-99")
    with pytest.raises(ValidationError, match="llm"):
        Settings()


def test_a_view_of_no_sources_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_VIEW_SOURCES", "0")
    with pytest.raises(ValidationError, match="view_sources"):
        Settings()
    monkeypatch.setenv("NEWSDESK_VIEW_SOURCES", "5")
    assert Settings().view_sources == 5


def test_unknown_override_is_refused() -> None:
    with pytest.raises(ValidationError):
        Settings().with_overrides(no_such_field=1)
