"""Write or check every generated file under ``docs/`` (atomically)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hvmdoc.docsgen import api_pages, assumptions, cli_reference, diagrams


def generated_files() -> dict[str, str]:
    """docs/-relative path -> the content ``hvmdoc docs`` writes there."""
    files: dict[str, str] = {
        assumptions.PAGE: assumptions.render(assumptions.load_registry()),
        cli_reference.PAGE: cli_reference.render(),
    }
    files.update(api_pages.pages())
    files.update({path: draw() for path, draw in diagrams.DIAGRAMS.items()})
    return files


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step (a temporary file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _current(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def check(docs: Path) -> list[str]:
    """docs/-relative paths whose file is missing or differs from what would be written."""
    return [
        relative
        for relative, text in generated_files().items()
        if _current(docs / relative) != text
    ]


def write(docs: Path) -> list[str]:
    """Write every generated file that differs; return the docs/-relative paths written."""
    written = []
    for relative, text in generated_files().items():
        target = docs / relative
        if _current(target) != text:
            write_atomic(target, text)
            written.append(relative)
    return written
