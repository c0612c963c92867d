"""Label-free: does what the reader would see hold a gold answer? Per view selector and budget.

For each question the top sources of the hybrid retriever are grounded once; every selector
of :mod:`assistant.view` then picks its sentences within each budget, and the view (with the
titles of the sources it shows, as the prompt shows them) is searched for a gold answer string.
``top3`` (``VIEW_SOURCES``) is the ceiling: the whole text of the same sources. The default
selector is measured over the top ``WIDE_SOURCES`` as well (``blend@2400/5``, ceiling ``top5``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from assistant.answer import Source
from assistant.evaluation.data import Question
from assistant.evaluation.metrics import contains_answer
from assistant.grounding import Embedder, Grounding
from assistant.question import analyse
from assistant.view import DEFAULT_SELECTOR, SELECTORS, VIEW_SOURCES, select_view

VIEW_BUDGETS = (1000, 1400, 2000, 2400, 3000)
"""Characters of source text a view may hold."""
CEILING = f"top{VIEW_SOURCES}"
WIDE_SOURCES = 5
"""All the sources an answer is given (``Settings.k``), the wider view measured beside."""


def gold_in_views(
    question: Question, sources: Sequence[Source], embedder: Embedder | None
) -> dict[str, bool]:
    """``{"<selector>@<budget>": gold in that view, CEILING: gold in the sources' text}``, and
    the default selector over ``WIDE_SOURCES`` (``"blend@<budget>/5"``, ``"top5"``)."""
    analysis = analyse(question.question, question.as_of)
    grounding = Grounding(list(sources[:WIDE_SOURCES]), embedder)
    found: dict[str, bool] = {}
    for count, selectors, suffix in (
        (VIEW_SOURCES, SELECTORS, ""),
        (WIDE_SOURCES, (DEFAULT_SELECTOR,), f"/{WIDE_SOURCES}"),
    ):
        shown = list(sources[:count])
        whole = " ".join(f"{source.title} {source.text}" for source in shown)
        found[f"top{count}"] = contains_answer(whole, question.answers)
        for selector in selectors:
            for budget in VIEW_BUDGETS:
                view = select_view(analysis, grounding, budget, selector, count)
                text = " ".join(
                    f"{grounding.by_n[n].source.title} {part}" for n, part in view.items()
                )
                found[f"{selector}@{budget}{suffix}"] = contains_answer(text, question.answers)
    return found


def view_shares(details: Sequence[Mapping[str, object]]) -> dict[str, float]:
    """Share of questions whose gold answer is in each view (questions measured only)."""
    measured: list[dict[str, bool]] = []
    for detail in details:
        views = detail.get("views")
        if isinstance(views, dict):
            measured.append(views)
    if not measured:
        return {}
    return {key: sum(bool(m.get(key)) for m in measured) / len(measured) for key in measured[0]}
