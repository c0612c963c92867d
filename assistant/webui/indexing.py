"""The page's indexing events: adding sources, updating the index and building the demo
corpus, each with a progress bar and its report (or error) as HTML.

:class:`IndexingEvents` is a part of ``page.NewsdeskPage``, which supplies its ``library`` and
``backend``; the page wires these methods to the sidebar's and the onboarding's buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.progress import IndexingProgress
from assistant.webui.holder import AssistantHolder
from assistant.webui.library import Library, Progress
from assistant.webui.panels import busy_message, demo_label, notice, report_html
from assistant.webui.render import explain
from index import demo
from index.errors import SourceRejected, WriterBusy

Job = Callable[[Progress], Any]  # an indexing run, given its progress hook


class IndexingEvents:
    """The handlers of the indexing controls (one method per event) over ``library``; after a
    run the ``backend`` is told the index changed."""

    library: Library
    backend: AssistantHolder

    def demo_estimates(self) -> tuple[Any, Any]:
        """The demo buttons with the time this machine takes, measured now (or by its last
        demo build); only while the onboarding shows."""
        if not self.library.view().empty:
            return gr.update(), gr.update()
        rate = self.library.demo_rate()
        return (
            gr.update(value=demo_label(demo.QUICK_SLICE, rate)),
            gr.update(value=demo_label(None, rate)),
        )

    # Gradio gives each handler a tracker through its ``gr.Progress`` default.
    def add_sources(
        self,
        files: list[str] | None,
        where: str | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, Any, str]:
        """Index the uploaded files and the folder or feed URL typed in."""
        try:
            sources = self.library.stage_uploads(files or [])
        except SourceRejected as error:
            return notice(explain(error), "error"), gr.update(), ""
        if where and where.strip():
            sources.append(where.strip())
        if not sources:
            return (
                notice("Choose files to upload, or give a folder path or a feed URL.", "error"),
                gr.update(),
                where or "",
            )
        return (
            self.run_indexing(lambda report: self.library.add(sources, report), progress),
            None,
            "",
        )

    def update_index(self, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        """Re-read every recorded source."""
        return self.run_indexing(self.library.update, progress)

    def index_quick(self, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        """Index the most recent slice of the demo corpus."""
        return self.run_indexing(
            lambda report: self.library.index_demo(demo.QUICK_SLICE, report), progress
        )

    def index_all(self, progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
        """Index the whole demo corpus."""
        return self.run_indexing(lambda report: self.library.index_demo(None, report), progress)

    def run_indexing(self, job: Job, progress: gr.Progress) -> str:
        """Run ``job`` with ``progress`` showing its stages; its report (or error) as HTML."""

        tracker = IndexingProgress()

        def report(done: int, total: int | None, stage: str) -> None:
            status = tracker.update(done, total, stage)
            if status.total and status.done is not None:
                progress((status.done, status.total), desc=status.text, unit="articles")
            else:
                progress(None, desc=status.text)

        try:
            result = job(report)
        except WriterBusy as error:  # never wait behind another writer in a page worker
            return notice(busy_message(error.holder), "error")
        except Exception as error:
            return notice(explain(error), "error")
        self.backend.refresh()
        return report_html(result)
