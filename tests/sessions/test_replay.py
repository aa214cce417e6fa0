"""Replaying blocks on a (fake) host: order, setup, meanwhile, fresh hosts, mdb, reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmdoc.sessions.blocks import HostSpec
from hvmdoc.sessions.errors import BlockError
from hvmdoc.sessions.replay import PageReplay, replay_document

from .fakes import FakeHost, fake_host
from .pages import FRONT, document, fence


def replay(text: str) -> list[bool]:
    return [result.ok for result in replay_document(document(text), fake_host)]


def test_blocks_of_a_page_share_one_host_in_order() -> None:
    text = (
        FRONT
        + fence("# vmadm start test\nSuccessfully started VM test")
        + fence("[root@emy-17 /root]# vmadm list\ntest  running")
    )
    assert replay(text) == [True, True]


def test_setup_runs_unseen_on_another_terminal_while_mdb_stays_open() -> None:
    text = (
        FRONT
        + fence("# mdb -k\nLoading modules: [ ... ]\n> hvm_excl_holder::print\n0")
        + fence(
            '> hvm_excl_holder::print\n0xfffffffff82caded "kvm"', 'data-setup="vmadm start kvm" '
        )
    )
    assert replay(text) == [True, True]


def test_meanwhile_goes_to_the_long_running_command() -> None:
    body = (
        "# echo start\nstart\n# dtrace -n 'x'\ndtrace: description 'x' matched 2 probes\n"
        "fired vmadm start a \nfired vmadm start b\n\n"
    )
    assert replay(FRONT + fence(body, 'data-meanwhile="vmadm start a; vmadm start b" ')) == [True]


def test_fresh_host_attributes_start_a_new_host_that_later_blocks_continue() -> None:
    text = (
        FRONT
        + fence("# vmadm start a\nSuccessfully started VM a")
        + fence("# uname -v\njoyent_new\n# vmadm list", 'data-platform="new" ')
        + fence("# uname -v\njoyent_new")
    )
    assert replay(text) == [True, True, True]


def test_data_host_keeps_hosts_apart() -> None:
    text = (
        FRONT
        + fence("# vmadm start a\nSuccessfully started VM a")
        + fence("# vmadm list", 'data-host="other" ')
        + fence("# vmadm list\na  running")
    )
    assert replay(text) == [True, True, True]


def test_a_mismatch_reports_file_line_command_and_diff() -> None:
    text = FRONT + fence("# echo one\none\n# echo two\nthree\n# echo four\nfour")
    (result,) = replay_document(document(text, Path("docs/p.md")), fake_host)
    assert not result.ok
    report = result.report()
    assert report.splitlines()[0] == "docs/p.md:9: # echo two"
    assert "-three" in report and "+two" in report
    assert "echo one" not in report


def test_prompt_and_mdb_state_problems_are_reported() -> None:
    text = FRONT + fence("[root@elsewhere /root]# echo x\nx\n# mdb -k\n...\n> $q\n# boom")
    (result,) = replay_document(document(text), fake_host)
    problems = [p for step in result.steps for p in step.problems]
    assert any("the host's prompt is '[root@emy-17 /root]# '" in p for p in problems)
    assert any("the emulator failed: RuntimeError: emulator bug" in p for p in problems)


def test_mdb_that_does_not_open_is_reported() -> None:
    class NoMdb(FakeHost):
        def terminal(self):  # type: ignore[no-untyped-def]
            terminal = super().terminal()
            terminal.execute = lambda line, meanwhile=(): "mdb: cannot open\n"  # type: ignore[method-assign]
            return terminal

    text = FRONT + fence("# mdb -k\nmdb: cannot open")
    (result,) = replay_document(document(text), NoMdb)
    assert result.steps[0].problems == ["after this command mdb -k is not open on the host"]


def test_unknown_host_settings_are_bad_input_at_the_block() -> None:
    text = FRONT + fence("# uname -v", 'data-scenario="nope" ')
    replay_ = PageReplay(document(text), fake_host)
    with pytest.raises(BlockError, match=r"page.md:6: cannot start the host: unknown scenario"):
        replay_.run(replay_.document.sessions[0])


def test_trailing_blank_lines_and_whitespace_at_block_end_are_ignored() -> None:
    text = FRONT + "``` { .console .hvmdoc }\n# echo a   \na   \n\n\n```\n"
    assert replay(text) == [True]
    mid = FRONT + fence("# echo a\na\n\n# echo b\nb")
    assert replay(mid) == [False]


def _bad_input(text: str) -> str:
    """The one ``FILE:LINE: message`` replaying ``text`` raises."""
    with pytest.raises(BlockError) as caught:
        replay_document(document(text), fake_host)
    return caught.value.message


def test_a_failing_setup_command_is_bad_input_naming_it_and_what_it_printed() -> None:
    text = FRONT + fence("# echo a\na", 'data-setup="vmadm start x; nosuch; vmadm start y" ')
    assert (
        _bad_input(text)
        == "page.md:6: data-setup 'nosuch' failed (exit 127): sh: nosuch: not found"
    )


def test_setup_stops_at_the_failing_command() -> None:
    host = FakeHost(HostSpec())
    text = FRONT + fence("# echo a\na", 'data-setup="nosuch; vmadm start y" ')
    with pytest.raises(BlockError):
        replay_document(document(text), lambda spec: host)
    assert "vmadm start y" not in host.log


def test_a_failing_meanwhile_command_is_bad_input_and_the_rest_do_not_run() -> None:
    host = FakeHost(HostSpec())
    body = "# dtrace -n 'x'\ndtrace: description 'x' matched 2 probes\nfired vmadm start a"
    text = FRONT + fence(body, 'data-meanwhile="vmadm start a; nosuch; vmadm start b" ')
    with pytest.raises(BlockError) as caught:
        replay_document(document(text), lambda spec: host)
    assert caught.value.message == (
        "page.md:6: data-meanwhile 'nosuch' failed (exit 127): sh: nosuch: not found"
    )
    assert host.running == ["a"]


@pytest.mark.parametrize("attribute", ["data-setup", "data-meanwhile"])
def test_an_mdb_left_open_by_unseen_commands_is_bad_input(attribute: str) -> None:
    body = "# dtrace -n 'x'\n..."
    message = _bad_input(FRONT + fence(body, f'{attribute}="echo a; mdb -k" '))
    assert message.startswith(f"page.md:6: {attribute} 'mdb -k' left an interactive mdb -k open")
    assert "echo 'DCMD' | mdb -k" in message


def test_a_command_typed_into_an_unseen_mdb_says_so() -> None:
    message = _bad_input(FRONT + fence("# echo a\na", 'data-setup="mdb -k; vmadm start b" '))
    assert message == (
        "page.md:6: data-setup 'vmadm start b' failed (exit 1) inside the mdb -k that "
        "'mdb -k' opened: mdb: syntax error"
    )


def test_an_unseen_mdb_ended_with_q_is_fine() -> None:
    text = FRONT + fence(
        "# echo hvm_excl_holder::print\nhvm_excl_holder::print",
        'data-setup="mdb -k; hvm_excl_holder::print; $q; vmadm start a" ',
    )
    assert replay(text) == [True]


def test_logging_the_unseen_terminal_out_is_bad_input() -> None:
    message = _bad_input(FRONT + fence("# echo a\na", 'data-setup="exit; vmadm start a" '))
    assert message == "page.md:6: data-setup 'exit' logged the unseen terminal out, " + (
        "so nothing after it would run"
    )
