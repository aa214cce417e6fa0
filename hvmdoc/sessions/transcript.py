"""Split a session block into steps: a prompt, the command typed there, its output.

Prompts, by mode:

* shell: ``# `` or ``[root@HOST DIR]# `` (run on the emulated host), and
  ``$ `` for ``$ hvmdoc ...`` and ``$ python examples/NAME.py`` (run for real);
* mdb: ``> `` while an interactive ``mdb -k`` is open, until ``$q``.

The mode is followed statically (``mdb -k`` opens, ``$q`` quits) so a block can
be read without running it; the replay checks the terminal agrees.
"""

from __future__ import annotations

import enum
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass


class Mode(enum.Enum):
    """Which program reads the next input line."""

    SHELL = "shell"
    MDB = "mdb"


class StepKind(enum.Enum):
    """Where a step's command runs."""

    HOST = "host"
    """On the emulated host's terminal."""
    REAL = "real"
    """For real, in a subprocess from the repository root."""


_SHELL_PROMPT = re.compile(
    r"^(?P<prompt>\[[^\[\]\s]+@[^\[\]\s]+ [^\[\]]*\]#|#|\$)(?: (?P<command>.*)|$)"
)
_MDB_PROMPT = re.compile(r"^(?P<prompt>>)(?: (?P<command>.*)|$)")
_PYTHON_EXAMPLE = re.compile(r"^python3? examples/[A-Za-z0-9_./-]+\.py(\s|$)")
MDB_QUIT = frozenset({"$q", "$Q", "::quit"})


class TranscriptError(ValueError):
    """A block that cannot be split into steps; ``line`` is 1-based in the file."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Step:
    """One command of a block and the output the page shows for it."""

    kind: StepKind
    prompt: str
    """The prompt as written, with its trailing space (``"# "``, ``"> "``)."""
    command: str
    line: int
    """1-based line of the command in the file."""
    index: int
    """0-based index of the command line among the block's content lines."""
    output: tuple[str, ...]
    """The expected output lines, as written."""
    mode_before: Mode
    mode_after: Mode

    @property
    def shown(self) -> str:
        """The command line as the page shows it."""
        return f"{self.prompt}{self.command}".rstrip()


#: The option letters the emulated mdb accepts (hvmdoc/tools/mdb.py ``mdb_command``).
_MDB_FLAGS = frozenset("kfmuwyAFKMSUW")


def opens_mdb(command: str) -> bool:
    """True for an interactive ``mdb -k`` (no input piped or redirected into it).

    As the emulated mdb decides (hvmdoc/tools/mdb.py ``mdb_command``): only
    options, all known, ``k`` among them (``mdb -k``, ``mdb -kw``); an operand
    (``mdb -k vmcore.0``) or an unknown option fails without opening it.
    tests/sessions/test_transcript.py holds the two to the same answer.
    """
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        return False
    if not words or words[0] != "mdb" or set("|<>;&") & set(command):
        return False
    flags = "".join(word[1:] for word in words[1:])
    options_only = all(word.startswith("-") and word != "-" for word in words[1:])
    return options_only and "k" in flags and _MDB_FLAGS.issuperset(flags)


def quits_mdb(command: str) -> bool:
    """True for an mdb input line that ends mdb, as the emulated mdb reads it
    (hvmdoc/tools/mdb.py ``MdbSession.execute``/``_stage``): a statement
    (``;``-separated) whose dcmd is ``$q``, ``$Q``, ``$%`` or ``::quit``,
    whatever arguments follow (``$q now``, ``::nm; $q``).
    """
    for statement in command.split("//", 1)[0].split(";"):
        words = statement.split()
        if words and (words[0][:2] in {"$q", "$Q", "$%"} or words[0] == "::quit"):
            return True
    return False


def is_real_command(command: str) -> bool:
    """True for the commands a ``$ `` prompt may run: ``hvmdoc ...``, ``python examples/X.py``."""
    return command.split(" ", 1)[0] == "hvmdoc" or bool(_PYTHON_EXAMPLE.match(command))


def prompt_of(line: str, mode: Mode) -> tuple[str, str] | None:
    """``(prompt, command)`` when ``line`` is a prompt line in ``mode``, else None."""
    match = (_MDB_PROMPT if mode is Mode.MDB else _SHELL_PROMPT).match(line)
    if match is None:
        return None
    return match["prompt"] + " ", match["command"] or ""


def _before_first_prompt(line: str, mode: Mode) -> str:
    if mode is Mode.MDB:
        return (
            "an mdb -k left open by an earlier block on this host is still reading input: "
            "begin this block at mdb's '> ' prompt (or quit mdb with $q first)"
        )
    if _MDB_PROMPT.match(line):
        return "the block begins at mdb's '> ' prompt, but no earlier block left mdb -k open"
    return (
        "a session block begins with a prompt ('# ', '[root@HOST DIR]# ', '$ hvmdoc ...'); "
        f"found {line.strip()!r}"
    )


def split(lines: Sequence[str], first_line: int, mode: Mode) -> tuple[list[Step], Mode]:
    """Split block content ``lines`` (the first is file line ``first_line``) into steps.

    ``mode`` is the mode the block starts in; the mode it ends in is returned too.
    """
    starts: list[tuple[int, str, str, Mode, Mode]] = []
    current = mode
    for index, line in enumerate(lines):
        found = prompt_of(line, current)
        if found is None:
            if not starts and line.strip():
                raise TranscriptError(first_line + index, _before_first_prompt(line, current))
            continue
        prompt, command = found
        before = current
        if prompt == "$ ":
            if not is_real_command(command):
                raise TranscriptError(
                    first_line + index,
                    f"'$ {command}': only '$ hvmdoc ...' and '$ python examples/NAME.py' run "
                    "for real; commands for the emulated host take its '# ' prompt",
                )
        elif current is Mode.SHELL and opens_mdb(command):
            current = Mode.MDB
        elif current is Mode.MDB and quits_mdb(command):
            current = Mode.SHELL
        starts.append((index, prompt, command, before, current))
    if not starts:
        raise TranscriptError(first_line, "empty session block: write at least one command")
    steps = []
    for number, (index, prompt, command, before, after) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(lines)
        steps.append(
            Step(
                kind=StepKind.REAL if prompt == "$ " else StepKind.HOST,
                prompt=prompt,
                command=command,
                line=first_line + index,
                index=index,
                output=tuple(lines[index + 1 : end]),
                mode_before=before,
                mode_after=after,
            )
        )
    return steps, current


#: Commands that run until interrupted; ``data-meanwhile`` runs while the first one does.
LONG_RUNNING = frozenset({"dtrace"})


def is_long_running(command: str) -> bool:
    """True for a foreground command that runs until stopped (dtrace)."""
    words = command.split()
    return bool(words) and words[0] in LONG_RUNNING and not command.rstrip().endswith("&")
