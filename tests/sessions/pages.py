"""Helpers to write small pages for tests."""

from __future__ import annotations

from pathlib import Path

from hvmdoc.sessions.blocks import Document, load
from hvmdoc.sessions.find import scan

FRONT = "---\nhvmdoc:\n  scenario: emy-17\n---\n\n"


def fence(body: str, attrs: str = "") -> str:
    """A session fence around ``body``."""
    return f"``` {{ .console .hvmdoc {attrs}}}\n{body.rstrip()}\n```\n\n"


def document(text: str, path: Path = Path("page.md")) -> Document:
    """Load ``text``; fail the test on bad input."""
    doc, errors = load(scan(path, text))
    assert not errors, [e.message for e in errors]
    return doc


def errors_of(text: str, path: Path = Path("page.md")) -> list[str]:
    """The bad-input messages of ``text``."""
    _, errors = load(scan(path, text), scenarios={"emy-17"})
    return [e.message for e in errors]
