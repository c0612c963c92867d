"""Prompt templates (``*.jinja``), loaded by :mod:`assistant.prompts`."""
