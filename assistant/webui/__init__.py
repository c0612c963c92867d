"""The web chat: a Gradio page around an ``Assistant`` (``newsdesk ui`` or ``python ui.py``).

- ``page``: the page, its layout and one method per event, and the ``/chat`` result.
- ``indexing``: the page's indexing events (add sources, update, demo builds, progress bar).
- ``server``: who may reach it, its theme, starting and serving it.
- ``render``: answers as safe Markdown, source cards, citation highlighting, errors as one line.
- ``conversation``: the chat's turns (page state) as messages and the sources panel.
- ``panels``: sidebar and onboarding HTML (index status, indexing reports, notices).
- ``library``: the index as the page uses it (status, examples, uploads, add/update, demo).
- ``holder``: the assistant, built on first use and told when the index changed.
- ``style.css``: the page's styles.

Only ``page``, ``indexing``, ``forms`` and ``server`` import Gradio.
"""
