"""Load and render the prompt templates in the ``prompts`` package (Jinja, StrictUndefined)."""

from __future__ import annotations

from functools import cache
from importlib import resources

import jinja2

from assistant.untrusted import REDACTED, neutralize, redact_instructions

NOT_COVERED = "The indexed news does not cover this question."
"""The exact reply when the sources do not hold the answer (the prompts ask for it verbatim)."""


def render(name: str, **variables: object) -> str:
    """Render ``prompts/<name>.jinja``; a variable the template uses but is not given raises."""
    return _template(name).render(**variables).strip() + "\n"


def fence(text: object) -> str:
    """Make untrusted text safe inside a prompt block: no instructions, no prompt-like markup.

    Every source field, question and history turn the templates show goes through it (see
    :mod:`assistant.untrusted`).
    """
    return neutralize(redact_instructions(str(text)))


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    environment.filters["fence"] = fence
    return environment


@cache
def _template(name: str) -> jinja2.Template:
    try:
        source = resources.files("prompts").joinpath(f"{name}.jinja").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"no prompt template prompts/{name}.jinja") from None
    return _environment().from_string(source)


__all__ = ["NOT_COVERED", "REDACTED", "fence", "redact_instructions", "render"]
