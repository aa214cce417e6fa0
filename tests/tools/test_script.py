"""The one scripted-input loop behind `hvmdoc run` and a piped `hvmdoc shell`."""

from __future__ import annotations

from hvmdoc.tools.script import Unseen, input_lines, replay
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


def test_run_unseen_reports_status_and_output_and_stops_at_the_first_failure() -> None:
    from hvmdoc.tools.script import first_failure, run_unseen

    session = HostSession("emy-17")
    terminal = session.terminal()
    results = run_unseen(
        terminal, ["vmadm start $(vm test)", "nosuch", "vmadm start $(vm kvm-debian8)"]
    )
    assert [(r.command, r.status, r.failed) for r in results] == [
        ("vmadm start $(vm test)", 0, False),
        ("nosuch", 127, True),
    ]
    failed = first_failure(results)
    assert failed is not None and failed.output == "-bash: nosuch: command not found\n"
    assert failed.describe("data-setup") == (
        "data-setup 'nosuch' failed (exit 127): -bash: nosuch: command not found"
    )
    listing = session.terminal().execute("vmadm list -H -o alias,state")
    assert listing == "kvm-debian8  stopped\ntest        running\n"  # the third never ran


def test_run_unseen_accepts_an_mdb_it_quits_and_rejects_one_left_open() -> None:
    from hvmdoc.tools.script import first_failure, run_unseen

    terminal = HostSession("emy-17").terminal()
    assert first_failure(run_unseen(terminal, ["mdb -k", "hvm_excl_holder::print", "$q"])) is None
    results = run_unseen(terminal, ["echo a", "mdb -k", "::nm -h"])
    failed = first_failure(results)
    assert failed is not None and failed.command == "mdb -k"
    assert failed.describe("x").startswith("x 'mdb -k' left an interactive mdb -k open")
    assert [r.command for r in results] == ["echo a", "mdb -k", "::nm -h"]


def test_run_unseen_reports_a_logout_and_a_silent_failure() -> None:
    from hvmdoc.tools.script import first_failure, run_unseen

    terminal = HostSession("emy-17").terminal()
    assert first_failure(run_unseen(terminal, ["false"])) == Unseen(
        "false", 1, "", "failed (exit 1)"
    )
    assert Unseen("false", 1, "", "failed (exit 1)").describe("s") == (
        "s 'false' failed (exit 1) and printed nothing"
    )
    failed = first_failure(run_unseen(terminal, ["exit", "echo never"]))
    assert failed is not None and failed.command == "exit"
    assert (
        failed.describe("s")
        == "s 'exit' logged the unseen terminal out, so nothing after it would run"
    )
