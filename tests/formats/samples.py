"""Real samples for the format tests, read from ``../shared`` (never copied in).

The seed transcripts are the fenced blocks of ``../shared/seeds/*.txt``: each
command typed at a ``# `` or ``[root@HOST DIR]# `` prompt and the lines it
printed, attributed to the tool that printed them. ``mdb``'s own ``> ``
commands stay in its output (they are part of what mdb shows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from support import shared_file

_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.M | re.S)
_PROMPT = re.compile(r"^(?:# |\[root@[^\]]*\]# )(.*)$")
DTRACE_STACKS = "data/example-dtrace-stacks.txt"
DTRACE_FOLDED = "data/example-dtrace-stacks.folded"


@dataclass(frozen=True)
class Transcript:
    """What one command printed in a seed transcript."""

    source: str
    tool: str  # "mdb", "dtrace" or "vmadm"
    command: str
    lines: tuple[str, ...]


def seed_files() -> list[Path]:
    """Every seed transcript file (skips, or fails under CI, when ../shared is absent)."""
    return sorted(shared_file("seeds").glob("*.txt"))


def _tool(command: str) -> str | None:
    words = command.replace("|", " ").split()
    for tool in ("mdb", "dtrace", "vmadm"):
        if tool in words:
            return tool
    return None


def seed_transcripts() -> list[Transcript]:
    """Every tool output in the seeds (a block opening at mdb's ``> `` is mdb's)."""
    found: list[Transcript] = []
    for path in seed_files():
        for block in _FENCE.findall(path.read_text(encoding="utf-8")):
            lines = block.split("\n")[:-1]
            tool: str | None = "mdb" if lines and lines[0].startswith("> ") else None
            command, output = "", list[str]()
            for line in lines:
                match = _PROMPT.match(line)
                if match:
                    if tool and output:
                        found.append(Transcript(path.name, tool, command, tuple(output)))
                    command, output = match.group(1), []
                    tool = _tool(command)
                else:
                    output.append(line)
            if tool and output:
                found.append(Transcript(path.name, tool, command, tuple(output)))
    return found


def outputs(tool: str) -> list[Transcript]:
    """The seed outputs of one tool."""
    return [t for t in seed_transcripts() if t.tool == tool]


def data_lines(relative: str) -> list[str]:
    """A shared data file's lines, without newlines."""
    text = shared_file(relative).read_text(encoding="utf-8")
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n")
