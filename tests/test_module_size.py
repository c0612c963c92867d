"""Small modules with one job: none over about 400 lines unless its docstring says why."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 440  # "about 400": a module a few lines over is not yet one to split
REASON = "over 400 lines:"  # in the module docstring, followed by the reason


def test_no_module_over_about_400_lines_without_a_stated_reason() -> None:
    long = []
    for folder in ("assistant", "index", "benchmarks", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if text.count("\n") <= LIMIT:
                continue
            docstring = ast.get_docstring(ast.parse(text)) or ""
            if REASON not in docstring.lower():
                long.append(f"{path.relative_to(ROOT)} ({text.count(chr(10))} lines)")
    assert not long, f"modules over {LIMIT} lines without a stated reason: " + ", ".join(long)
