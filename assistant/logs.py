"""Where library noise goes: a log file, never the console of someone using Newsdesk.

The first build exports the embedding model to ONNX (torch's TracerWarning, onnxruntime's
quantisation hint on the root logger), libraries log at DEBUG or INFO, and llama.cpp prints
its own lines: none of it is for the person at the terminal. The CLI calls
:func:`send_library_logs_to_file` once at start; the Python API leaves logging to its caller.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

LOG_NAME = "newsdesk.log"
_MARK = "_newsdesk_log_file"


def send_library_logs_to_file(folder: Path) -> Path:
    """Route warnings and every logger's records (INFO and up) to ``folder/newsdesk.log``."""
    path = folder / LOG_NAME
    root = logging.getLogger()
    if not any(getattr(handler, _MARK, False) for handler in root.handlers):
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        setattr(handler, _MARK, True)
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        logging.captureWarnings(True)  # warnings.warn(...) -> the "py.warnings" logger -> file
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # "Loading weights" bars
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    return path
