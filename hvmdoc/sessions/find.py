"""Find the fences and the front matter of a Markdown page.

A line scanner, not a CommonMark parser: pymdownx.superfences finds fences at
any indentation (inside content tabs, admonitions, list items), where a
CommonMark parser such as markdown-it-py sees an indented code block instead.
Scanning lines the way superfences does keeps the checker and the site in
agreement about what is a block. Fences follow CommonMark's rules otherwise:
backticks or tildes, three or more, closed by at least as many of the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hvmdoc.sessions.errors import BlockError

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Fence:
    """One fenced block as written on a page."""

    path: Path
    line: int
    """1-based line of the opening fence."""
    indent: str
    """Whitespace before the opening fence, removed from every content line."""
    fence: str
    info: str
    lines: tuple[str, ...]
    """Content lines without their newline and without ``indent``."""
    closed: bool = True

    @property
    def first_content_line(self) -> int:
        """1-based line of the first content line."""
        return self.line + 1


@dataclass
class Page:
    """A Markdown page: its text, front matter settings and fences."""

    path: Path
    text: str
    front_matter: dict[str, Any] = field(default_factory=dict)
    fences: list[Fence] = field(default_factory=list)


def _front_matter(path: Path, lines: list[str]) -> tuple[dict[str, Any], int]:
    """Parse a leading ``---`` YAML block; return it and the index of the next line."""
    if not lines or lines[0].rstrip() != "---":
        return {}, 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in {"---", "..."}:
            try:
                data = yaml.safe_load("\n".join(lines[1:index])) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = 2 + (mark.line if mark is not None else 0)
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise BlockError(path, line, f"front matter is not valid YAML: {problem}") from None
            if not isinstance(data, dict):
                raise BlockError(path, 1, "front matter must be a YAML mapping")
            return data, index + 1
    raise BlockError(path, 1, "front matter starts with '---' but never ends")


def _dedent(line: str, indent: str) -> str:
    """Remove as much of the fence's own indentation as ``line`` has."""
    cut = 0
    while cut < len(indent) and cut < len(line) and line[cut] == indent[cut]:
        cut += 1
    return line[cut:]


def scan(path: Path, text: str) -> Page:
    """Split ``text`` (the content of ``path``) into front matter and fences.

    A byte order mark (Windows editors write one) is not part of the first line.
    """
    lines = split_lines(text.removeprefix("\ufeff"))
    front_matter, index = _front_matter(path, lines)
    page = Page(path=path, text=text, front_matter=front_matter)
    while index < len(lines):
        match = _OPEN.match(lines[index])
        if match is None or (match["fence"][0] == "`" and "`" in match["info"]):
            index += 1
            continue
        fence = match["fence"]
        indent = match["indent"]
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        end = index + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        page.fences.append(
            Fence(
                path=path,
                line=index + 1,
                indent=indent,
                fence=fence,
                info=match["info"],
                lines=tuple(_dedent(line, indent) for line in lines[index + 1 : end]),
                closed=end < len(lines),
            )
        )
        index = end + 1
    return page


def read_page(path: Path) -> Page:
    """Read and scan one Markdown file.

    The text is kept exactly (CRLF line ends, a byte order mark), so that
    ``--update`` changes output lines and nothing else.
    """
    try:
        text = read_exactly(path)
    except UnicodeDecodeError as exc:
        raise BlockError(path, 1, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise BlockError(path, 1, f"cannot read: {exc.strerror}") from None
    return scan(path, text)


#: CommonMark's line endings: LF, CRLF, or a CR alone. Not ``str.splitlines()``'s
#: wider set: a form feed, U+0085 or U+2028 pasted from a web page stays in its line.
_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str, *, keepends: bool = False) -> list[str]:
    """``text``'s lines as CommonMark (and an editor) count them."""
    if not text:
        return []
    if keepends:
        ends = [m.end() for m in _LINE_END.finditer(text)]
        starts = [0, *ends]
        if ends and ends[-1] == len(text):
            starts.pop()
        return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    lines = _LINE_END.split(text)
    if lines[-1] == "":
        lines.pop()
    return lines


def read_exactly(path: Path) -> str:
    """``path``'s text as on disk: no newline translation (``\\r\\n`` stays)."""
    return path.read_bytes().decode("utf-8")


def markdown_files(paths: list[Path]) -> list[Path]:
    """The ``*.md`` files named or found below ``paths``, sorted, each once.

    A missing path, or a directory with no page below it, is a `BlockError`.
    """
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            pages = sorted(path.rglob("*.md"))
            if not pages:
                # `hvmdoc check doc` where the pages moved must not pass by checking nothing.
                raise BlockError(path, 0, "no Markdown page (*.md) in this directory")
            for item in pages:
                found.setdefault(item, None)
        elif path.exists():
            found.setdefault(path, None)
        else:
            raise BlockError(path, 0, "no such file or directory")
    return list(found)
