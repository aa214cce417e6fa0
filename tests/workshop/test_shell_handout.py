"""The printed command sheet tells the truth: every command on it runs on the emulated host.

docs/workshop/handout.md is prose (tables), not executable blocks, so this test
reads its tables and runs each command the way a trainee would type it.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from support import ROOT

from hvmdoc.tools.session import HostSession

HANDOUT = ROOT / "docs" / "workshop" / "handout.md"
KVM_UUID = "57409636-927a-cc7a-d744-e0f92b73f4e4"
SUBSTITUTIONS = {"UUID": KVM_UUID, "ADDRESS": "0xfffffffff8224185"}
#: What the emulated tools print when a command or option is not understood.
REFUSALS = re.compile(
    r"command not found|\b[Uu]sage:|unknown|not recognized|does not match|invalid|syntax error"
)


def _section_commands(title: str) -> list[tuple[str, str]]:
    """(command, platform) for the code spans in the first column of the table
    under ``## title``: a row whose text begins "After OS-7080" is for a fixed
    platform (``post-fix``), any other for the sheet's default (``pre-fix``)."""
    text = HANDOUT.read_text(encoding="utf-8")
    section = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    commands: list[tuple[str, str]] = []
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        first_cell, rest = [*re.split(r"(?<!\\) \| ", row[2:], maxsplit=1), ""][:2]
        platform = "post-fix" if rest.startswith("After OS-7080") else "pre-fix"
        for span in re.findall(r"`([^`]+)`", first_cell):
            commands.append((span.replace("\\|", "|"), platform))
    return commands


def _runnable(command: str) -> str | None:
    """The command with placeholders filled in, or None when one cannot be."""
    for placeholder, value in SUBSTITUTIONS.items():
        command = command.replace(placeholder, value)
    if re.search(r"\b[A-Z]{2,}\b", command):  # CMD, FILE: a pattern, not a command
        return None
    return command


@pytest.mark.parametrize("title", ["The host", "mdb", "dtrace"])
def test_every_host_command_on_the_sheet_runs(title: str) -> None:
    commands = _section_commands(title)
    assert len(commands) >= 3, commands
    sessions = {
        platform: HostSession("emy-17", platform=platform, seed=1)
        for platform in ("pre-fix", "post-fix")
    }
    for session in sessions.values():
        session.terminal().execute("vmadm start $(vm kvm-debian8)")  # so its QEMU log exists
    ran = 0
    for command, platform in commands:
        line = _runnable(command)
        if line is None or line in {"Ctrl-C", "reboot"}:
            continue
        terminal = sessions[platform].terminal()
        if line.startswith("::") or (title == "mdb" and "::" in line and "mdb" not in line):
            terminal.execute("mdb -k")
        output = terminal.execute(line)
        assert not REFUSALS.search(output), (command, output)
        terminal.close()
        ran += 1
    assert ran >= 3


def test_every_simulator_option_on_the_sheet_exists() -> None:
    options = {
        name: subprocess.run(
            [sys.executable, "-m", "hvmdoc", name, "--help"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for name in ("shell", "race")
    }
    mentioned = 0
    for command, _ in _section_commands("The simulator"):
        words = command.split()
        if words[:1] != ["hvmdoc"]:
            continue
        for option in (word for word in words if word.startswith("--")):
            assert option in options[words[1]], (command, option)
            mentioned += 1
    assert mentioned >= 6
