"""HTML fragments (feed summaries) to plain text with paragraph breaks."""

from __future__ import annotations

import pytest

from index.loaders.htmltext import html_to_text


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("<p>One <b>bold</b> move.</p><p>Second.</p>", "One bold move.\n\nSecond."),
        ("Plain text stays", "Plain text stays"),
        ("Caf&eacute; &amp; bar", "Café & bar"),
        ("<p>Kept</p><script>track()</script><style>p{}</style>", "Kept"),
        ("Line one<br>line two", "Line one\n\nline two"),
        ("<ul><li>a</li><li>b</li></ul>", "a\n\nb"),
        ("<p>  spaced\n  out  </p>", "spaced out"),
        ("<!-- note --><p>x</p>", "x"),
        ("", ""),
    ],
)
def test_html_to_text(fragment: str, text: str) -> None:
    assert html_to_text(fragment) == text
