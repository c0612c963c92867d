"""The web chat's parts below the Gradio page (``ui.py`` builds the page from them).

- ``render``: answers as safe Markdown, source cards, citation highlighting, ``/chat`` results.
- ``conversation``: the chat's turns (page state) as messages and the sources panel.
- ``panels``: sidebar and onboarding HTML (index status, indexing reports, notices).
- ``library``: the index as the page uses it (status, examples, uploads, add/update, demo).
- ``holder``: the assistant, built on first use.
- ``style.css``: the page's styles.
"""
