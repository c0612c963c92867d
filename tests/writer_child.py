"""A writer in its own process, for tests/test_writers.py (two real processes, one home).

``python -m tests.writer_child MODE CORPUS HOME PAUSE N WAIT``: MODE is ``build`` or ``update``;
PAUSE is ``none``, ``start`` (wait for a line on stdin before writing, after the imports),
``article`` (pause after reading the Nth article) or ``pending`` (pause right after the Nth
batch was marked pending, i.e. in the middle of a write). A pause prints ``paused`` and waits
for a line on stdin. WAIT is ``wait`` or ``no-wait``. Embeds with the FakeEmbedder.
"""

from __future__ import annotations

import sys

from index import build, update
from index.errors import WriterBusy
from index.fakes import FakeEmbedder
from index.settings import Settings
from index.stores.catalog import Catalog


def pause() -> None:
    print("paused", flush=True)
    sys.stdin.readline()


def main(mode: str, corpus: str, home: str, point: str, n: int, wait: str) -> int:
    settings = Settings(home=home, chunk_tokens=48, chunk_overlap=8, embedding_batch_size=4)
    if point == "pending":
        original, calls = Catalog.mark_pending, [0]

        def mark_pending(self: Catalog, entries: object) -> None:
            original(self, entries)
            calls[0] += 1
            if calls[0] == n:
                pause()

        Catalog.mark_pending = mark_pending  # type: ignore[method-assign]

    def progress(done: int, total: int | None, stage: str) -> None:
        if point == "article" and stage == "articles" and done == n:
            pause()

    if point == "start":
        pause()
    options = {} if wait == "wait" else {"wait": False}
    try:
        if mode == "build":
            build([corpus], settings, embedder=FakeEmbedder(), progress=progress, **options)
        else:
            update(settings, embedder=FakeEmbedder(), progress=progress, **options)
    except WriterBusy as error:
        print(f"busy: {error}", file=sys.stderr, flush=True)
        return 4
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    mode, corpus, home, point, n, wait = sys.argv[1:7]
    sys.exit(main(mode, corpus, home, point, int(n), wait))
