"""One question at a time on the model, first come first served, each waiter knowing its place.

The page lets many answers run as Gradio events at once (so a waiting question can say that
it waits) and serialises their use of the assistant here instead of in Gradio's queue.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Ticket:
    """A place in a :class:`Turnstile`'s line (see ``Turnstile.join``)."""


class Turnstile:
    """A FIFO line in front of one resource: the head of the line holds it."""

    def __init__(self) -> None:
        self._line: list[Ticket] = []
        self._changed = threading.Condition()

    def join(self) -> Ticket:
        """A ticket at the end of the line (it holds the resource at once when alone)."""
        ticket = Ticket()
        with self._changed:
            self._line.append(ticket)
        return ticket

    def ahead(self, ticket: Ticket) -> int:
        """How many tickets are before ``ticket`` (the one being served included); 0: its turn."""
        with self._changed:
            return self._line.index(ticket)

    def wait(self, ticket: Ticket, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for ``ticket``'s turn; True when it has come."""
        with self._changed:
            return self._changed.wait_for(lambda: self._line[0] is ticket, timeout)

    def leave(self, ticket: Ticket) -> None:
        """Give up the place or the resource (the next ticket's turn comes)."""
        with self._changed:
            if ticket in self._line:
                self._line.remove(ticket)
                self._changed.notify_all()

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the resource for the ``with`` block, waiting as long as it takes."""
        ticket = self.join()
        try:
            while not self.wait(ticket, 60.0):
                pass
            yield
        finally:
            self.leave(ticket)
