"""The ``newsdesk`` command line: ask, chat, ui and eval here; ``index`` in ``cli_index``."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from assistant.backends.prompting import long_date
from assistant.cli_common import EXIT_BUSY, EXIT_ERROR, EXIT_REJECTED, NewsdeskGroup, settings_of
from assistant.cli_index import index_group
from assistant.evaluation.cli import eval_command
from assistant.logs import send_library_logs_to_file
from index.settings import BACKEND_NAMES, LOCAL_MODEL_NAMES, Settings

if TYPE_CHECKING:
    from assistant.answer import Answer
    from assistant.filters import Filters
    from assistant.protocols import Answerer

__all__ = ["EXIT_BUSY", "EXIT_ERROR", "EXIT_REJECTED", "main", "settings_of"]


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
    send_library_logs_to_file(ctx.obj.cache_dir / "logs")


main.add_command(index_group)


# ----------------------------------------------------------------------------- ask / chat


def _parse_day(value: str | None, option: str, *, end_of_day: bool = False) -> datetime | None:
    """A ``YYYY-MM-DD`` (or full ISO 8601) date given on the command line, as aware UTC."""
    from assistant.filters import parse_day
    from index.errors import InvalidQuestion

    try:
        return parse_day(value, option.lstrip("-"), end_of_day=end_of_day)
    except InvalidQuestion as error:
        raise click.BadParameter(str(error), param_hint=option) from None


def _filters(since: str | None, until: str | None, sources: tuple[str, ...]) -> Filters:
    from assistant.filters import Filters

    return Filters(
        since=_parse_day(since, "--since"),
        until=_parse_day(until, "--until", end_of_day=True),
        sources=tuple(sources),
    )


def _answer_options(function: Any) -> Any:
    """The options of a command that answers: it is called with the ``assistant`` they
    configure and the ``filters`` they give instead."""
    options = [
        click.option("--since", help="Only articles published on or after this date (YYYY-MM-DD)."),
        click.option(
            "--until", help="Only articles published on or before this date (YYYY-MM-DD)."
        ),
        click.option("--source", "sources", multiple=True, help="Only this outlet (repeatable)."),
        click.option("--llm", type=click.Choice(BACKEND_NAMES), help="Answering backend."),
        click.option(
            "--local-model", type=click.Choice(LOCAL_MODEL_NAMES), help="Packaged local model."
        ),
        click.option("--k", type=click.IntRange(1, 20), help="Number of articles to use."),
        click.option(
            "--gguf",
            "gguf_path",
            type=click.Path(dir_okay=False, path_type=Path),
            help="GGUF model file for the local backend.",
        ),
    ]

    @functools.wraps(function)
    def with_assistant(
        *,
        since: str | None,
        until: str | None,
        sources: tuple[str, ...],
        llm: str | None,
        local_model: str | None,
        k: int | None,
        gguf_path: Path | None,
        **rest: Any,
    ) -> Any:
        from assistant.api import Assistant

        settings = settings_of(
            click.get_current_context(), llm=llm, local_model=local_model, k=k, gguf_path=gguf_path
        )
        filters = _filters(since, until, sources)
        return function(assistant=Assistant(settings), filters=filters, **rest)

    for option in reversed(options):
        with_assistant = option(with_assistant)
    return with_assistant


def _print_answer(answer: Answer, *, with_text: bool = True) -> None:
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


def _echo_stream(parts: Iterable[str | Answer]) -> Answer | None:
    """Print the text parts of an answer stream as they come; the ``Answer`` that ends it."""
    answer: Answer | None = None
    for part in parts:
        if isinstance(part, str):
            click.echo(part, nl=False)
        else:
            answer = part
    click.echo()
    return answer


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
def ask(
    question: str,
    assistant: Answerer,
    filters: Filters,
    as_json: bool,
    as_of: str | None,
    kind: str,
) -> None:
    """Answer QUESTION from the indexed news, with numbered sources.

    Briefings ("What happened last week?"), timelines ("How has X developed?") and comparisons
    ("How did outlets report X?") print a dated list, one line per story or article.
    """
    reference = _parse_day(as_of, "--as-of")
    if as_json:
        answer = assistant.ask(question, filters=filters, as_of=reference, kind=kind)
        click.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return
    streamed = _echo_stream(assistant.stream(question, filters=filters, as_of=reference, kind=kind))
    if streamed is not None:
        _print_answer(streamed, with_text=False)


@main.command("chat")
@_answer_options
def chat(assistant: Answerer, filters: Filters) -> None:
    """An interactive chat in the terminal; follow-up questions use the conversation.

    Type /new to start a new conversation, /quit (or Ctrl-D) to leave.
    """
    from index.errors import NewsdeskError

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
            click.secho("newsdesk> ", bold=True, nl=False)
            answer = _echo_stream(assistant.stream(question, history=history, filters=filters))
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
@click.option("--llm", type=click.Choice(BACKEND_NAMES), help="Answering backend.")
@click.option("--local-model", type=click.Choice(LOCAL_MODEL_NAMES), help="Packaged local model.")
@click.option(
    "--gguf",
    "gguf_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="GGUF model file for the local backend.",
)
@click.option("--k", type=click.IntRange(1, 20), help="Number of articles to use.")
@click.pass_context
def ui_command(
    ctx: click.Context,
    host: str,
    port: int | None,
    auth: str | None,
    allow_open: bool,
    refresh_every: str | None,
    llm: str | None,
    local_model: str | None,
    gguf_path: Path | None,
    k: int | None,
) -> None:
    """Start the web chat (also: ``python ui.py``)."""
    from assistant.webui.server import launch, parse_auth
    from index.refresh import Refresher, parse_every

    settings = settings_of(
        ctx, ui_auth=auth, llm=llm, local_model=local_model, gguf_path=gguf_path, k=k
    )
    refresher = None
    if refresh_every:
        try:
            seconds = parse_every(refresh_every)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--refresh-every") from None
        refresher = Refresher(settings)
        refresher.start(seconds)
    try:
        launch(
            settings, host=host, port=port, auth=parse_auth(settings.ui_auth), allow_open=allow_open
        )
    finally:
        if refresher is not None:
            refresher.stop(timeout=30)


main.add_command(eval_command, "eval")
