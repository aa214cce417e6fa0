"""Scripted ``hvmdoc shell`` (stdin not a terminal) prints what ``hvmdoc run`` prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT

SCRIPT = """\
uname -v

vmadm list\r
vmadm start $(vm test)
vmadm start $(vm kvm-debian8)
vmadm list state=running
echo hvm_excl_holder::print | mdb -k
mdb -k
hvm_excl_holder::print
::bogus
$q
dtrace -n 'hvm_excl_*:entry { stack() }' &
vmadm stop $(vm test)
jobs
kill %1
cat /zones/57409636-927a-cc7a-d744-e0f92b73f4e4/root/tmp/vm.log
reboot
vmadm list
vmadm frobnicate
frobnicate --now
echo 'unterminated
# a comment
exit
echo never shown
"""


def _hvmdoc(*args: str, stdin: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hvmdoc", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "host",
    [
        ["--seed", "4"],
        ["--seed", "6"],
        ["--seed", "7", "--platform", "post-fix", "--cpu", "amd"],
    ],
    ids=["seed-4", "seed-6", "post-fix-amd"],
)
def test_scripted_shell_equals_hvmdoc_run_line_for_line(host: list[str]) -> None:
    shell = _hvmdoc("shell", *host, stdin=SCRIPT)
    run = _hvmdoc("run", *host, "-", stdin=SCRIPT)
    assert run.returncode == 0, run.stderr
    assert shell.returncode == 0, shell.stderr
    assert shell.stderr == ""
    assert shell.stdout.splitlines() == run.stdout.splitlines()
    assert shell.stdout.count("[root@emy-17 /root]# ") >= 15


def test_scripted_shell_without_seed_prints_the_picked_seed_on_stderr() -> None:
    shell = _hvmdoc("shell", stdin="uname -v\n")
    assert shell.returncode == 0
    assert shell.stderr.startswith("hvmdoc shell: seed ")
    seed = shell.stderr.split()[3]
    assert f"--seed {seed}" in shell.stderr
    assert shell.stdout.startswith("[root@emy-17 /root]# uname -v\n")


def test_record_from_a_script_passes_hvmdoc_check(tmp_path: Path) -> None:
    record = tmp_path / "session.md"
    shell = _hvmdoc("shell", "--seed", "6", "--record", str(record), stdin=SCRIPT)
    assert shell.returncode == 0, shell.stderr
    page = record.read_text()
    assert page.startswith("---\nhvmdoc:\n  scenario: emy-17\n  seed: 6\n---\n")
    check = _hvmdoc("check", str(record), stdin="")
    assert check.returncode == 0, check.stdout + check.stderr


def test_record_that_no_longer_matches_fails_hvmdoc_check(tmp_path: Path) -> None:
    record = tmp_path / "session.md"
    _hvmdoc("shell", "--seed", "6", "--record", str(record), stdin="vmadm list\n")
    page = record.read_text()
    assert "BHYV  2048" in page
    record.write_text(page.replace("BHYV  2048", "BHYV  4096"))
    check = _hvmdoc("check", str(record), stdin="")
    assert check.returncode == 1


def test_bad_options_are_one_line_and_status_2() -> None:
    for args in (["--scenario", "no-such-host"], ["--seed", "x"], ["--attach", "--seed", "1"]):
        result = _hvmdoc("shell", *args, stdin="")
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
        assert result.stdout == ""


def test_unwritable_record_is_refused_before_anything_runs(tmp_path: Path) -> None:
    result = _hvmdoc(
        "shell", "--seed", "1", "--record", str(tmp_path / "no" / "x.md"), stdin="uname -v\n"
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("hvmdoc: cannot write ") and result.stderr.count("\n") == 1
