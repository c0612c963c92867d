"""Number an answer's sources in the order the answer first cites them.

The reader sees ``[1]`` first, then ``[2]``...: the cited sources are renumbered 1..m in the
order of their first ``[n]`` in the text, and the sources given but not cited follow as
m+1.. (the page's "Also consulted"). One :class:`Renumbering` rewrites the streamed text
deltas and then the final :class:`~assistant.answer.Answer` with the same map, so the
markers, ``Citation.n``, ``Source.n`` and every item's numbers name the same article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace

from assistant.answer import Answer
from assistant.text import BRACKETED_CITATION

__all__ = ["Renumbering", "number_answer", "numbered_stream"]


def numbered_stream(parts: Iterable[str | Answer]) -> Iterator[str | Answer]:
    """``parts`` (text deltas, then the Answer) with the sources numbered by first citation."""
    numbering = Renumbering()
    for part in parts:
        yield numbering.answer(part) if isinstance(part, Answer) else numbering.text(part)


def number_answer(answer: Answer) -> Answer:
    """``answer`` with its sources numbered by first citation (see the module docstring)."""
    return Renumbering().answer(answer)


class Renumbering:
    """A map from the numbers the answer was written with to the numbers the reader sees,
    grown as markers are met (text deltas, then the final answer's text)."""

    def __init__(self) -> None:
        self._new: dict[int, int] = {}

    def text(self, text: str) -> str:
        """``text`` with each ``[n]`` (and ``[n, m]``) renumbered; new numbers are assigned
        in order of first appearance."""
        return BRACKETED_CITATION.sub(self._marker, text)

    def answer(self, answer: Answer) -> Answer:
        """The final answer renumbered: text, citations (in new order), sources, items."""
        text = self.text(answer.text)
        for item in answer.items:
            for n in item.citations:
                self._assign(n)
        for citation in answer.citations:  # cited, though the text lost the marker
            self._assign(citation.n)
        for source in answer.sources:  # consulted only: after every cited source
            self._assign(source.n)
        new = self._new
        citations = sorted((replace(c, n=new[c.n]) for c in answer.citations), key=lambda c: c.n)
        sources = sorted((replace(s, n=new[s.n]) for s in answer.sources), key=lambda s: s.n)
        items = [replace(i, citations=[new[n] for n in i.citations]) for i in answer.items]
        return replace(answer, text=text, citations=citations, sources=sources, items=items)

    def _marker(self, match: re.Match[str]) -> str:
        return re.sub(r"\d+", lambda n: str(self._assign(int(n.group(0)))), match.group(0))

    def _assign(self, n: int) -> int:
        if n not in self._new:
            self._new[n] = len(self._new) + 1
        return self._new[n]
