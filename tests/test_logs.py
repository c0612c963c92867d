"""Library noise goes to the log file, not the console of the person using the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NOISY = """
import logging, warnings
from assistant.logs import send_library_logs_to_file
from pathlib import Path
path = send_library_logs_to_file(Path({folder!r}))
warnings.warn("a TracerWarning from a library")
logging.getLogger("bm25s").debug("DEBUG:bm25s tokenising")
logging.warning("Please consider to run pre-processing before quantization")
logging.getLogger("newsdesk.ui").info("answered in 2 s")
from transformers.utils.logging import tqdm
for _ in tqdm(range(3), desc="Loading weights"):
    pass
print("the answer")
"""


def test_warnings_and_library_logs_reach_the_file_not_the_console(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    done = subprocess.run(
        [sys.executable, "-c", NOISY.format(folder=str(folder))],
        capture_output=True,
        text=True,
        check=True,
    )
    assert (done.stdout, done.stderr) == ("the answer\n", "")
    logged = (folder / "newsdesk.log").read_text(encoding="utf-8")
    assert "TracerWarning" in logged and "pre-processing" in logged and "answered in" in logged
    assert "DEBUG:bm25s" not in logged  # INFO and up only


def test_the_cli_sets_it_up_under_the_cache_dir(tmp_path: Path) -> None:
    env_cache = tmp_path / "cache"
    done = subprocess.run(
        [sys.executable, "-c", "from assistant.cli import main; main()", "index", "stats"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "NEWSDESK_CACHE_DIR": str(env_cache),
            "NEWSDESK_HOME": str(tmp_path / "home"),
        },
    )
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr
    assert (env_cache / "logs").is_dir()
