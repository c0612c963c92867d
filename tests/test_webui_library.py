"""The index as the web chat uses it: staging uploads, adding sources, status and examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.webui.library import Library
from assistant.webui.panels import report_html, status_html
from index.errors import SourceRejected


def test_stage_uploads_rejects_unknown_types(settings, tmp_path) -> None:
    library = Library(settings, uploaded_from=[tmp_path])
    good, bad = tmp_path / "story.txt", tmp_path / "report.pdf"
    good.write_text("Title\n\nBody.")
    bad.write_bytes(b"%PDF")

    [staged] = library.stage_uploads([str(good)])
    assert Path(staged).name == "story.txt" and Path(staged).read_text() == "Title\n\nBody."
    assert Path(staged).parent.parent == settings.home / "uploads"
    with pytest.raises(SourceRejected, match=r"report\.pdf: not a supported file type"):
        library.stage_uploads([str(bad)])


def test_library_adds_sources_and_reports_rejections(
    settings, seed_story, tmp_path, fake_embedder
) -> None:
    roots = [seed_story.parent, tmp_path]  # the page reads server paths only under its roots
    library = Library(settings.with_overrides(ui_source_roots=roots), embedder=fake_embedder)
    assert library.view().empty

    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    steps: list[str] = []
    report = library.add([str(seed_story), str(broken)], lambda d, t, stage: steps.append(stage))
    shown = report_html(report)

    assert report.new == 1 and steps
    assert "Indexed 1 new" in shown and "broken.json" in shown and "Not indexed (1)" in shown
    view = library.view()
    assert view.stats["articles"] == 1 and view.outlets == ["Reuters"]
    assert view.examples == ["What happened: New bid to break Kosovo stalemate as deadline nears?"]
    assert "Articles" in status_html(view)
    assert library.update(lambda d, t, stage: None).unchanged == 1
