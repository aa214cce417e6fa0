"""The seed's transcripts, cut out of the blog post (``../shared/seeds``)."""

from __future__ import annotations

import re

from support import shared_file

SEED = "seeds/000_3cd7c55f9db8d4a4.txt"


def seed_blocks() -> list[str]:
    """Every fenced code block of the seed, in order (text without fences)."""
    text = shared_file(SEED).read_text(encoding="utf-8")
    return re.findall(r"^```\n(.*?)^```$", text, flags=re.MULTILINE | re.DOTALL)


def seed_block(first_line: str) -> str:
    """The seed block whose first line is ``first_line``."""
    for block in seed_blocks():
        if block.splitlines()[0] == first_line:
            return block
    raise AssertionError(f"no seed block starts with {first_line!r}")


def strip_annotations(text: str) -> str:
    """Undo the author's hand edit: ``0xADDR (func+0xoff)`` -> ``0xADDR``."""
    return re.sub(r"^(\s+0x[0-9a-f]+) \([A-Za-z_][\w]*\+0x[0-9a-f]+\)$", r"\1", text, flags=re.M)


def normalize(text: str) -> str:
    """Trailing blanks per line and trailing blank lines dropped (the checker's rule)."""
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)
