"""Splitting a block into steps: prompts, mdb mode, real commands, errors."""

from __future__ import annotations

import pytest

from hvmdoc.sessions.transcript import (
    Mode,
    StepKind,
    TranscriptError,
    opens_mdb,
    quits_mdb,
    split,
)

SEED_MDB = ["# mdb -k", "Loading modules: [ ... ]", "> hvm_excl_holder::print", "0"]


def test_seed_mdb_block_leaves_mdb_open() -> None:
    steps, mode = split(SEED_MDB, 10, Mode.SHELL)
    assert mode is Mode.MDB
    assert [(s.prompt, s.command, s.line, s.output) for s in steps] == [
        ("# ", "mdb -k", 10, ("Loading modules: [ ... ]",)),
        ("> ", "hvm_excl_holder::print", 12, ("0",)),
    ]
    assert steps[1].mode_before is Mode.MDB


def test_block_may_begin_at_mdb_prompt_when_mdb_is_open() -> None:
    steps, mode = split(["> hvm_excl_holder::print", '0x1 "SmartOS KVM"', "> $q"], 1, Mode.MDB)
    assert [s.command for s in steps] == ["hvm_excl_holder::print", "$q"]
    assert mode is Mode.SHELL


def test_host_prompt_real_commands_and_lines_that_look_like_prompts_in_output() -> None:
    lines = [
        "[root@emy-17 /root]# vmadm list",
        "UUID  TYPE",
        "> not a prompt in the shell",
        "$ hvmdoc race --bhyve 1 --kvm 1 | head -1",
        "outcome",
        "$ python examples/who_holds.py",
    ]
    steps, _ = split(lines, 1, Mode.SHELL)
    assert [(s.kind, s.prompt) for s in steps] == [
        (StepKind.HOST, "[root@emy-17 /root]# "),
        (StepKind.REAL, "$ "),
        (StepKind.REAL, "$ "),
    ]
    assert steps[0].output == ("UUID  TYPE", "> not a prompt in the shell")


@pytest.mark.parametrize(
    ("lines", "mode", "line", "message"),
    [
        (["> ::help"], Mode.SHELL, 1, "no earlier block left mdb -k open"),
        (["# uname -v"], Mode.MDB, 1, "still reading input"),
        (["", "output first", "# ls"], Mode.SHELL, 2, "begins with a prompt"),
        (["$ ls -l"], Mode.SHELL, 1, "only '$ hvmdoc ...'"),
        (["", "  "], Mode.SHELL, 1, "empty session block"),
    ],
)
def test_bad_blocks_are_located(lines: list[str], mode: Mode, line: int, message: str) -> None:
    with pytest.raises(TranscriptError) as caught:
        split(lines, 1, mode)
    assert caught.value.line == line
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("command", "interactive"),
    [
        ("mdb -k", True),
        ("mdb -k  # comment", True),
        ("echo ::nm | mdb -k", False),
        ("mdb -k < cmds", False),
        ("mdb", False),
        ("mdb -k 'unclosed", False),
        ("mdb -kw", True),
        ("mdb -w -k", True),
        ("mdb -k vmcore.0", False),
        ("mdb -k %{{", False),
        ("mdb -k -x", False),
        ("mdb -k -", False),
        ("mdb -k &", False),
    ],
)
def test_only_interactive_mdb_opens_mdb_mode(command: str, interactive: bool) -> None:
    assert opens_mdb(command) is interactive
    # ... and the emulated host agrees: a block's mode is predicted statically,
    # the replay then checks the terminal (a disagreement fails every such page).
    from hvmdoc.tools.session import HostSession

    terminal = HostSession("emy-17").terminal()
    terminal.execute(command)
    assert terminal.in_mdb is interactive


@pytest.mark.parametrize(
    ("line", "quits"),
    [
        ("$q", True),
        ("$Q", True),
        ("::quit", True),
        ("  $q  ", True),
        ("$q now", True),
        ("::nm; $q", True),
        ("$%", True),
        ("::quitx", False),
        ("hvm_excl_holder::print", False),
        ("::walk zone | ::print zone_t zone_name", False),
        ("// $q", False),
    ],
)
def test_mdb_quits_as_the_emulated_mdb_does(line: str, quits: bool) -> None:
    assert quits_mdb(line) is quits
    from hvmdoc.tools.session import HostSession

    terminal = HostSession("emy-17").terminal()
    terminal.execute("mdb -k")
    assert terminal.in_mdb
    terminal.execute(line)
    assert terminal.in_mdb is not quits
