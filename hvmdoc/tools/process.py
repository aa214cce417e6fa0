"""What every emulated command gets and gives back: its context and, if it keeps
running, a handle to stop it.

A command is a function ``(ctx: Context) -> int | LongRunning``: it writes to
``ctx.out`` (standard output) and ``ctx.err`` (standard error), reads
``ctx.stdin`` when something is piped in, and returns its exit status, or a
`LongRunning` when it keeps running after its first output (``dtrace``
consuming probe firings), which the shell then puts in the foreground or in a
background job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from hvmdoc.tools.terminal import Terminal

Write = Callable[[str], None]

__all__ = ["Command", "Context", "LongRunning", "Write"]


class LongRunning(Protocol):
    """A command still running after it returned (``dtrace`` tracing).

    ``done`` turns true when it ends by itself (D's ``exit()``), with ``status``.
    """

    done: bool
    status: int

    def stop(self, signal: str) -> int:
        """Deliver ``signal`` ("INT" for Ctrl-C, "TERM" for ``kill``): the command
        prints what it prints on the way out and returns its exit status."""
        ...

    def redirect(self, write: Write) -> None:
        """Send further output to ``write`` (the job's terminal)."""
        ...


@dataclass
class Context:
    """One command's invocation."""

    argv: list[str]
    out: Write
    err: Write
    terminal: Terminal
    stdin: str | None = None
    background: bool = False
    env: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The command name as typed (``argv[0]``)."""
        return self.argv[0]


Command = Callable[[Context], "int | LongRunning"]
