"""Whatever a page holds, reading it yields blocks or located errors, never an exception."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hvmdoc.sessions.blocks import load
from hvmdoc.sessions.errors import BlockError
from hvmdoc.sessions.find import scan

PIECES = [
    "---\n",
    "hvmdoc:\n  scenario: emy-17\n",
    "hvmdoc: [\n",
    "```",
    "````",
    "~~~",
    " { .console .hvmdoc ",
    ' data-setup="a; b" ',
    " data-x=1 ",
    ' data-elide="off" ',
    " .hvmdoc-static ",
    "console ",
    "python\n",
    "}",
    "{",
    '"',
    "'",
    "\n",
    "    ",
    "# mdb -k\n",
    "> $q\n",
    "> ::help\n",
    "$ hvmdoc --version\n",
    "$ ls\n",
    "[root@emy-17 /root]# ",
    "...\n",
    "output\n",
    "\t",
    "é",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_reading_any_page_gives_blocks_or_located_errors(pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        _, errors = load(scan(Path("fuzz.md"), text), scenarios={"emy-17"})
    except BlockError as exc:  # front matter problems are raised by the scanner
        errors = [exc]
    for error in errors:
        assert error.message.startswith("fuzz.md:")
        assert error.line >= 1
        assert "\n" not in error.message
