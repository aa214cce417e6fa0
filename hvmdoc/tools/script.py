"""Scripted input: the one loop behind ``hvmdoc run`` and a piped ``hvmdoc shell``.

Both print a transcript as a page shows it (prompt and command, then what the
terminal printed), and must agree line for line, so both call `replay`
on lines split by `input_lines`. Commands typed where nobody sees them (a
page block's ``data-setup`` and ``data-meanwhile``, ``hvmdoc run --setup``) go
through `run_unseen`, which says which one failed and what it printed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol


class _TypedAt(Protocol):
    """A terminal lines are typed at (the tools' ``Terminal`` is one)."""

    @property
    def in_mdb(self) -> bool: ...

    @property
    def closed(self) -> bool: ...

    def execute(self, line: str) -> str: ...


class ScriptTerminal(_TypedAt, Protocol):
    """What `replay` needs of a terminal: its prompt too."""

    @property
    def prompt(self) -> str: ...


def input_lines(text: str) -> Iterator[str]:
    """Split typed input into lines: a line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r``.

    That is what a terminal's ICRNL and CommonMark agree on; unlike
    ``str.splitlines`` it does not break at form feeds, vertical tabs or U+2028,
    which a person can type inside a command.
    """
    for chunk in text.split("\n"):
        body = chunk[:-1] if chunk.endswith("\r") else chunk
        yield from body.split("\r")


def replay(
    terminal: ScriptTerminal, lines: Iterable[str], prompt: str | None = None
) -> Iterator[str]:
    """Type ``lines`` at ``terminal``; yield the transcript piece by piece.

    Blank lines are skipped; ``prompt`` (when given) replaces the shell's own
    prompt, never mdb's ``> ``; nothing is read after the shell logs out.
    """
    for raw in lines:
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip():
            continue
        shown = terminal.prompt if terminal.in_mdb or prompt is None else prompt
        yield f"{shown}{line}\n"
        yield terminal.execute(line)
        if terminal.closed:
            break


class UnseenTerminal(_TypedAt, Protocol):
    """What `run_unseen` needs of a terminal: its exit status too."""

    @property
    def exit_status(self) -> int: ...


#: How many lines of a failed command's output `Unseen.describe` quotes.
_QUOTED_LINES = 2


@dataclass(frozen=True)
class Unseen:
    """A command typed in a terminal the reader never sees (a page block's
    ``data-setup`` or ``data-meanwhile``, ``hvmdoc run --setup``): what it
    printed, how it ended, and why that counts as a failure (``""`` if not)."""

    command: str
    status: int
    output: str
    problem: str = ""

    @property
    def failed(self) -> bool:
        """Whether the command failed (a non-zero exit status, a logout, an mdb left open)."""
        return bool(self.problem)

    def describe(self, source: str) -> str:
        """One line for an error report: ``SOURCE 'CMD' PROBLEM: what it printed``.

        ``source`` names where the command came from (``data-setup``,
        ``--setup``). For a non-zero exit status, up to two lines of the output
        are quoted, joined by `` / ``, then how many more there were.
        """
        text = f"{source} {self.command!r} {self.problem}"
        if not self.status:
            return text
        lines = [line.strip() for line in self.output.splitlines() if line.strip()]
        if not lines:
            return text + " and printed nothing"
        quoted = " / ".join(lines[:_QUOTED_LINES])
        more = len(lines) - _QUOTED_LINES
        tail = f" / ... ({more} more line{'s' if more > 1 else ''})" if more > 0 else ""
        return f"{text}: {quoted}{tail}"


def run_unseen(terminal: UnseenTerminal, commands: Iterable[str]) -> list[Unseen]:
    """Type ``commands`` one after another at ``terminal``, which nobody sees.

    Stops after the first that fails, so a command never runs in a state the
    page does not describe: a non-zero exit status (an unknown command or VM
    alias, a VM already running), a logout (``exit``), or an interactive
    ``mdb -k`` still open after the last command (the lines after it, or the
    next block's setup, would be typed into mdb; an mdb opened and ended with
    ``$q`` among the commands is fine). A command typed into such an open mdb
    says so when it fails. Returns every command run, in order; `first_failure`
    finds the one that failed.
    """
    results: list[Unseen] = []
    opener: int | None = None  # the index of the command that opened mdb, while it is open
    for command in commands:
        inside = opener
        output = terminal.execute(command)
        status = terminal.exit_status
        problem = ""
        if status:
            problem = f"failed (exit {status})"
            if inside is not None:
                problem += f" inside the mdb -k that {results[inside].command!r} opened"
        elif terminal.closed:
            problem = "logged the unseen terminal out, so nothing after it would run"
        results.append(Unseen(command, status, output, problem))
        if problem:
            return results
        if not terminal.in_mdb:
            opener = None
        elif opener is None:
            opener = len(results) - 1
    if opener is not None:
        opened = results[opener]
        results[opener] = Unseen(
            opened.command,
            opened.status,
            opened.output,
            "left an interactive mdb -k open in the unseen terminal, so what follows "
            "would be typed into mdb; end it with $q or pipe it: echo 'DCMD' | mdb -k",
        )
    return results


def first_failure(results: Iterable[Unseen]) -> Unseen | None:
    """The failed command among `run_unseen`'s results, if one failed."""
    return next((result for result in results if result.failed), None)
