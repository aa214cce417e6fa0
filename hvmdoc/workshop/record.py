"""``hvmdoc shell --record FILE``: a session as a page ``hvmdoc check`` replays.

The page names its host in front matter (scenario, platform, cpu, seed) and holds
one terminal's work as executable blocks (issue 4's format): other terminals'
commands become ``data-setup`` or ``data-meanwhile`` of the block they preceded
or overlapped, and a ``reset`` starts a block on a fresh host (``data-scenario``).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hvmdoc.tools.terminal import MDB_PROMPT
from hvmdoc.workshop.journal import Command, Entry, JobStarted, Reset
from hvmdoc.workshop.seed import replay_hint


@dataclass(frozen=True)
class HostSpec:
    """The host a recorded session ran on."""

    scenario: str
    platform: str | None
    cpu: str | None
    seed: int


@dataclass
class Block:
    """One executable block being assembled."""

    lines: list[str] = field(default_factory=list)
    setup: list[str] = field(default_factory=list)
    meanwhile: list[str] = field(default_factory=list)
    fresh_host: Reset | None = None


def _attr(name: str, commands: list[str]) -> str:
    """``name="CMD; CMD"``, quoted with whichever quote the commands do not use."""
    value = "; ".join(commands)
    quote = "'" if '"' in value else '"'
    return f"{name}={quote}{value}{quote}"


def _fence(block: Block) -> str:
    attrs = [".console", ".hvmdoc"]
    if block.fresh_host is not None:
        attrs.append(f'data-scenario="{block.fresh_host.scenario}"')
        if block.fresh_host.platform:
            attrs.append(f'data-platform="{block.fresh_host.platform}"')
        if block.fresh_host.cpu:
            attrs.append(f'data-cpu="{block.fresh_host.cpu}"')
    if block.setup:
        attrs.append(_attr("data-setup", block.setup))
    if block.meanwhile:
        attrs.append(_attr("data-meanwhile", block.meanwhile))
    body = "\n".join(block.lines)
    longest = max((len(m.group(0)) for m in re.finditer(r"^\s*`{3,}", body, re.M)), default=0)
    fence = "`" * max(3, longest + 1)  # output holding a fence must not close ours
    return f"{fence} {{ {' '.join(attrs)} }}\n{body}\n{fence}\n"


def _transcript_lines(command: Command) -> list[str]:
    text = command.prompt + command.line + "\n" + command.output
    return text.rstrip("\n").split("\n")


def _replayed_elsewhere(command: Command) -> bool:
    """Whether another terminal's line goes into a block's ``data-setup`` or
    ``data-meanwhile``: only lines that may change the host and succeeded.

    Left out: ``exit`` (replaying it would close the replay's only other
    terminal); an ``mdb`` session, its opening line and every line typed at its
    ``> `` prompt (``mdb -k`` only reads the kernel: the emulated mdb has no
    dcmd that writes); and a line that failed (``$?`` not 0), which the replay
    would report as bad input: a failed command changed nothing to replay.
    """
    words = command.line.split()
    if command.prompt == MDB_PROMPT or command.status != 0:
        return False
    return not (words and words[0] in {"exit", "logout", "mdb"})


def blocks_for(term: int, entries: list[Entry]) -> list[Block]:
    """Cut terminal ``term``'s view of the journal into executable blocks."""
    blocks: list[Block] = []
    current = Block()
    others: list[str] = []
    fresh: Reset | None = None

    def close() -> None:
        nonlocal current
        if current.lines:
            blocks.append(current)
        current = Block()

    for entry in entries:
        if isinstance(entry, Reset):
            close()
            others = []
            fresh = entry
        elif isinstance(entry, JobStarted):
            if entry.term == term:
                # A foreground job gets a block of its own, carrying what ran
                # on the host before it (setup) and while it ran (meanwhile).
                close()
                current.setup, others = others, []
                current.fresh_host, fresh = fresh, None
        elif entry.term != term:
            if _replayed_elsewhere(entry):
                others.append(entry.line)
        elif entry.foreground:
            current.meanwhile, others = others, []
            current.lines = _transcript_lines(entry)
            close()
        else:
            if others or fresh is not None:
                close()
                current.setup, others = others, []
                current.fresh_host, fresh = fresh, None
            current.lines.extend(_transcript_lines(entry))
    close()
    return blocks


def render_page(spec: HostSpec, term: int, entries: list[Entry]) -> str:
    """The page: front matter naming the host, a title, and the blocks."""
    front = ["---", "hvmdoc:", f"  scenario: {spec.scenario}"]
    if spec.platform:
        front.append(f"  platform: {spec.platform}")
    if spec.cpu:
        front.append(f"  cpu: {spec.cpu}")
    front.append(f"  seed: {spec.seed}")
    front.append("---")
    parts = [
        "\n".join(front),
        "",
        "# Recorded workshop session",
        "",
        f"Recorded with `{replay_hint(spec.seed, spec.scenario, spec.platform, spec.cpu)}`; "
        "`hvmdoc check` replays it against the model.",
        "",
    ]
    parts.extend(_fence(block) for block in blocks_for(term, entries))
    return "\n".join(parts)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a reader sees the old file or the new one, whole."""
    path = path.expanduser()
    directory = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
