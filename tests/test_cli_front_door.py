"""The CLI's front door: --help, --version, exit codes, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from hvmdoc import __version__
from hvmdoc.cli import SUBCOMMANDS


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hvmdoc", *args], capture_output=True, text=True, check=False
    )


def test_help_lists_every_subcommand() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for name in SUBCOMMANDS:
        assert name in result.stdout


def test_version_prints_package_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_unknown_subcommand_is_bad_usage_without_traceback() -> None:
    result = run_cli("no-such-command")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "no-such-command" in result.stderr


def test_every_subcommand_has_help() -> None:
    for name in SUBCOMMANDS:
        result = run_cli(name, "--help")
        assert result.returncode == 0, (name, result.stderr)
        assert "Usage:" in result.stdout


def test_version_literal_matches_pyproject() -> None:
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text())["project"]["version"]
    assert declared == __version__


def test_python_dash_m_propagates_exit_status() -> None:
    result = run_cli("race", "--bhyve", "-1", "--kvm", "1")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [("race", "--bhyve", "2", "--kvm", "2"), ("run", "SCRIPT"), ("--help",)],
    ids=["race", "run", "help"],
)
def test_reader_going_away_is_not_a_difference(tmp_path: Path, args: tuple[str, ...]) -> None:
    """`hvmdoc ... | head` exits 0, quietly (click alone would exit 1, "a difference")."""
    script = tmp_path / "many.txt"
    script.write_text("vmadm list\n" * 50)
    argv = [str(script) if a == "SCRIPT" else a for a in args]
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write: EPIPE for sure
    try:
        result = subprocess.run(
            [sys.executable, "-m", "hvmdoc", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_run_with_stdin_closed_is_bad_input() -> None:
    result = subprocess.run(
        f"'{sys.executable}' -m hvmdoc run <&-", shell=True, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_help_option_does_not_depend_on_how_the_command_first_ran(name: str) -> None:
    """Click builds a command's help option from the first context it sees and
    keeps it: a subcommand that only inherited ``-h`` from the group lost it for
    good once a test ran it on its own (``CliRunner().invoke(command)``), and the
    CLI reference rendered later in the same process changed (it did after
    tests/model/test_race.py). Each subcommand's own context must offer ``-h``."""
    from click.testing import CliRunner

    from hvmdoc.cli import cli
    from hvmdoc.docsgen import cli_reference

    command = cli.get_command(click.Context(cli, info_name="hvmdoc"), name)
    assert command is not None
    alone = command.make_context(name, [], resilient_parsing=True)
    assert set(command.get_help_option_names(alone)) == {"-h", "--help"}
    before = cli_reference.render()
    result = CliRunner().invoke(command, ["-h"])
    assert result.exit_code == 0, result.output
    assert "-h, --help" in result.output
    assert cli_reference.render() == before
