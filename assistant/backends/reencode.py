"""A packaged model's weights re-encoded to Q8_0 once, beside the checked file: read faster.

The default Qwen2.5-0.5B file is called Q4_K_M, but its 896-wide rows do not fit the 256-wide
K-quant blocks, so most of its tensors fell back to Q5_0, which llama.cpp reads slowly on x86
CPUs. Q8_0 holds each of those weights almost exactly (8 bits for a 4- or 5-bit value) and is
llama.cpp's fastest CPU format: reading the prompt, the part of an answer a user waits for,
is about twice as fast (BENCHMARKS.md, issue 18). The file is 676 MB instead of 491 MB. The
packaged 1.5B gives its first text about 1.4x as fast in Q8_0 (1.9 GB instead
of 1.1 GB); Gemma is read as packaged.

:func:`reencoded` converts once, in a child process (llama.cpp's native code never runs in the
chat's process; its per-tensor lines go to the model log), writes beside the final name and
renames, and leaves a marker with the packaged file's sha256. When the conversion fails the
packaged file is used as it is.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

SUFFIX = ".q8_0.gguf"
TIMEOUT = 600.0
"""Seconds the conversion may take (about 7 s on 2 cores) before the packaged file is used."""


class Quantizer(Protocol):
    """Writes ``target``: the model in ``source`` with its weights in Q8_0; raises on failure."""

    def __call__(self, source: Path, target: Path, log_path: Path | None) -> None: ...


def quantize_in_child(source: Path, target: Path, log_path: Path | None) -> None:
    """Run llama.cpp's quantizer on ``source`` in a child Python process."""
    code = "import sys; from assistant.backends.reencode import main; sys.exit(main())"
    command = [sys.executable, "-c", code, str(source), str(target)]
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as out:
            done = subprocess.run(
                command, stdout=out, stderr=subprocess.STDOUT, check=False, timeout=TIMEOUT
            )
    else:
        done = subprocess.run(command, capture_output=True, check=False, timeout=TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"llama.cpp's quantizer exited with status {done.returncode}")


def reencoded(
    source: Path,
    source_sha256: str,
    quantize: Quantizer = quantize_in_child,
    log_path: Path | None = None,
) -> Path:
    """``source`` (a checked packaged GGUF) in Q8_0, converted on first use; ``source`` itself
    when the conversion fails (logged)."""
    target = source.with_name(source.name.removesuffix(".gguf") + SUFFIX)
    marker = target.with_name(target.name + ".source-sha256")
    if target.is_file() and marker.is_file() and marker.read_text().strip() == source_sha256:
        return target
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    try:
        quantize(source, partial, log_path)
        if not partial.is_file() or partial.stat().st_size == 0:
            raise RuntimeError("the quantizer wrote no file")
        os.replace(partial, target)
    except Exception as error:
        log.warning("Re-encoding %s to Q8_0 failed (%s); using it as packaged", source, error)
        return source
    finally:
        partial.unlink(missing_ok=True)
    marker.write_text(source_sha256)
    return target


def quantize_q8_0(source: Path, target: Path) -> int:
    """llama.cpp's ``llama_model_quantize`` to Q8_0 (the child's work); its status code."""
    import ctypes

    import llama_cpp

    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = llama_cpp.LLAMA_FTYPE_MOSTLY_Q8_0
    params.allow_requantize = True  # nthread stays 0: llama.cpp uses every core
    return int(
        llama_cpp.llama_model_quantize(
            str(source).encode(), str(target).encode(), ctypes.byref(params)
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    """The child's entry: ``SOURCE TARGET`` on the command line."""
    source, target = (Path(arg) for arg in (argv if argv is not None else sys.argv[1:]))
    return quantize_q8_0(source, target)
