"""Random and malformed input never raises: every line gets a terminal's answer."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hvmdoc.tools.dlang import DCompileError, parse_program
from hvmdoc.tools.session import HostSession
from hvmdoc.tools.shellwords import ShellSyntaxError, parse_line

from .conftest import KVM_UUID, TEST_UUID

TOKENS = [
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
    "-1",
    "-j",
    "-f",
    "state=running",
    "alias=~t",
    "alias=~(",
    TEST_UUID,
    KVM_UUID,
    "mdb",
    "-k",
    "dtrace",
    "-n",
    "-l",
    "-q",
    "'hvm_excl_*:entry { stack() }'",
    "'x:entry { trace(arg0) }'",
    "'BEGIN { printf(\"%d %s %x\", 1) }'",
    "::print",
    "::whatis",
    "::walk zone",
    "hvm_excl_holder",
    "0xfffffffff82aec97",
    "echo",
    "$(vm test)",
    "$(",
    ")",
    "`",
    "|",
    "&",
    ";",
    "&&",
    "||",
    "'",
    '"',
    "\\",
    "$?",
    "${",
    "#",
    ">",
    "2>&1",
    "kill",
    "%1",
    "jobs",
    "reboot",
    "uname",
    "-a",
    "ps",
    "-ef",
    "cat",
    "/etc/passwd",
    "help",
    "exit",
    "$q",
    "-e",
    "'\\x'",
    "'\\u12\\c'",
    "0::quit",
    "$c",
    "::nm -n",
]

lines = st.one_of(
    st.lists(st.sampled_from(TOKENS), min_size=1, max_size=8).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40),
)

FUZZ = settings(
    max_examples=int(os.environ.get("HVMDOC_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(st.lists(lines, min_size=1, max_size=4))
def test_any_lines_at_the_shell(batch: list[str]) -> None:
    term = HostSession("emy-17", seed=1).terminal()
    for line in batch:
        out = term.execute(line)
        assert isinstance(out, str)
        assert isinstance(term.exit_status, int)
        assert isinstance(term.prompt, str)
        term.complete(line)


@FUZZ
@given(st.lists(lines, min_size=1, max_size=4))
def test_any_lines_in_mdb(batch: list[str]) -> None:
    term = HostSession("emy-17").terminal()
    term.execute("mdb -k")
    for line in batch:
        assert isinstance(term.execute(line), str)
        term.complete(line)


@FUZZ
@given(lines)
def test_parsers_raise_only_their_errors(line: str) -> None:
    try:
        parse_line(line)
    except ShellSyntaxError as exc:
        assert exc.lines
    try:
        parse_program(line)
    except DCompileError as exc:
        assert exc.message
