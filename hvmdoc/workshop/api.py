"""The terminal interface the workshop loop drives, local or over a socket.

It is the part of `hvmdoc.tools.terminal.Terminal` a person at a keyboard
uses (issue 4, "Tools" in TEAM.md); `hvmdoc.workshop.shared.SharedTerminal`
implements it in-process and `hvmdoc.workshop.attach.RemoteTerminal` over
the socket of ``hvmdoc shell --attach``.
"""

from __future__ import annotations

from typing import Protocol


class Job(Protocol):
    """A long-running foreground command (``dtrace``) started at a prompt."""

    @property
    def done(self) -> bool:
        """True once the command ended by itself (D's ``exit()``, or the host
        was rebooted or reset from another terminal)."""
        ...

    def read(self) -> str:
        """Output printed since the last read ("" if none)."""
        ...

    def interrupt(self) -> str:
        """Stop the command as Ctrl-C does; return what it prints on the way out."""
        ...


class Term(Protocol):
    """One terminal on an emulated host."""

    @property
    def prompt(self) -> str:
        """The prompt the next line is typed at."""
        ...

    @property
    def in_mdb(self) -> bool:
        """True while an interactive ``mdb -k`` owns the terminal."""
        ...

    @property
    def closed(self) -> bool:
        """True once the shell logged out (``exit``)."""
        ...

    def execute(self, line: str) -> str:
        """Run one line to completion; return what the terminal prints."""
        ...

    def start(self, line: str) -> Job | str:
        """Run one line; a long-running command returns a `Job` instead."""
        ...

    def complete(self, text: str) -> list[str]:
        """Tab-completion candidates for the text before the cursor."""
        ...

    def pending(self) -> str:
        """Output of background jobs not yet shown (printed before the next prompt)."""
        ...

    def reset(self) -> str:
        """Return the whole host to the scenario's start; return a notice to print."""
        ...

    def record(self) -> str:
        """This terminal's session so far as an executable block page."""
        ...

    def close(self) -> None:
        """Leave the terminal (its background jobs end)."""
        ...
