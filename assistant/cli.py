"""The ``newsdesk`` command line: index, ask, chat, ui and eval."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from assistant.backends.prompting import long_date
from assistant.backends.registry import BACKEND_NAMES
from assistant.evaluation.cli import eval_command
from assistant.progress import ProgressBar
from index.settings import Settings

EXIT_REJECTED = 3  # `index build/update`: some inputs were rejected, everything valid was indexed
EXIT_ERROR = 2  # a usage error or a failure with a clear message
EXIT_BUSY = 4  # `index build/update/clear --no-wait`: another process is writing this index


class NewsdeskGroup(click.Group):
    """Turns Newsdesk's own errors into one clear line and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        from index.errors import NewsdeskError, WriterBusy

        try:
            return super().invoke(ctx)
        except NewsdeskError as error:
            click.secho(f"Error: {error}", fg="red", err=True)
            ctx.exit(EXIT_BUSY if isinstance(error, WriterBusy) else EXIT_ERROR)


@click.group(cls=NewsdeskGroup)
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder holding the index (default: $NEWSDESK_HOME or ~/.local/share/newsdesk).",
)
@click.version_option(package_name="newsdesk")
@click.pass_context
def main(ctx: click.Context, home: Path | None) -> None:
    """Newsdesk: ask questions about your news collection and get cited answers."""
    ctx.obj = Settings().with_overrides(home=home)


def settings_of(ctx: click.Context, **overrides: object) -> Settings:
    """The global settings with this command's flags applied."""
    return ctx.find_root().obj.with_overrides(**overrides)


# ----------------------------------------------------------------------------- index


@main.group("index")
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


@index_group.command("watch")
@click.option(
    "--every", default="30m", show_default=True, help="Time between rounds: 45s, 30m, 2h, 1d."
)
@click.option("--once", is_flag=True, help="One round, then exit.")
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
        sys.exit(EXIT_REJECTED if report.failed else 0)

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
    click.echo(
        f"{report.new} new, {report.changed} changed, {report.unchanged} unchanged, "
        f"{report.duplicates} duplicates, {report.removed} removed, "
        f"{len(report.rejected)} rejected; {report.chunks_added} chunks in {report.seconds:.1f}s"
    )
    if report.rejected:
        sys.exit(EXIT_REJECTED)


# ----------------------------------------------------------------------------- ask / chat


def _parse_day(value: str | None, option: str, *, end_of_day: bool = False) -> datetime | None:
    """A ``YYYY-MM-DD`` (or full ISO 8601) date given on the command line, as aware UTC."""
    from assistant.filters import parse_day
    from index.errors import InvalidQuestion

    try:
        return parse_day(value, option.lstrip("-"), end_of_day=end_of_day)
    except InvalidQuestion as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def _filters(since: str | None, until: str | None, sources: tuple[str, ...]) -> Any:
    from assistant.filters import Filters

    return Filters(
        since=_parse_day(since, "--since"),
        until=_parse_day(until, "--until", end_of_day=True),
        sources=tuple(sources),
    )


def _answer_options(function: Any) -> Any:
    options = [
        click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD)."),
        click.option(
            "--until", help="Only articles published on or before this date (YYYY-MM-DD)."
        ),
        click.option("--source", "sources", multiple=True, help="Only this outlet (repeatable)."),
        click.option("--llm", type=click.Choice(BACKEND_NAMES), help="Answering backend."),
        click.option("--k", type=click.IntRange(1, 20), help="Number of articles to use."),
        click.option(
            "--gguf",
            "gguf_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="GGUF model file for the local backend.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _print_answer(answer: Any, *, with_text: bool = True) -> None:
    if with_text:
        click.echo(answer.text)
    if answer.citations:
        click.echo()
        click.secho("Sources", bold=True)
        for citation in answer.citations:
            date = f"as of {long_date(citation)}" if citation.published else "undated"
            outlet = citation.source or "unknown outlet"
            if citation.also_in:
                outlet += f" (also in {', '.join(citation.also_in)})"
            click.echo(f"  [{citation.n}] {citation.title} — {outlet}, {date}")
            if citation.url:
                click.echo(f"      {citation.url}")


@main.command("ask")
@click.argument("question")
@_answer_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--as-of", help="Reference date for words like 'last week' (default: today).")
@click.option(
    "--kind",
    type=click.Choice(["auto", "fact", "briefing", "timeline", "compare"]),
    default="auto",
    show_default=True,
    help="A fact answer, a briefing, a timeline, a comparison of outlets, or recognised.",
)
@click.pass_context
def ask(
    ctx: click.Context,
    question: str,
    since: str | None,
    until: str | None,
    sources: tuple[str, ...],
    llm: str | None,
    k: int | None,
    gguf_path: Path | None,
    as_json: bool,
    as_of: str | None,
    kind: str,
) -> None:
    """Answer QUESTION from the indexed news, with numbered sources.

    Briefings ("What happened last week?"), timelines ("How has X developed?") and comparisons
    ("How did outlets report X?") print a dated list, one line per story or article.
    """
    from assistant.api import Assistant

    settings = settings_of(ctx, llm=llm, k=k, gguf_path=gguf_path)
    assistant = Assistant(settings)
    filters = _filters(since, until, sources)
    reference = _parse_day(as_of, "--as-of")
    if as_json:
        answer = assistant.ask(question, filters=filters, as_of=reference, kind=kind)
        click.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return
    answer = None
    for part in assistant.stream(question, filters=filters, as_of=reference, kind=kind):
        if isinstance(part, str):
            click.echo(part, nl=False)
        else:
            answer = part
    if answer is not None:
        click.echo()
        _print_answer(answer, with_text=False)


@main.command("chat")
@_answer_options
@click.pass_context
def chat(
    ctx: click.Context,
    since: str | None,
    until: str | None,
    sources: tuple[str, ...],
    llm: str | None,
    k: int | None,
    gguf_path: Path | None,
) -> None:
    """An interactive chat in the terminal; follow-up questions use the conversation.

    Type /new to start a new conversation, /quit (or Ctrl-D) to leave.
    """
    from assistant.api import Assistant
    from index.errors import NewsdeskError

    settings = settings_of(ctx, llm=llm, k=k, gguf_path=gguf_path)
    assistant = Assistant(settings)
    filters = _filters(since, until, sources)
    history: list[tuple[str, str]] = []
    click.echo("Ask about the indexed news. /new starts over, /quit leaves.")
    while True:
        try:
            question = click.prompt(click.style("you", bold=True), prompt_suffix="> ")
        except (EOFError, click.Abort):
            click.echo()
            return
        if question.strip() in {"/quit", "/exit"}:
            return
        if question.strip() == "/new":
            history.clear()
            click.echo("New conversation.")
            continue
        try:
            answer = None
            click.secho("newsdesk> ", bold=True, nl=False)
            for part in assistant.stream(question, history=history, filters=filters):
                if isinstance(part, str):
                    click.echo(part, nl=False)
                else:
                    answer = part
            click.echo()
        except NewsdeskError as error:
            click.secho(f"Error: {error}", fg="red", err=True)
            continue
        if answer is not None:
            _print_answer(answer, with_text=False)
            history.append((question, answer.text))


# ----------------------------------------------------------------------------- ui / eval


@main.command("ui")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, help="Port (default: first free from 7860).")
@click.option("--auth", help="user:password required to use the page (env NEWSDESK_UI_AUTH).")
@click.option("--allow-open", is_flag=True, help="Accept a non-localhost server without auth.")
@click.option(
    "--refresh-every", help="Also re-read every recorded source this often (30m), as `index watch`."
)
@click.pass_context
def ui_command(
    ctx: click.Context,
    host: str,
    port: int | None,
    auth: str | None,
    allow_open: bool,
    refresh_every: str | None,
) -> None:
    """Start the web chat (also: ``python ui.py``)."""
    from assistant.webui.server import launch, parse_auth
    from index.refresh import Refresher, parse_every

    settings = settings_of(ctx, ui_auth=auth)
    refresher = None
    if refresh_every:
        try:
            seconds = parse_every(refresh_every)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--refresh-every") from None
        refresher = Refresher(settings)
        refresher.start(seconds)
    try:
        launch(settings, host=host, port=port, auth=parse_auth(settings.ui_auth),
               allow_open=allow_open)
    finally:
        if refresher is not None:
            refresher.stop(timeout=30)


main.add_command(eval_command, "eval")
