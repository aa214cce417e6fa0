"""Malformed and random lines get a real host's answers from the shell, never a traceback.

Hypothesis drives the shell's own path (`SharedTerminal`
and the scripted loop) in-process, a few hundred lines per run; one subprocess run
feeds the CLI the same kind of input through stdin.
"""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ROOT

from hvmdoc.tools.shell import command_names
from hvmdoc.workshop.record import HostSpec
from hvmdoc.workshop.shared import SharedHost

HOST = SharedHost(HostSpec("emy-17", None, None, 11))

#: What no real SmartOS host prints, whatever it is fed.
NOT_A_HOST = re.compile(r"Traceback|internal error|Exception|Error:|object at 0x|hvmdoc:")

WORDS = [
    *command_names(),
    "vmadm",
    "list",
    "start",
    "stop",
    "get",
    "lookup",
    "create",
    "delete",
    "-p",
    "-H",
    "-o",
    "-s",
    "-F",
    "-f",
    "-1",
    "-k",
    "-n",
    "-l",
    "-q",
    "state=running",
    "alias=~te",
    "ram=",
    "$(vm test)",
    "$(vm kvm-debian8)",
    "$(vm nope)",
    "79062669-e229-e55d-960d-9b18d0fed8d0",
    "not-a-uuid",
    "|",
    "||",
    "&&",
    ";",
    "&",
    "'",
    '"',
    "$(",
    ")",
    "`",
    "%1",
    "%9",
    "'hvm_excl_*:entry { stack() }'",
    "'hvm_excl_hold:return { trace(arg1) }'",
    "'nope:entry'",
    "'{'",
    "hvm_excl_holder::print",
    "::whatis",
    "0xfffffffff8224185::whatis",
    "::walk zone",
    "::nm",
    "$q",
    "::bogus",
    "/zones",
    "/etc/passwd",
]
LINES = st.one_of(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join),
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=40),
    st.text(alphabet="|&;<>()$`'\"\\{}*?# \tabc:=%-0x", max_size=30),
)
BANNED_FIRST_WORDS = {"exit", "logout"}  # they end the terminal; tested elsewhere
#: A simple command: a lowercase name, then arguments without shell syntax.
PLAIN = re.compile(r"[a-z]+( [^|&;<>()$`'\"\\#]*)?")


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(LINES, min_size=5, max_size=10))
def test_random_lines_get_host_answers_without_tracebacks(lines: list[str]) -> None:
    HOST.reset()
    term = HOST.terminal()
    for line in lines:
        line = line.replace("\n", " ")
        if line.strip().split(" ")[0] in BANNED_FIRST_WORDS:
            continue
        in_mdb = term.in_mdb
        output = term.execute(line)
        assert not NOT_A_HOST.search(output), (line, output)
        word = line.strip().split(" ")[0]
        if not in_mdb and PLAIN.fullmatch(line.strip()) and word not in command_names():
            assert f"-bash: {word}: command not found" in output, (line, output)
    term.close()


def test_hundreds_of_malformed_lines_through_the_cli() -> None:
    import random

    rng = random.Random(7)
    lines = []
    for _ in range(300):
        words = [rng.choice(WORDS) for _ in range(rng.randint(1, 5))]
        line = " ".join(words)
        if line.split(" ")[0] not in BANNED_FIRST_WORDS:
            lines.append(line)
    result = subprocess.run(
        [sys.executable, "-m", "hvmdoc", "shell", "--seed", "8"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0
    assert result.stderr == ""
    assert not NOT_A_HOST.search(result.stdout)
    assert result.stdout.count("\n") >= len(lines)
