"""Where a page is wrong: bad input found while reading a page or replaying it.

Every problem carries the page and the 1-based line so the CLI can print
``FILE:LINE: message`` (exit 2), the way compilers and linters do.
"""

from __future__ import annotations

from pathlib import Path

from hvmdoc.errors import BadInput


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class BlockError(BadInput):
    """Bad input at one line of one page (a malformed block, an unknown attribute...)."""

    def __init__(self, path: Path, line: int, message: str) -> None:
        where = f"{display_path(path)}:{line}" if line > 0 else display_path(path)
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.detail = message
