"""Answers as page content: linked markers, escaping, source cards, highlighted passages."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from importlib import resources

from assistant.answer import Citation
from assistant.webui.render import (
    cited_passages,
    claims_citing,
    example_questions,
    excerpt,
    explain,
    queued_notice,
    render_answer,
    safe_markdown,
    source_card,
)
from index.server_lost import ChromaLost
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
    assert shown == (
        '!\\[x\\](http\\://evil/p\\.png) \\[a\\](javascript\\:alert(1)) &lt;i&gt;"q"&lt;/i&gt;'
    )


def test_source_card_escapes_and_highlights() -> None:
    story = Story(
        '<script>window.__pwned=1</script> "Q"',
        "<b>Outlet</b>",
        datetime(2025, 1, 2, tzinfo=UTC),
        "Before. The cited passage here. After.",
        "javascript:alert(1)",
    )
    source = make_source(1, story)
    citation = Citation(
        1, "a1", story.title, story.outlet, None, story.published, "The cited passage here."
    )
    card = source_card(source, citation, turn=1)

    assert "<script>" not in card and "&lt;script&gt;" in card
    assert "<b>Outlet" not in card
    assert "javascript:" not in card  # only http(s) links are shown
    assert "<mark>The cited passage here.</mark>" in card
    assert "id='nd-t1-s1'" in card and "2 Jan 2025" in card


def test_example_questions_come_from_titles() -> None:
    titles = [
        ("Kim Jong Nam's body released to North Korea", "BBC"),
        ("Another BBC story about something else", "BBC"),
        ("Boy awarded \ufffd1.5m", "RTÉ"),
        ("Grenoble lifts suspension against rugby players", "RTÉ"),
    ]
    assert example_questions(titles) == [
        "What happened: Kim Jong Nam's body released to North Korea?",
        "What happened: Grenoble lifts suspension against rugby players?",
    ]


def test_example_questions_never_leave_a_quote_open() -> None:
    titles = [
        ("Egypt 'one of the biggest prisons for journalists' - CPJ", "Al Jazeera"),
        ("'We will fight on, and win', vows the minister", "CNN"),
        ("Trump's 'Muslim ban' blocked again by judges", "BBC"),
    ]
    assert example_questions(titles) == [
        "What happened: Egypt 'one of the biggest prisons for journalists'?",
        "What happened: We will fight on?",
        "What happened: Trump's 'Muslim ban' blocked again by judges?",
    ]


def test_long_snippets_highlight_the_sentences_the_answer_uses() -> None:
    answer = (
        "Park was arrested, a court said [1]. Prosecutors had asked for it [2]. A cell awaits [1]."
    )
    snippet = (
        "Park was arrested on Friday, a court spokesman said.\n...\nThe weather was mild. "
        "She can be held in a cell for 20 days."
    )
    claims = claims_citing(answer, 1)

    assert claims == ["Park was arrested, a court said [1].", "A cell awaits [1]."]
    assert cited_passages(snippet, claims) == [
        "Park was arrested on Friday, a court spokesman said.",
        "She can be held in a cell for 20 days.",
    ]
    shown = excerpt(snippet.replace("\n...\n", " "), cited_passages(snippet, claims))
    assert shown.count("<mark>") == 2 and "<mark>The weather" not in shown


AUTOLINKS = re.compile(  # what GFM (Gradio's Markdown) turns into a link without brackets
    r"(?:https?|ftp|mailto|javascript):|www\.|[\w.+-]+@[\w-]+\.\w|<[a-z]+:", re.IGNORECASE
)


def test_bare_urls_in_an_answer_never_become_links() -> None:
    text = (
        "Visit www.evil-zorb.example or https://evil.example/x?a=1 and mail bad@evil.example "
        "<http://evil.example> at 10:30 [1]."
    )
    sources = [make_source(1, STORIES[0])]
    rendered = render_answer(text, sources, turn=1)

    assert not AUTOLINKS.search(rendered), rendered
    assert "www\\.evil-zorb\\.example" in rendered  # shown as text: "\." renders as "."
    assert "https\\://evil\\.example/x?a=1" in rendered and "bad\\@evil\\.example" in rendered
    links = re.findall(r"\]\(([^)]*)\)", rendered)
    assert links == ["#nd-t1-s1"]  # the [1] marker is the one link of the answer


def test_only_the_cards_own_url_is_a_link() -> None:
    story = Story(
        "Title www.title.example",
        "Outlet",
        None,
        "See https://other.example/page and www.other.example.",
        "https://outlet.example/story",
    )
    card = source_card(make_source(1, story), None, turn=1)
    assert re.findall(r"href='([^']*)'", card) == ["https://outlet.example/story"]
    assert card.count("<a ") == 1


def test_long_words_wrap_on_cards_and_answers() -> None:
    css = resources.files("assistant.webui").joinpath("style.css").read_text(encoding="utf-8")
    rule = re.search(r"([^{}]*)\{[^}]*overflow-wrap:\s*anywhere", css)
    assert rule, "no overflow-wrap:anywhere rule"
    selectors = rule.group(1)
    for selector in (".nd-card", ".nd-snippet", ".nd-title", "#nd-chat .message"):
        assert selector in selectors


def test_queued_notice_says_how_many_wait_ahead() -> None:
    assert queued_notice(3) == "Waiting for the model: 3 questions ahead of yours…"
    assert queued_notice(1) == "Waiting for the model: 1 question ahead of yours…"
    assert queued_notice(0) == "Waiting for the model: yours is next…"
    assert queued_notice(None).startswith("Waiting for the model")


def test_a_lost_chroma_server_is_explained_as_itself() -> None:
    message = "Lost the Chroma server at http://127.0.0.1:9 during the build (refused); re-run."
    assert explain(ChromaLost(message)) == message
