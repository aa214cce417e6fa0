"""Rewrite output lines of a page in place, atomically.

Only the lines an edit names change; everything else (prompts, commands,
prose, line endings, the file's mode) is kept. The new text goes to a
temporary file beside the page and replaces it with `os.replace`, so a
reader (mkdocs serve, an editor) never sees half a page.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hvmdoc.sessions.find import split_lines


@dataclass(frozen=True)
class Edit:
    """Replace ``count`` lines from 1-based ``line`` with ``lines``, indented by ``indent``."""

    line: int
    count: int
    lines: tuple[str, ...]
    indent: str = ""


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` applied (they must not overlap)."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = split_lines(text, keepends=True)
    ends_with_newline = text.endswith(("\n", "\r"))
    for edit in sorted(edits, key=lambda e: e.line, reverse=True):
        start = edit.line - 1
        new = [(edit.indent + line if line.strip() else line) + newline for line in edit.lines]
        lines[start : start + edit.count] = new
    result = "".join(lines)
    if not ends_with_newline and result.endswith(newline):
        result = result[: -len(newline)]
    return result


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path``'s content with ``text`` via a temporary file and ``os.replace``."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def update_file(path: Path, original: str, edits: list[Edit]) -> bool:
    """Apply ``edits`` to ``path`` (read as ``original``); True when the file changed."""
    text = apply_edits(original, edits)
    if text == original:
        return False
    write_atomically(path, text)
    return True
