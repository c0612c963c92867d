"""Index real stories, ask the web chat a question in headless Chromium, save docs/screenshot.png.

Also measures the indexing rate of the demo corpus (the numbers behind the UI's estimates)::

    python benchmarks/ui_screenshot.py --articles 500 --question "Why was Park arrested?"
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "000_f8f8be72d5054970.txt"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500, help="most recent demo articles")
    parser.add_argument("--question", default="Why was South Korea's ousted president arrested?")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--llm", default=None, help="local | openai | extractive")
    parser.add_argument("--home", type=Path, default=None, help="reuse an index folder")
    args = parser.parse_args()

    import index
    from assistant import Assistant
    from assistant.webui.page import build_app
    from assistant.webui.server import start
    from index import demo
    from index.settings import Settings

    home = args.home or Path(tempfile.mkdtemp(prefix="newsdesk-shot-"))
    settings = Settings(home=home).with_overrides(llm=args.llm)
    if not index.stats(settings).articles:
        sources = [demo.write_jsonl(settings, limit=args.articles)]
        if SEED.exists():
            sources.append(SEED)
        started = time.perf_counter()
        report = index.build(sources, settings)
        seconds = time.perf_counter() - started
        print(
            f"indexed {report.new} articles ({report.chunks_added} chunks) in {seconds:.1f} s: "
            f"{report.new / seconds:.1f} articles/s, {report.chunks_added / seconds:.1f} "
            f"chunks/s (index {home})"
        )

    app = build_app(Assistant(settings), settings)
    url = start(app, port=_free_port(), quiet=True)
    try:
        _shoot(url, args.question, args.out)
    finally:
        app.close()
    print(f"saved {args.out}")


def _shoot(url: str, question: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path="/usr/bin/chromium",
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1440, "height": 920},
            device_scale_factor=1,
        )
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(url)
        status = "#nd-status .nd-stats, #nd-status .nd-muted, #nd-status .nd-notice"
        page.locator(status).first.wait_for(timeout=120_000)
        box = page.locator("#nd-question textarea")
        box.fill(question)
        box.press("Enter")
        page.wait_for_function(_ANSWERED, timeout=600_000)
        consulted = page.locator("#nd-sources details.nd-consulted summary")
        if consulted.count():
            consulted.first.click()  # show the other articles the answer was drawn from
        page.wait_for_timeout(800)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        context.close()


_ANSWERED = """() => {
  const chat = document.querySelector('#nd-chat').innerText;
  const sources = document.querySelector('#nd-sources');
  const done = sources.querySelectorAll('.nd-card').length > 0
    || sources.innerText.includes('No indexed article') || chat.includes('⚠️');
  return done && !chat.includes('▍') && !chat.includes('Searching the indexed news');
}"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
