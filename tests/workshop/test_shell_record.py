"""--record: one terminal's view of the shared journal, cut into executable blocks."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import assert_pages_check

from hvmdoc.sessions.attributes import parse_info
from hvmdoc.sessions.find import scan
from hvmdoc.workshop.journal import Command, Entry, JobStarted, Reset
from hvmdoc.workshop.record import HostSpec, blocks_for, render_page, write_atomically

P = "[root@emy-17 /root]# "
SPEC = HostSpec("emy-17", None, None, 42)


def test_own_commands_share_one_block_with_prompts_and_output() -> None:
    entries: list[Entry] = [
        Command(0, P, "uname -v", "joyent_x\n"),
        Command(0, P, "mdb -k", "Loading modules: [ unix ]\n"),
        Command(0, "> ", "$q", ""),
    ]
    [block] = blocks_for(0, entries)
    assert block.lines == [
        f"{P}uname -v",
        "joyent_x",
        f"{P}mdb -k",
        "Loading modules: [ unix ]",
        "> $q",
    ]
    assert block.setup == [] and block.meanwhile == []


def test_other_terminal_becomes_setup_or_meanwhile() -> None:
    dtrace = "dtrace -n 'hvm_excl_*:entry { stack() }'"
    entries: list[Entry] = [
        Command(1, P, "vmadm stop $(vm test)", "stopped\n"),
        Command(1, "> ", "exit", "mdb: syntax error near exit\n"),
        Command(2, P, "exit", "logout\n"),
        Command(0, P, "echo hi", "hi\n"),
        JobStarted(0),
        Command(1, P, "vmadm start $(vm test)", "started\n"),
        Command(0, P, dtrace, "matched 2 probes\n", foreground=True),
        Command(0, P, "echo after", "after\n"),
    ]
    first, job, after = blocks_for(0, entries)
    assert first.setup == ["vmadm stop $(vm test)"]  # mdb's line and the shell's exit left out
    assert job.setup == [] and job.meanwhile == ["vmadm start $(vm test)"]
    assert job.lines == [f"{P}{dtrace}", "matched 2 probes"]
    assert after.lines == [f"{P}echo after", "after"] and after.setup == []


def test_reset_starts_a_block_on_a_fresh_host() -> None:
    entries: list[Entry] = [
        Command(0, P, "vmadm start $(vm test)", "ok\n"),
        Reset("emy-17", "fixed", "amd"),
        Command(0, P, "vmadm list", "UUID\n"),
    ]
    first, second = blocks_for(0, entries)
    assert first.fresh_host is None
    assert second.fresh_host == Reset("emy-17", "fixed", "amd")


def test_page_front_matter_and_fences_read_back() -> None:
    entries: list[Entry] = [
        Command(1, P, 'echo "quoted"', "quoted\n"),
        Command(0, P, "uname -v", "joyent_x\n"),
    ]
    page = scan(Path("rec.md"), render_page(HostSpec("emy-17", "fixed", "amd", 7), 0, entries))
    assert page.front_matter == {
        "hvmdoc": {"scenario": "emy-17", "platform": "fixed", "cpu": "amd", "seed": 7}
    }
    [fence] = page.fences
    info = parse_info(fence.info)
    assert info.language == "console" and "hvmdoc" in info.classes
    assert info.attributes == {"data-setup": 'echo "quoted"'}
    assert fence.lines == (f"{P}uname -v", "joyent_x")


def test_write_atomically_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "session.md"
    target.write_text("old")
    write_atomically(target, "new page\n")
    assert target.read_text() == "new page\n"
    assert [p.name for p in tmp_path.iterdir()] == ["session.md"]


def test_write_atomically_into_missing_directory_fails_and_keeps_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_atomically(tmp_path / "nope" / "session.md", "x")
    assert list(tmp_path.iterdir()) == []


def test_output_holding_a_fence_gets_a_longer_fence() -> None:
    entries: list[Entry] = [Command(0, P, "cat notes.md", "```\ncode\n```\n")]
    text = render_page(SPEC, 0, entries)
    page = scan(Path("rec.md"), text)
    [fence] = page.fences
    assert fence.fence == "````"
    assert fence.lines == (f"{P}cat notes.md", "```", "code", "```")
    assert "`hvmdoc shell --seed 42`" in text


def test_a_recording_of_odd_input_replays(tmp_path: Path) -> None:
    # A lone CR ends a line (a page could not hold it inside one); a form feed,
    # U+2028 or a NUL stays inside its command, and the page keeps it there.
    import subprocess
    import sys

    page = tmp_path / "odd.md"
    stdin = "uname -v\rfoo\x0cbar\necho a\u2028b\nx\x00y\r\nvmadm list -H -o alias\n"
    result = subprocess.run(
        [sys.executable, "-m", "hvmdoc", "shell", "--seed", "1", "--record", str(page)],
        input=stdin.encode(),
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "foo\x0cbar: " in result.stdout.decode()  # one command, not two
    assert "[root@emy-17 /root]# uname -v\n" in result.stdout.decode()
    assert_pages_check(page)


def test_other_terminals_mdb_and_failed_lines_are_not_replayed(tmp_path: Path) -> None:
    """A second terminal's mdb session (open while this one works) and its typo
    change nothing on the host: the recorded page leaves them out and replays."""
    entries: list[Entry] = [
        Command(1, P, "mdb -k", "Loading modules: [ ... ]\n"),
        Command(1, "> ", "hvm_excl_holder::print", "0\n"),
        Command(1, P, "vmadm start $(vm tset)", "vm: tset: no such VM\n", status=1),
        Command(1, P, "vmadm start $(vm test)", "started\n"),
        Command(
            0, P, "vmadm list -H -o alias,state", "kvm-debian8  stopped\ntest        running\n"
        ),
    ]
    [block] = blocks_for(0, entries)
    assert block.setup == ["vmadm start $(vm test)"]
    page = tmp_path / "two-terminals.md"
    page.write_text(render_page(SPEC, 0, entries))
    assert_pages_check(page)
