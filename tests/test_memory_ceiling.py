"""The memory ceiling (issue 22): a 0.5 MB ``.jsonl.gz`` whose one record decompresses to a
150-million-character article is rejected while streaming. The build runs in a child process
whose resident memory must stay under ``CEILING`` the whole time; the parent watches it and
kills it at the ceiling, so a regression fails fast instead of exhausting the machine."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

CEILING = 400 << 20  # 400 MiB; a build of one small file peaks near 130 MiB. The bomb once
# took the web process past 6 GB, and counting its lines for the progress bar past 500 MB.
BOMB_CHARS = 150_000_000

CHILD = """
import json, sys
import index
from index.fakes import FakeEmbedder
from index.settings import Settings

settings = Settings(home=sys.argv[2])
reports = []
for run in (index.build([sys.argv[1]], settings, embedder=FakeEmbedder()),
            index.update(settings, embedder=FakeEmbedder())):
    reports.append({"new": run.new, "rejected": [r.reason for r in run.rejected]})
# VmHWM is this process image's own peak; ru_maxrss would also count the parent's resident
# memory at fork time (Linux keeps the larger of the two across exec)
status = open("/proc/self/status").read().split("VmHWM:")[1]
peak = int(status.split()[0]) * 1024
print(json.dumps({"reports": reports, "peak": peak}))
"""


def write_bomb(path: Path) -> None:
    """One JSON line whose text is ``BOMB_CHARS`` characters, written in 1 MB pieces."""
    piece = "The tram fare in Lisbon is 3.10 euros. " * 26_000
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write('{"title": "Bomb", "text": "')
        written = 0
        while written < BOMB_CHARS:
            out.write(piece)
            written += len(piece)
        out.write('"}\n')


def test_a_gzip_bomb_is_rejected_within_the_memory_ceiling(tmp_path: Path) -> None:
    news = tmp_path / "news"
    news.mkdir()
    bomb = news / "bomb.jsonl.gz"
    write_bomb(bomb)
    (news / "trams.jsonl").write_text(
        json.dumps({"title": "Trams", "text": "Trams run all night in Lisbon."}) + "\n"
    )
    assert bomb.stat().st_size < 2_000_000  # passes every size check on the compressed file
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(news), str(tmp_path / "home")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watched = _watch(child)
    out, err = child.communicate()
    assert watched < CEILING, f"the build passed {CEILING >> 20} MiB resident and was killed"
    assert child.returncode == 0, err[-2000:]
    result = json.loads(out.strip().splitlines()[-1])
    assert result["peak"] < CEILING, f"peak RSS {result['peak'] >> 20} MiB"
    first, again = result["reports"]
    assert first["new"] == 1  # the other file of the folder is still indexed
    [reason] = first["rejected"]
    assert "record is over the 4.0 MB limit (NEWSDESK_MAX_RECORD_BYTES)" in reason
    [reason] = again["rejected"]  # the update does not decompress the bomb again
    assert reason.endswith("(unchanged since; not read again)")


def _watch(child: subprocess.Popen[str]) -> int:
    """Poll the child's resident memory until it ends; kill it at the ceiling. The peak seen."""
    peak = 0
    status = Path(f"/proc/{child.pid}/status")
    while child.poll() is None:
        try:
            rss = next(
                int(line.split()[1]) * 1024
                for line in status.read_text().splitlines()
                if line.startswith("VmRSS:")
            )
        except (OSError, StopIteration):
            rss = 0
        peak = max(peak, rss)
        if rss >= CEILING:
            child.kill()
            break
        time.sleep(0.05)
    return peak
