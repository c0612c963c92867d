"""Concurrent web chat users: N clients asking through ``/chat`` at once, for N = 1, 4, 16.

    python benchmarks/bench_load.py [--home DIR] [--llm extractive] [--clients 1,4,16]
                                    [--questions 3] [--port PORT] [--json]

Builds a small index (``tests/fixtures/pipeline/news``) into ``--home`` unless it already holds
articles, starts ``newsdesk ui`` on 127.0.0.1 in a subprocess (``NEWSDESK_LLM`` from ``--llm``),
then (after one untimed warm-up question) for each N starts N threads, each with its own
``gradio_client.Client``, asking ``--questions`` questions one after the other. Every loop is
bounded, and the server is stopped at the end. Reports per N: answered (an answer and no
error), failed, p50 / p95 latency of one question as a client sees it (queue wait included:
``/chat`` runs one question at a time) and the wall time of the round.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "tests" / "fixtures" / "pipeline" / "news"
QUESTIONS = [
    "What did the storm do?",
    "Who won the election?",
    "What is happening with wheat prices?",
    "What is the deadline in Kosovo?",
]
START_TIMEOUT = 180.0
QUESTION_TIMEOUT = 300.0
NEWSDESK = [sys.executable, "-c", "from assistant.cli import main; main()"]  # the CLI, this venv


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--home", type=Path, help="Index folder (default: a temporary one).")
    parser.add_argument("--llm", default="extractive", help="Answering backend of the server.")
    parser.add_argument("--clients", default="1,4,16", help="Comma-separated values of N.")
    parser.add_argument("--questions", type=int, default=3, help="Questions per client.")
    parser.add_argument("--port", type=int, default=0, help="Server port (default: a free one).")
    parser.add_argument("--json", action="store_true", help="Print the rows as JSON.")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        home = args.home or Path(scratch) / "home"
        env = {
            **os.environ,
            "NEWSDESK_HOME": str(home),
            "NEWSDESK_LLM": args.llm,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        ensure_index(home, env)
        port = args.port or free_port()
        server = start_server(port, env, Path(scratch) / "ui.log")
        try:
            url = f"http://127.0.0.1:{port}/"
            wait_for(url, server)
            round_of(url, 1, 1)  # warm-up, untimed: the server loads its models on first use
            rows = [round_of(url, int(n), args.questions) for n in args.clients.split(",")]
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"--llm {args.llm}\n")
    print("| N clients | questions | answered | failed | p50 s | p95 s | wall s |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['clients']} | {row['questions']} | {row['answered']} | {row['failed']} | "
            f"{row['p50']:.2f} | {row['p95']:.2f} | {row['wall']:.1f} |"
        )


def ensure_index(home: Path, env: dict[str, str]) -> None:
    """Index the fixture news into ``home`` unless it already holds articles."""
    if (home / "catalog.sqlite3").exists():
        return
    command = [*NEWSDESK, "index", "build", "--quiet", str(NEWS)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode not in (0, 3):
        sys.exit(f"index build failed: {done.stderr[-2000:]}")


def start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                *NEWSDESK,
                "ui",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    import httpx

    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("newsdesk ui exited before answering")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    sys.exit(f"newsdesk ui did not answer within {START_TIMEOUT:.0f} s")


def round_of(url: str, clients: int, questions: int) -> dict[str, Any]:
    """N clients at once, each asking ``questions`` questions in turn."""
    from gradio_client import Client

    connected = [Client(url, verbose=False) for _ in range(clients)]
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def user(number: int) -> None:
        start.wait(timeout=QUESTION_TIMEOUT)
        for turn in range(questions):
            question = QUESTIONS[(number + turn) % len(QUESTIONS)]
            began = time.perf_counter()
            try:
                job = connected[number].submit(question, api_name="/chat")
                result = job.result(timeout=QUESTION_TIMEOUT)
                problem = (
                    None
                    if result.get("answer") and not result.get("error")
                    else str(result.get("error") or "no answer")
                )
            except Exception as error:  # a failed question is counted, not raised
                problem = f"{type(error).__name__}: {error}"
            took = time.perf_counter() - began
            with lock:
                (failures.append(problem) if problem else latencies.append(took))

    began = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=QUESTION_TIMEOUT * questions + 60)
    wall = time.perf_counter() - began
    for client in connected:
        client.close()
    ordered = sorted(latencies) or [float("nan")]
    return {
        "clients": clients,
        "questions": clients * questions,
        "answered": len(latencies),
        "failed": len(failures),
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "wall": wall,
        "first_failure": failures[0] if failures else None,
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
