"""The one scripted-input loop behind `hvmdoc run` and a piped `hvmdoc shell`."""

from __future__ import annotations

from hvmdoc.tools.script import input_lines, replay
from hvmdoc.tools.session import HostSession


def test_lines_end_at_lf_crlf_and_lone_cr_only() -> None:
    text = "a\r\nb\rc\nd\x0ce\u2028f\x0bg"
    assert list(input_lines(text)) == ["a", "b", "c", "d\x0ce\u2028f\x0bg"]


def test_replay_skips_blank_lines_and_stops_after_logout() -> None:
    terminal = HostSession("emy-17").terminal()
    pieces = list(replay(terminal, ["", "   ", "echo hi", "exit", "echo never"]))
    text = "".join(pieces)
    assert text.startswith("[root@emy-17 /root]# echo hi\nhi\n")
    assert "never" not in text
    assert "exit\n" in text


def test_replay_prompt_replaces_the_shell_prompt_but_not_mdbs() -> None:
    terminal = HostSession("emy-17").terminal()
    text = "".join(replay(terminal, ["mdb -k", "hvm_excl_holder::print", "$q"], prompt="# "))
    lines = text.splitlines()
    assert lines[0] == "# mdb -k"
    assert "> hvm_excl_holder::print" in lines
    assert "> $q" in lines
