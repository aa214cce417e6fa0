"""Scripted input: the one loop behind ``hvmdoc run`` and a piped ``hvmdoc shell``.

Both print a transcript as a page shows it (prompt and command, then what the
terminal printed), and must agree line for line, so both call `replay`
on lines split by `input_lines`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol


class ScriptTerminal(Protocol):
    """What `replay` needs of a terminal (the tools' ``Terminal`` has it)."""

    @property
    def prompt(self) -> str: ...

    @property
    def in_mdb(self) -> bool: ...

    @property
    def closed(self) -> bool: ...

    def execute(self, line: str) -> str: ...


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
