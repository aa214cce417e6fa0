"""What every terminal of a shared host typed and saw, in the order it happened.

The journal is what ``--record`` turns into a page: one terminal's commands become
the page's blocks, and what other terminals ran in the meantime becomes the
blocks' ``data-setup`` (while this terminal sat at its prompt) or
``data-meanwhile`` (while this terminal's ``dtrace`` ran in the foreground) —
exactly how the block format replays a second terminal (issue 4).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    """A line typed at ``prompt`` on terminal ``term`` and everything it printed."""

    term: int
    prompt: str
    line: str
    output: str
    foreground: bool = False
    """True when the line ran as a foreground job stopped with Ctrl-C."""
    status: int = 0
    """The terminal's exit status after the line (``$?``)."""


@dataclass(frozen=True)
class JobStarted:
    """Terminal ``term`` started a long-running foreground command."""

    term: int


@dataclass(frozen=True)
class Reset:
    """The host went back to its scenario's start (the ``reset`` command)."""

    scenario: str
    platform: str | None
    cpu: str | None


Entry = Command | JobStarted | Reset


class Journal:
    """A thread-safe, append-only list of `Entry`."""

    def __init__(self) -> None:
        self._entries: list[Entry] = []
        self._lock = threading.Lock()

    def add(self, entry: Entry) -> None:
        """Append one entry."""
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[Entry]:
        """A copy of the entries so far."""
        with self._lock:
            return list(self._entries)
