"""Plain text from an HTML fragment (a feed entry's summary), keeping paragraph breaks."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

_BLOCKS = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "tr",
        "table",
        "section",
        "article",
        "header",
        "footer",
        "figure",
        "figcaption",
        "dd",
        "dt",
        "hr",
    }
)
_DROP = ("script", "style", "noscript", "iframe", "object", "embed", "template")
_LOOKS_LIKE_HTML = re.compile(r"<[A-Za-z!/][^>]*>|&[#\w]+;")


def html_to_text(fragment: str) -> str:
    """The readable text of ``fragment``: tags dropped, blocks separated by blank lines."""
    if not fragment or not _LOOKS_LIKE_HTML.search(fragment):
        return (fragment or "").strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment.strip()
    for element in list(root.iter(*_DROP)):
        element.drop_tree()
    pieces: list[str] = []
    _collect(root, pieces)
    text = "".join(pieces)
    paragraphs = (re.sub(r"[ \t\r\f\v\u00a0]+", " ", part).strip() for part in text.split("\n\n"))
    return "\n\n".join(part for part in paragraphs if part)


def _collect(element: etree._Element, pieces: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _BLOCKS:
        pieces.append("\n\n")
    if element.text and tag:
        pieces.append(element.text.replace("\n", " "))
    for child in element:
        _collect(child, pieces)
        if child.tail:
            pieces.append(child.tail.replace("\n", " "))
    if tag in _BLOCKS:
        pieces.append("\n\n")
