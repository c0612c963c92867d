"""Opaque article ids for clients of the web page and ``/chat``.

Inside the server an article's id may be its file path (``<home>/uploads/.../story.txt``), its
URL or its feed guid; clients see only a hash of it, which names no server folder. The hash is
derived, not stored: existing indexes need no migration, re-runs still skip unchanged articles
by their own ids, and the same article keeps the same public id across restarts and replicas.
"""

from __future__ import annotations

import hashlib

__all__ = ["PUBLIC_ID_LENGTH", "public_id"]

PUBLIC_ID_LENGTH = 20  # hex digits: 80 bits, no collision in any news archive


def public_id(article_id: str) -> str:
    """The id a client sees for the article whose server-side id is ``article_id``."""
    return hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:PUBLIC_ID_LENGTH]
