"""The CLI contract of every subcommand, tried the way a careless user would.

Contract (issues 3, 4, 6 and TEAM.md): exit 0 success, 1 a check found a
difference, 2 bad usage or bad input; an error is one line on stderr (a usage
error too: ``hvmdoc race: Missing option '--kvm'. (see 'hvmdoc race --help')``),
never a traceback; parse errors read ``FILE:LINE:COL:
message``; records printed before a bad line stand; ``check --update`` never
leaves a page half written.

Each case runs ``python -m hvmdoc`` in a subprocess from the repository root.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import ROOT

from hvmdoc.cli import SUBCOMMANDS

#: ``FILE:LINE:COL: message`` (parse errors) or ``FILE:LINE: message`` (check).
LOCATED = re.compile(r"^[^:\n]+:\d+(:\d+)?: \S")
CHECK_SUMMARY = "hvmdoc check: "
VMADM_ROW = "79062669-e229-e55d-960d-9b18d0fed8d0  BHYV  2048     running           test"
VMADM_HEADER = "UUID                                  TYPE  RAM      STATE             ALIAS"


def hvmdoc(*args: str, stdin: bytes = b"", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would; stdin given as bytes (it may be binary)."""
    env = {k: v for k, v in os.environ.items() if k != "HVMDOC_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-m", "hvmdoc", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8", "replace"),
        result.stderr.decode("utf-8", "replace"),
    )


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert "internal error" not in result.stderr, result.stderr


def error_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """stderr minus ``check``'s one summary line."""
    return [line for line in result.stderr.splitlines() if not line.startswith(CHECK_SUMMARY)]


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert_no_traceback(result)
    lines = error_lines(result)
    assert len(lines) == 1, result.stderr
    assert lines[0].strip(), result.stderr


# --------------------------------------------------------------------------- every subcommand


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_help_exits_0_with_usage_on_stdout(name: str) -> None:
    result = hvmdoc(name, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Usage: hvmdoc {name}")
    assert result.stderr == ""


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_unknown_option_is_a_usage_error(name: str) -> None:
    result = hvmdoc(name, "--no-such-option")
    assert result.returncode == 2, result.stderr
    assert_no_traceback(result)
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"hvmdoc {name}: No such option '--no-such-option'")
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ("parse",),
        ("parse", "gdb"),
        ("parse", "vmadm", "a", "b"),
        ("fold", "a", "b"),
        ("race",),
        ("race", "--bhyve", "x", "--kvm", "1"),
        ("race", "--bhyve", "-1", "--kvm", "1"),
        ("race", "--bhyve", "1", "--kvm", "1", "--platform", "no-such"),
        ("race", "--bhyve", "1", "--kvm", "1", "--cpu", "arm"),
        ("run", "--scenario", "no-such", "/dev/null"),
        ("run", "--cpu", "arm", "/dev/null"),
        ("run", "--platform", "no-such", "/dev/null"),
        ("run", "--seed", "x", "/dev/null"),
        ("shell", "--scenario", "no-such"),
        ("shell", "--seed", "x"),
        ("shell", "extra"),
        ("symbolize", "--scenario", "no-such", "/dev/null"),
        ("symbolize", "--scenario", "emy-17", "--symbols", "/dev/null", "/dev/null"),
        ("symbolize", "--platform", "no-such", "/dev/null"),
        ("symbolize", "--cpu", "arm", "/dev/null"),
        ("symbolize", "--symbols", "/dev/null", "--platform", "post-fix", "/dev/null"),
        ("parse", "vmadm", "-o", "uuid,,alias", "/dev/null"),
        ("parse", "mdb", "-o", "no_such_field", "/dev/null"),
        ("docs", "--check", "--docs-dir", "/no/such/dir"),
        ("docs", "extra"),
    ],
    ids=lambda args: " ".join(args),
)
def test_bad_usage_is_exit_2_without_traceback(args: tuple[str, ...]) -> None:
    result = hvmdoc(*args)
    assert_one_line_error(result)
    assert result.stdout == ""


# --------------------------------------------------------------------------- file arguments

#: Subcommands that read one FILE; ``{}`` is where it goes.
READERS: dict[str, tuple[str, ...]] = {
    "parse mdb": ("parse", "mdb", "{}"),
    "parse dtrace": ("parse", "dtrace", "{}"),
    "parse vmadm": ("parse", "vmadm", "{}"),
    "fold": ("fold", "{}"),
    "symbolize": ("symbolize", "{}"),
    "symbolize --symbols": ("symbolize", "--symbols", "{}", "/dev/null"),
    "run": ("run", "{}"),
    "check": ("check", "{}"),
}


def _argv(reader: str, path: Path | str) -> list[str]:
    return [str(path) if part == "{}" else part for part in READERS[reader]]


def _missing(tmp: Path) -> Path:
    return tmp / "no-such-file.txt"


def _directory(tmp: Path) -> Path:
    (tmp / "a-dir").mkdir()
    return tmp / "a-dir"


def _eio(tmp: Path) -> Path:
    # Opens fine, fails on read (EIO at offset 0), even for root: the case of a
    # file on a failing disk or a dead NFS server.
    return Path("/proc/self/mem")


def _binary(tmp: Path) -> Path:
    path = tmp / "binary.dat"
    path.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\xff\xfe\n\x00\x01\x02\n")
    return path


BAD_FILES: dict[str, Callable[[Path], Path]] = {
    "missing": _missing,
    "directory": _directory,
    "read fails": _eio,
    "binary": _binary,
}


@pytest.mark.parametrize(
    ("reader", "kind"),
    # a directory is what check reads (an empty one: tested below)
    [
        (r, k)
        for r in sorted(READERS)
        for k in sorted(BAD_FILES)
        if (r, k) != ("check", "directory")
    ],
)
def test_unusable_file_is_one_line_exit_2(reader: str, kind: str, tmp_path: Path) -> None:
    path = BAD_FILES[kind](tmp_path)
    result = hvmdoc(*_argv(reader, path))
    assert_one_line_error(result)
    assert str(path) in error_lines(result)[0]


#: Readers for which empty input is bad input: a symbol table without a symbol
#: names nothing (the wrong file, or ``::nm`` output that never arrived).
EMPTY_IS_BAD = {"symbolize --symbols"}


@pytest.mark.parametrize("reader", sorted(set(READERS) - EMPTY_IS_BAD))
def test_empty_input_is_success_with_nothing_printed(reader: str, tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("")
    result = hvmdoc(*_argv(reader, path))
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    if reader != "check":
        assert result.stdout == ""


@pytest.mark.parametrize("reader", sorted(EMPTY_IS_BAD))
def test_empty_symbol_table_is_bad_input(reader: str, tmp_path: Path) -> None:
    path = tmp_path / "empty.nm"
    path.write_text("")
    result = hvmdoc(*_argv(reader, path))
    assert_one_line_error(result)
    assert LOCATED.match(result.stderr) and str(path) in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("reader", ["parse mdb", "parse dtrace", "parse vmadm", "fold", "run"])
def test_stdin_dash_reads_standard_input(reader: str) -> None:
    text = {
        "parse mdb": "> hvm_excl_holder::print\n0\n",
        "parse dtrace": "dtrace: allowing destructive actions\n",
        "parse vmadm": VMADM_ROW + "\n",
        "fold": "              unix`_sys_sysenter_post_swapgs+0x241\n        3\n",
        "run": "uname -v\n",
    }[reader]
    result = hvmdoc(*_argv(reader, "-"), stdin=text.encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert "<stdin>" not in result.stderr


@pytest.mark.parametrize(
    "args", [("parse", "mdb"), ("fold",), ("symbolize",), ("shell", "--seed", "1")]
)
def test_closed_stdin_is_one_line_of_bad_input(args: tuple[str, ...]) -> None:
    # `hvmdoc parse mdb <&-` from a cron job or a daemon: sys.stdin is None.
    argv = [sys.executable, "-m", "hvmdoc", *args]
    result = subprocess.run(
        ["sh", "-c", 'exec "$@" <&-', "sh", *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert_one_line_error(result)
    assert "standard input is closed" in result.stderr


@pytest.mark.parametrize("reader", ["parse mdb", "parse dtrace", "parse vmadm", "symbolize"])
def test_invalid_utf8_on_stdin_is_no_traceback(reader: str) -> None:
    result = hvmdoc(*_argv(reader, "-"), stdin=b"caf\xe9 \xff\xfe\n")
    assert result.returncode in (0, 2)
    assert_no_traceback(result)
    if result.returncode == 2:
        assert LOCATED.match(result.stderr.splitlines()[0]), result.stderr
        assert result.stderr.startswith("<stdin>:1:")


@pytest.mark.parametrize("reader", ["parse mdb", "parse dtrace", "parse vmadm", "fold", "run"])
def test_a_huge_line_is_no_traceback(reader: str, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("x" * 3_000_000 + "\n")
    result = hvmdoc(*_argv(reader, path))
    assert result.returncode in (0, 2)
    assert_no_traceback(result)
    assert len(result.stderr) < 1000  # the message quotes a bounded part of the line


@pytest.mark.parametrize(
    ("tool", "good", "bad"),
    [
        ("vmadm", [VMADM_HEADER, VMADM_ROW], "not a row"),
        ("dtrace", ["dtrace: allowing destructive actions", ""], "\x00\x01"),
        ("mdb", ["> hvm_excl_holder::print", "0"], "\x00\x01"),
    ],
)
def test_parse_error_is_located_and_earlier_records_stand(
    tool: str, good: list[str], bad: str, tmp_path: Path
) -> None:
    path = tmp_path / "input.txt"
    path.write_text("\n".join([*good, bad, *good]) + "\n")
    result = hvmdoc("parse", tool, "--json", str(path))
    assert_one_line_error(result)
    line = error_lines(result)[0]
    assert LOCATED.match(line), line
    assert line.startswith(f"{path}:{len(good) + 1}:"), line
    assert len(result.stdout.splitlines()) >= 1  # the good records came first


def test_a_failing_read_after_records_keeps_the_records() -> None:
    # stdin is read line by line: the records of the first lines are out before
    # the bad line is even read.
    good = (VMADM_HEADER + "\n" + VMADM_ROW + "\n").encode()
    result = hvmdoc("parse", "vmadm", "-", stdin=good + b"\x00\n")
    assert result.returncode == 2
    assert "test" in result.stdout
    assert result.stderr.startswith("<stdin>:3:")


@pytest.mark.parametrize(
    "args",
    [
        ("parse", "vmadm", "{}"),
        ("parse", "vmadm", "--json", "{}"),
        ("symbolize", "--symbols", "examples/emy-17-kernel.nm", "{}"),
        ("shell", "--seed", "1"),
    ],
    ids=" ".join,
)
def test_a_reader_that_leaves_early_is_success(args: tuple[str, ...], tmp_path: Path) -> None:
    # `hvmdoc parse vmadm big.txt | head -1`: a filter exits 0 when its reader
    # goes away (click's own handling would exit 1, "a difference").
    if args[0] == "shell":
        path, stdin = None, b"vmadm list\n" * 5000
    elif args[0] == "symbolize":
        path, stdin = tmp_path / "big.txt", b""
        path.write_text("              unix`sys_syscall+0x17a\n" * 100_000)
    else:
        path, stdin = tmp_path / "big.txt", b""
        path.write_text((VMADM_ROW + "\n") * 100_000)
    argv = [str(path) if part == "{}" else part for part in args]
    child = subprocess.Popen(
        [sys.executable, "-m", "hvmdoc", *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert child.stdin is not None and child.stdout is not None and child.stderr is not None
    if stdin:
        with contextlib.suppress(BrokenPipeError):
            child.stdin.write(stdin)
    child.stdin.close()
    assert child.stdout.readline()
    child.stdout.close()
    assert child.wait(timeout=120) == 0
    assert child.stderr.read() == b""
    child.stderr.close()


# --------------------------------------------------------------------------- check


FRONT = "---\nhvmdoc:\n  scenario: emy-17\n---\n\n"


def _session(command: str, output: str, attrs: str = "") -> str:
    return f"``` {{ .console .hvmdoc {attrs}}}\n[root@emy-17 /root]# {command}\n{output}\n```\n\n"


def test_check_mismatch_names_the_line_of_the_command_that_diverged(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    block = (
        "``` { .console .hvmdoc }\n"
        "[root@emy-17 /root]# uname -v\n...\n"
        "[root@emy-17 /root]# vmadm list -H -o alias\nwrong\nkvm-debian8\n```\n"
    )
    page.write_text(FRONT + "Some text.\n\n" + block)
    result = hvmdoc("check", str(page))
    assert result.returncode == 1, result.stdout + result.stderr
    assert_no_traceback(result)
    # page lines: 8 the fence, 9 uname -v, 10 "...", 11 the vmadm command that differs
    assert result.stdout.startswith(f"{page}:11: [root@emy-17 /root]# vmadm list -H -o alias")
    assert "-wrong" in result.stdout


def test_check_update_with_bad_input_leaves_the_page_whole(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    text = FRONT + _session("uname -v", "stale") + _session("uname -v", "x", 'data-bogus="1" ')
    page.write_text(text)
    result = hvmdoc("check", "--update", str(page))
    assert result.returncode == 2
    assert_no_traceback(result)
    assert page.read_text() == text  # bad input: nothing rewritten, nothing lost
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.md"]  # no temporary left


def test_check_update_is_idempotent(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(FRONT + _session("uname -v", "stale") + _session("vmadm list -H", "...\nx"))
    first = hvmdoc("check", "--update", str(page))
    assert first.returncode == 0, first.stdout + first.stderr
    updated = page.read_text()
    assert "stale" not in updated
    second = hvmdoc("check", "--update", str(page))
    assert second.returncode == 0
    assert page.read_text() == updated
    assert hvmdoc("check", str(page)).returncode == 0


def test_check_of_a_directory_without_pages_is_bad_input(tmp_path: Path) -> None:
    # `hvmdoc check doc` in CI where the pages moved must not pass by checking nothing.
    (tmp_path / "notes.txt").write_text("no markdown here\n")
    result = hvmdoc("check", str(tmp_path))
    assert_one_line_error(result)
    assert str(tmp_path) in error_lines(result)[0]


# --------------------------------------------------------------------------- shell


def test_shell_scripted_garbage_is_no_traceback() -> None:
    garbage = b"\x00\x01\x02\n\xff\xfe\n$(\n`\n|||\n&&&\n;;\nmdb -k\n::zzz\n\x1b[A\n$q\nexit\n"
    result = hvmdoc("shell", "--seed", "1", stdin=garbage)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)


@pytest.mark.parametrize(
    "record", ["/no/such/dir/page.md", "/proc/self/page.md", "/dev/null/page.md"]
)
def test_shell_record_to_an_unwritable_path_is_one_line(record: str) -> None:
    result = hvmdoc("shell", "--seed", "1", "--record", record, stdin=b"uname -v\n")
    assert_one_line_error(result)
    assert record in result.stderr


@pytest.mark.parametrize("leave", [b"exit\n", b"", b"mdb -k\n"])
def test_shell_leaves_with_0_at_exit_or_end_of_input(leave: bytes) -> None:
    result = hvmdoc("shell", "--seed", "1", stdin=b"uname -v\n" + leave)
    assert result.returncode == 0, result.stderr
    assert_no_traceback(result)
    assert "joyent_" in result.stdout
