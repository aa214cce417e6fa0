"""Real commands: which run in-process, and that both ways print the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmdoc.sessions.real import RealCommands, run_in_process, run_real, runs_in_process

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("command", "in_process"),
    [
        ("hvmdoc race --bhyve 1 --kvm 1", True),
        ("python examples/x.py --flag", True),
        ("hvmdoc race --bhyve 1 --kvm 1 | head -1", False),
        ("hvmdoc run --prompt 'x# ' f", False),
        ("hvmdoc fold $HOME/x", False),
        ("python -c pass", False),
    ],
)
def test_only_plain_commands_run_in_process(command: str, in_process: bool) -> None:
    assert runs_in_process(command) is in_process


def test_forcing_subprocesses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HVMDOC_CHECK_SUBPROCESS", "1")
    assert not runs_in_process("hvmdoc --version")


@pytest.mark.parametrize(
    "command",
    ["hvmdoc --version", "hvmdoc no-such-command", "hvmdoc run --scenario emy-17"],
)
def test_in_process_matches_a_subprocess_and_never_reads_our_stdin(command: str) -> None:
    assert run_in_process(command, ROOT) == run_real(command, ROOT)


def test_an_example_that_raises_falls_back_to_a_subprocess(tmp_path: Path) -> None:
    (tmp_path / "boom.py").write_text("print('before')\nraise SystemExit('bad thing')\n")
    (tmp_path / "crash.py").write_text("print('before')\n1 / 0\n")
    assert run_in_process("python boom.py", tmp_path) == "before\nbad thing\n"
    assert run_in_process("python crash.py", tmp_path) is None
    output = RealCommands().run("python crash.py", tmp_path)
    assert output.startswith("before\nTraceback") and "ZeroDivisionError" in output
