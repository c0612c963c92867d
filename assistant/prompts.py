"""Load and render the prompt templates in the ``prompts`` package (Jinja, StrictUndefined)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import jinja2

NOT_COVERED = "The indexed news does not cover this question."
"""The exact reply when the sources do not hold the answer (the prompts ask for it verbatim)."""

REDACTED = "[instruction removed]"
_DELIMITER = re.compile(r"<(/?\s*(?:sources?|question|history)\b)", re.IGNORECASE)
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}?\b(?:previous|prior|above|earlier|"
    r"all|any|your|the|these|those|other)\b[^.!?\n]{0,30}?\b(?:instructions?|prompts?)\b"
    r"[^.!?\n]*[.!?]?"
    r"|\b(?:new|system|developer)\s+(?:instructions?|prompt)\s*:[^\n]*",
    re.IGNORECASE,
)


def render(name: str, **variables: object) -> str:
    """Render ``prompts/<name>.jinja``; a variable the template uses but is not given raises."""
    return _template(name).render(**variables).strip() + "\n"


def fence(text: object) -> str:
    """Make untrusted text safe inside a prompt block: no delimiter tags, no instructions."""
    return _DELIMITER.sub(r"‹\1", redact_instructions(str(text)))


def redact_instructions(text: str) -> str:
    """Replace sentences that address the model ("ignore previous instructions ...").

    Articles are data: what they ask of the reader must neither reach the LLM nor count as
    support for an answer. Delimiting and the system prompt do the rest.
    """
    return _INSTRUCTION.sub(REDACTED, text)


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
