"""``newsdesk index``: build, update, stats, clear and watch the search index."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any

import click

from assistant.cli_common import EXIT_BUSY, EXIT_REJECTED, settings_of
from assistant.progress import ProgressBar


@click.group("index")
def index_group() -> None:
    """Build and inspect the search index."""


_NO_WAIT = click.option(
    "--no-wait",
    is_flag=True,
    help=f"Exit with code {EXIT_BUSY} instead of waiting when another process writes the index.",
)


@index_group.command("build")
@click.argument("sources", nargs=-1, required=True)
@click.option("--prune", is_flag=True, help="Remove articles whose source no longer yields them.")
@click.option("--embedding-model", help="sentence-transformers model name or path.")
@click.option("--chroma-url", help="Use a Chroma server instead of the embedded database.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_NO_WAIT
@click.pass_context
def index_build(
    ctx: click.Context,
    sources: tuple[str, ...],
    prune: bool,
    embedding_model: str | None,
    chroma_url: str | None,
    quiet: bool,
    no_wait: bool,
) -> None:
    """Index the news in SOURCES: files, folders, .jsonl(.gz) exports or RSS/Atom feed URLs.

    Exit code 0 when every input was indexed, 3 when some inputs were rejected (each is named
    on stderr; everything valid was still indexed), 2 on an error, 4 with --no-wait when
    another process is writing the index (without it, the build waits and says for whom).
    """
    import index

    settings = settings_of(ctx, embedding_model=embedding_model, chroma_url=chroma_url)
    with ProgressBar(quiet) as progress:
        report = index.build(
            list(sources), settings, prune=prune, progress=progress, wait=not no_wait
        )
    _finish_build(report)


@index_group.command("update")
@click.option("--prune", is_flag=True, help="Remove articles whose source no longer yields them.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@_NO_WAIT
@click.pass_context
def index_update(ctx: click.Context, prune: bool, quiet: bool, no_wait: bool) -> None:
    """Re-read every source recorded in the index; only changed articles are re-embedded.

    Exit codes as for `index build`.
    """
    import index

    settings = settings_of(ctx)
    with ProgressBar(quiet) as progress:
        report = index.update(settings, prune=prune, progress=progress, wait=not no_wait)
    _finish_build(report)


@index_group.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def index_stats(ctx: click.Context, as_json: bool) -> None:
    """Articles, chunks, outlets, date range and last update of the index."""
    import index
    from index.source_status import read_status

    settings = settings_of(ctx)
    stats = index.stats(settings).to_dict()
    stats["sources_status"] = [status.to_dict() for status in read_status(settings)]
    if as_json:
        click.echo(json.dumps(stats, indent=2, default=str))
        return
    click.echo(f"Articles:       {stats['articles']}")
    click.echo(f"Chunks:         {stats['chunks']}")
    outlets = stats["sources"]
    names = ", ".join(f"{name} ({count})" for name, count in _outlet_items(outlets)[:10])
    more = f" and {len(outlets) - 10} more" if len(outlets) > 10 else ""
    click.echo(f"Outlets:        {len(outlets)}{': ' + names + more if outlets else ''}")
    click.echo(
        f"Published:      {stats['first_published'] or '-'} .. {stats['last_published'] or '-'}"
    )
    click.echo(f"Last indexed:   {stats['last_indexed'] or 'never'}")
    _print_source_status(stats["sources_status"])
    if stats.get("warning"):
        click.secho(f"Warning: {stats['warning']}", fg="yellow", err=True)
    if stats["server_changes"] is not None:  # a shared Chroma server (issue 14)
        click.echo(
            f"Server:         {stats['server_changes']} write batches; this home was "
            f"{stats['behind']} behind when asked (caught up now)"
        )


@index_group.command("clear")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_NO_WAIT
@click.pass_context
def index_clear(ctx: click.Context, yes: bool, no_wait: bool) -> None:
    """Delete the whole index (the source files are not touched)."""
    import index

    settings = settings_of(ctx)
    if not yes:
        click.confirm(f"Delete the index in {settings.home}?", abort=True)
    index.clear(settings, wait=not no_wait)
    click.echo(f"Cleared the index in {settings.home}.")
    from assistant.evaluation.runner import evaluations_folder

    evaluations = evaluations_folder(settings)
    if evaluations.is_dir() and any(evaluations.iterdir()):
        click.echo(
            f"The indexes `newsdesk eval` built are kept in {evaluations}; "
            "delete that folder to free their space."
        )


@index_group.command("watch")
@click.option(
    "--every", default="30m", show_default=True, help="Time between rounds: 45s, 30m, 2h, 1d."
)
@click.option(
    "--once",
    is_flag=True,
    help="One round, then exit: 3 when a source failed or still waits to be retried.",
)
@click.option(
    "--prune",
    is_flag=True,
    help="Remove articles a source no longer yields "
    "(a source that fails or disappears never removes anything).",
)
@click.pass_context
def index_watch(ctx: click.Context, every: str, once: bool, prune: bool) -> None:
    """Re-read every recorded source on a schedule, in the foreground (for systemd or a
    container). Feeds are fetched conditionally; a failing source is retried later and later
    (doubling, capped). Stops cleanly on SIGTERM or Ctrl-C, after the source being read.
    """
    import signal

    from index.refresh import Refresher, parse_every

    try:
        seconds = parse_every(every)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--every") from None
    refresher = Refresher(settings_of(ctx), prune=prune, notify=lambda line: click.echo(line))
    if once:
        report = refresher.run_once(seconds)
        sys.exit(EXIT_REJECTED if report.failed or report.waiting else 0)

    def stop(number: int, frame: object) -> None:  # finish the source being read, then stop
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C: at once
        refresher.stop()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"Refreshing every {every}; Ctrl-C or SIGTERM stops.", err=True)
    try:
        refresher.run(seconds)
    except KeyboardInterrupt:
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Stopped.", err=True)


def _print_source_status(statuses: list[dict[str, Any]]) -> None:
    if not statuses:
        return
    click.echo("Sources (last refresh):")
    for status in statuses:
        line = (
            f"  {status['source']}: checked {_ago(status['last_checked'])}, "
            f"last success {_ago(status['last_success'])}, {status['added']} new "
            f"({status['added_total']} in all)"
        )
        if status["last_error"]:
            line += f"; last error: {status['last_error']} ({status['failures']} in a row)"
        click.echo(line)


def _ago(moment: str | None) -> str:
    if moment is None:
        return "never"
    seconds = max((datetime.now(UTC) - datetime.fromisoformat(moment)).total_seconds(), 0)
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f} {unit} ago"
    return f"{seconds:.0f} s ago"


def _outlet_items(outlets: Any) -> list[tuple[str, int]]:
    if isinstance(outlets, dict):
        return sorted(outlets.items(), key=lambda item: (-item[1], item[0]))
    return [(name, 0) for name in outlets]


def _finish_build(report: Any) -> None:
    for rejection in report.rejected:
        click.secho(f"rejected {rejection}", fg="yellow", err=True)
    click.echo(report.summary())
    if report.rejected:
        sys.exit(EXIT_REJECTED)
