"""What the ``newsdesk`` command modules share: exit codes, the settings of a command, and
the group that turns Newsdesk's errors into one line."""

from __future__ import annotations

from typing import Any

import click

from index.settings import Settings

EXIT_REJECTED = 3  # `index build/update`: some inputs were rejected, everything valid was indexed
EXIT_ERROR = 2  # a usage error or a failure with a clear message
EXIT_BUSY = 4  # `index build/update/clear --no-wait`: another process is writing this index


class NewsdeskGroup(click.Group):
    """Turns Newsdesk's own errors into one clear line and exit code 2, never a traceback; an
    unexpected error caused by a damaged store file becomes one line naming the file and the
    fix (``index.stores.health``)."""

    def invoke(self, ctx: click.Context) -> Any:
        from index.errors import NewsdeskError, WriterBusy
        from index.reader import diagnose

        try:
            return super().invoke(ctx)
        except NewsdeskError as error:
            click.secho(f"Error: {error}", fg="red", err=True)
            ctx.exit(EXIT_BUSY if isinstance(error, WriterBusy) else EXIT_ERROR)
        except Exception as error:  # the settings exist only once the group's callback ran
            damaged = diagnose(ctx.obj) if isinstance(ctx.obj, Settings) else None
            if damaged is None:
                raise
            click.secho(f"Error: {damaged}", fg="red", err=True)
            ctx.exit(EXIT_ERROR)
            raise AssertionError("unreachable") from error


def settings_of(ctx: click.Context, **overrides: object) -> Settings:
    """The global settings with this command's flags applied."""
    return ctx.find_root().obj.with_overrides(**overrides)
