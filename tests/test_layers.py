"""The layers hold: ``index`` never imports ``assistant``, and ``assistant`` reads the index only
through ``index.reader`` (import contracts in pyproject.toml; docs/architecture.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import get_args

from assistant.backends.registry import BACKEND_NAMES, LOCAL_MODEL_NAMES
from index import settings

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_import_contracts_are_kept() -> None:
    result = _python(
        "from importlinter.cli import lint_imports\n"
        "raise SystemExit(lint_imports(no_cache=True, no_logo=True))"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_settings_load_no_module_of_the_answering_side() -> None:
    result = _python(
        "import sys\n"
        "from index.settings import Settings\n"
        "Settings(llm='extractive', local_model='gemma3-270m')\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'assistant'))"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_settings_name_the_backends_the_registry_builds() -> None:
    assert get_args(settings.BackendName) == settings.BACKEND_NAMES
    assert set(settings.BACKEND_NAMES) == set(BACKEND_NAMES)
    assert set(settings.LOCAL_MODEL_NAMES) == set(LOCAL_MODEL_NAMES)


def test_the_architecture_page_names_only_modules_that_exist() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:index|assistant|prompts)/[\w/]*?(?:\.py|/))`", page))
    assert len(named) > 10
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert not missing, f"docs/architecture.md names modules that do not exist: {missing}"
