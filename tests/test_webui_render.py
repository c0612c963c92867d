"""Answers as page content: linked markers, escaping, source cards, highlighted passages."""

from __future__ import annotations

from datetime import UTC, datetime

from assistant.answer import Citation
from assistant.webui.render import (
    cited_passages,
    claims_citing,
    example_questions,
    excerpt,
    render_answer,
    safe_markdown,
    source_card,
)
from tests.test_ui import STORIES, Story, make_source


def test_render_answer_links_markers_and_escapes_text() -> None:
    sources = [make_source(1, STORIES[0]), make_source(2, STORIES[1])]
    text = "Sanctions were extended [1][2], see <img src=x onerror=alert(1)> [7] [1, 2]."
    rendered = render_answer(text, sources, turn=3)

    assert "[\\[1\\]](#nd-t3-s1)" in rendered and "[\\[2\\]](#nd-t3-s2)" in rendered
    assert "<img" not in rendered and "&lt;img" in rendered
    assert "[7]" not in rendered  # a number with no source is dropped


def test_safe_markdown_neutralises_html_links_and_images() -> None:
    shown = safe_markdown('![x](http://evil/p.png) [a](javascript:alert(1)) <i>"q"</i>')
    assert shown == ('!\\[x\\](http://evil/p.png) \\[a\\](javascript:alert(1)) '
                     '&lt;i&gt;"q"&lt;/i&gt;')


def test_source_card_escapes_and_highlights() -> None:
    story = Story('<script>window.__pwned=1</script> "Q"', "<b>Outlet</b>",
                  datetime(2025, 1, 2, tzinfo=UTC), "Before. The cited passage here. After.",
                  "javascript:alert(1)")
    source = make_source(1, story)
    citation = Citation(1, "a1", story.title, story.outlet, None, story.published,
                        "The cited passage here.")
    card = source_card(source, citation, turn=1)

    assert "<script>" not in card and "&lt;script&gt;" in card
    assert "<b>Outlet" not in card
    assert "javascript:" not in card  # only http(s) links are shown
    assert "<mark>The cited passage here.</mark>" in card
    assert "id='nd-t1-s1'" in card and "2 Jan 2025" in card


def test_example_questions_come_from_titles() -> None:
    titles = [("Kim Jong Nam's body released to North Korea", "BBC"),
              ("Another BBC story about something else", "BBC"),
              ("Boy awarded \ufffd1.5m", "RTÉ"),
              ("Grenoble lifts suspension against rugby players", "RTÉ")]
    assert example_questions(titles) == [
        "What happened: Kim Jong Nam's body released to North Korea?",
        "What happened: Grenoble lifts suspension against rugby players?",
    ]


def test_long_snippets_highlight_the_sentences_the_answer_uses() -> None:
    answer = ("Park was arrested, a court said [1]. Prosecutors had asked for it [2]. "
              "A cell awaits [1].")
    snippet = ("Park was arrested on Friday, a court spokesman said.\n...\nThe weather was mild. "
               "She can be held in a cell for 20 days.")
    claims = claims_citing(answer, 1)

    assert claims == ["Park was arrested, a court said [1].", "A cell awaits [1]."]
    assert cited_passages(snippet, claims) == [
        "Park was arrested on Friday, a court spokesman said.",
        "She can be held in a cell for 20 days.",
    ]
    shown = excerpt(snippet.replace("\n...\n", " "), cited_passages(snippet, claims))
    assert shown.count("<mark>") == 2 and "<mark>The weather" not in shown
