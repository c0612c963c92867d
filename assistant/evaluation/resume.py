"""A resumable run: each question's results are appended to a JSONL file as soon as they are
known, and a run started again with the same file skips what it already holds.

Line one names the run (its command without ``--limit``/``--sample``); a file written by
another run is refused rather than mixed in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from index.errors import NewsdeskError


class ResultLog:
    """Per-question results by ``(stage, question id)``; ``path`` None: kept in memory only."""

    def __init__(self, path: Path | None, run: str) -> None:
        self.path = path
        self._records: dict[tuple[str, str], dict[str, Any]] = {}
        if path is None:
            return
        if path.exists() and path.stat().st_size:
            self._load(path, run)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps({"run": run}) + "\n", encoding="utf-8")

    def __len__(self) -> int:
        return len(self._records)

    def get(self, stage: str, question_id: str) -> dict[str, Any] | None:
        """The record kept for ``question_id`` at ``stage`` (None: not done yet)."""
        return self._records.get((stage, question_id))

    def put(self, stage: str, question_id: str, record: dict[str, Any]) -> None:
        """Keep ``record`` (and append it to the file at once)."""
        self._records[(stage, question_id)] = record
        if self.path is not None:
            line = {"stage": stage, "id": question_id, "record": record}
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(line, ensure_ascii=False) + "\n")

    def _load(self, path: Path, run: str) -> None:
        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n"):  # the run stopped mid-line: drop the cut-off record
            text = text[: text.rfind("\n") + 1]
            path.write_text(text, encoding="utf-8")
        lines = text.splitlines()
        header = json.loads(lines[0]) if lines else {}
        if header.get("run") != run:
            raise NewsdeskError(
                f"{path} holds results of another run ({header.get('run')!r}); "
                "give this run its own --report folder, or delete the file to start over"
            )
        for number, line in enumerate(lines[1:], start=2):
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                raise NewsdeskError(f"{path} line {number} is not JSON; delete the file") from None
            self._records[(entry["stage"], entry["id"])] = entry["record"]
