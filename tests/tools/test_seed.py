"""Every transcript of the seed comes out of the tools exactly (but for the
author's two hand edits: the elided module list and the ``(func+0xoff)`` names
he added to dtrace's bare frames)."""

from __future__ import annotations

import re

from click.testing import CliRunner

from hvmdoc.cli.run import command as run_command
from hvmdoc.tools.session import HostSession

from .seed import normalize, seed_block, strip_annotations


def _split(block: str, prompt: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of a transcript with ``prompt``."""
    pairs: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith(prompt):
            pairs.append((line[len(prompt) :], []))
        else:
            pairs[-1][1].append(line)
    return [(cmd, "\n".join(out)) for cmd, out in pairs]


def test_vmadm_block_through_hvmdoc_run() -> None:
    block = seed_block("[root@emy-17 /root]# vmadm start $(vm test)")
    commands = [cmd for cmd, _ in _split(block, "[root@emy-17 /root]# ")]
    result = CliRunner().invoke(
        run_command,
        ["--scenario", "emy-17", "--prompt", "[root@emy-17 /root]# ", "-"],
        input="\n".join(commands) + "\n",
    )
    assert result.exit_code == 0, result.output
    assert result.output == block


def test_vmadm_block_prompt_defaults_to_the_hosts() -> None:
    block = seed_block("[root@emy-17 /root]# vmadm start $(vm test)")
    commands = [cmd for cmd, _ in _split(block, "[root@emy-17 /root]# ")]
    result = CliRunner().invoke(run_command, [], input="\n".join(commands) + "\n")
    assert result.output == block


def test_echo_mdb_block_through_hvmdoc_run() -> None:
    block = seed_block("# echo hvm_excl_holder::print | mdb -k")
    result = CliRunner().invoke(
        run_command,
        [
            "--prompt",
            "# ",
            "--setup",
            "vmadm start $(vm test)",
            "--setup",
            "vmadm start $(vm kvm-debian8)",
        ],
        input="echo hvm_excl_holder::print | mdb -k\n",
    )
    assert result.exit_code == 0
    assert result.output == block


def test_interactive_mdb_blocks() -> None:
    """``# mdb -k`` ... then, after starting the KVM VM elsewhere, the same
    ``::print`` shows KVM's ident (the page's next block starts at ``> ``)."""
    first = seed_block("# mdb -k")
    second = seed_block("> hvm_excl_holder::print")
    session = HostSession("emy-17")
    term = session.terminal()
    shown = ["# mdb -k\n", term.execute("mdb -k")]
    assert term.in_mdb and term.prompt == "> "
    shown += ["> hvm_excl_holder::print\n", term.execute("hvm_excl_holder::print")]
    text = "".join(shown)
    banner = re.compile(r"^Loading modules: \[ .+ \]$", re.M)
    assert banner.search(text)
    assert banner.sub("Loading modules: [ ... ]", text) == first
    other = session.terminal()
    other.execute("vmadm start $(vm kvm-debian8)")
    assert "> hvm_excl_holder::print\n" + term.execute("hvm_excl_holder::print") == second


def test_dtrace_block_with_meanwhile() -> None:
    block = seed_block("# dtrace -n 'hvm_excl_*:entry { stack() }'")
    expected = strip_annotations(block.split("\n", 1)[1])
    assert "(vmmdev_mod_incr+0x37)" not in expected
    term = HostSession("emy-17").terminal()
    out = term.execute(
        "dtrace -n 'hvm_excl_*:entry { stack() }'",
        meanwhile=["vmadm start $(vm test)", "vmadm stop -F $(vm test)"],
    )
    assert normalize(out) == normalize(expected)
    # dtrace's own trailing space after FUNCTION:NAME is kept
    assert " 48   8666              hvm_excl_hold:entry \n" in out


def test_dtrace_frames_of_unresolved_module_are_bare() -> None:
    term = HostSession("emy-17").terminal()
    out = term.execute(
        "dtrace -n 'hvm_excl_hold:entry { stack() }'", meanwhile=["vmadm start $(vm test)"]
    )
    frames = [line.strip() for line in out.splitlines() if line.startswith("              ")]
    assert frames[0] == "0xfffffffff82aec97"
    assert all("vmm`" not in frame for frame in frames)
    assert "genunix`cdev_ioctl+0x39" in frames
