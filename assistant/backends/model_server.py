"""The child process of :mod:`assistant.backends.model_process`: llama-cpp-python's server.

Run as ``python -m assistant.backends.model_server FD`` with the listening socket's file
descriptor and the model settings in ``NEWSDESK_MODEL_SERVER_CONFIG`` (JSON). It serves the
OpenAI-compatible API of ``llama_cpp.server`` on that socket and logs only warnings.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time


def main(argv: list[str]) -> None:
    """Load the model and serve it on the inherited socket until stopped."""
    exit_with_parent()
    from assistant.backends.guard import check_model_load

    check_model_load("a local GGUF model")  # exits before loading: the parent says so
    import uvicorn
    from llama_cpp.server.app import create_app
    from llama_cpp.server.settings import ModelSettings, ServerSettings

    config = json.loads(os.environ["NEWSDESK_MODEL_SERVER_CONFIG"])
    server = ServerSettings(
        host="127.0.0.1",
        port=0,
        api_key=config["api_key"],
        interrupt_requests=False,  # one user's question must not cut another's answer short
    )
    model = ModelSettings(
        model=config["model"],
        n_ctx=config["n_ctx"],
        n_threads=config["n_threads"],
        n_threads_batch=config["n_threads"],
        # the server's default computes the vocabulary's logits for every prompt token, which
        # nothing here reads: +0.6 s on a 460-token prompt (BENCHMARKS.md, issue 18)
        logits_all=False,
        verbose=False,
    )
    app = create_app(server_settings=server, model_settings=[model])
    uvicorn.run(app, fd=int(argv[0]), log_level="warning", access_log=False)


def exit_with_parent(every: float = 1.0) -> None:
    """End this process when the one that started it is gone (even after its kill -9)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


if __name__ == "__main__":
    main(sys.argv[1:])
