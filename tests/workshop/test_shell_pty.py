"""``hvmdoc shell`` on real pseudo-terminals: lab 2 end to end, Ctrl-C, Tab, --attach, --record.

Every wait is an ``expect`` with a generous timeout; nothing sleeps.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pexpect
from shellpty import PROMPT, Spawn
from support import assert_pages_check, check_pages

DTRACE = "dtrace -n 'hvm_excl_*:entry { stack() }'"
TEST_UUID = "79062669-e229-e55d-960d-9b18d0fed8d0"


def _at_prompt(child: Any) -> None:
    child.expect_exact(PROMPT)


def _run(child: Any, line: str, *expected: str) -> None:
    child.sendline(line)
    for text in expected:
        child.expect_exact(text)
    _at_prompt(child)


def test_lab_2_end_to_end_with_attach_ctrl_c_and_tab(spawn_shell: Spawn, tmp_path: Path) -> None:
    record = tmp_path / "lab2.md"
    first = spawn_shell("--seed", "2", "--record", str(record))
    first.expect_exact("Seed 2; repeat this run with: hvmdoc shell --seed 2")
    first.expect_exact("Another terminal on this host: hvmdoc shell --attach")
    _at_prompt(first)

    second = spawn_shell("--attach")
    second.expect_exact("attached to scenario emy-17 (seed 2)")
    _at_prompt(second)

    # Tab completes a command name in the first terminal.
    first.send("dtra\t")
    first.expect_exact("dtrace")
    first.sendline(DTRACE[len("dtrace") :])
    first.expect_exact("dtrace: description 'hvm_excl_*:entry ' matched 2 probes")

    # Tab completes a VM alias in the second; the start fires the hold probe in the first.
    second.send("vmadm start $(vm te\t")
    second.expect_exact("test")
    second.sendline(")")
    second.expect_exact(f"Successfully started VM {TEST_UUID}")
    _at_prompt(second)
    first.expect_exact("hvm_excl_hold:entry")
    first.expect_exact("genunix`cdev_ioctl+0x39")

    # -F: the default (March 2018) platform refuses a graceful bhyve stop (OS-6745)
    _run(second, "vmadm stop -F $(vm test)", f"Successfully completed stop for VM {TEST_UUID}")
    first.expect_exact("hvm_excl_rele:entry")
    first.expect_exact("genunix`zone_destroy+0x124")

    # Ctrl-C stops dtrace, not the shell.
    first.sendintr()
    _at_prompt(first)
    assert first.isalive()
    _run(first, "echo still here", "still here")

    # Ctrl-C at the prompt: a fresh prompt, the shell lives on.
    first.send("half a line")
    first.sendintr()
    _at_prompt(first)
    _run(first, "uname -v", "joyent_")

    # `exit` in the attached terminal leaves it (status 0); the first goes on.
    second.sendline("exit")
    second.expect_exact("logout")
    second.expect(pexpect.EOF)
    second.wait()
    assert second.exitstatus == 0
    _run(first, "vmadm list state=running", "UUID")

    # Ctrl-D leaves the first terminal with status 0.
    first.sendeof()
    first.expect_exact("logout")
    first.expect(pexpect.EOF)
    first.wait()
    assert first.exitstatus == 0

    # The recording replays: the other terminal's vmadm became data-meanwhile.
    page = record.read_text()
    assert "data-meanwhile=" in page and "vmadm start $(vm test)" in page
    assert_pages_check(record)


def test_ctrl_d_in_mdb_quits_mdb_first(spawn_shell: Spawn) -> None:
    shell = spawn_shell("--seed", "3")
    _at_prompt(shell)
    shell.sendline("mdb -k")
    shell.expect_exact("Loading modules:")
    shell.expect_exact(">")  # the editor draws "> " as ">" and moves the cursor on
    shell.send("hvm_excl_holde\t")
    shell.expect_exact("hvm_excl_holder")
    shell.sendline("::print")
    shell.expect_exact("0\r\n")
    # Keys count once the editor is drawn: before that the tty is in cooked mode,
    # where Ctrl-D is the line discipline's EOF, as on any terminal.
    shell.expect_exact(">")
    shell.sendeof()
    _at_prompt(shell)
    shell.sendeof()
    shell.expect_exact("logout")
    shell.expect(pexpect.EOF)
    shell.wait()
    assert shell.exitstatus == 0


def test_attach_without_a_running_shell_is_one_line_and_status_2(
    shell_env: dict[str, str],
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hvmdoc", "shell", "--attach"],
        input="",
        capture_output=True,
        text=True,
        env=shell_env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no running hvmdoc shell" in result.stderr
    assert "Traceback" not in result.stderr


def test_attached_shell_leaves_when_the_serving_shell_exits(spawn_shell: Spawn) -> None:
    first = spawn_shell("--seed", "9")
    _at_prompt(first)
    second = spawn_shell("--attach")
    _at_prompt(second)
    first.sendline("exit")
    first.expect_exact("logout")
    first.expect(pexpect.EOF)
    # The attached shell notices at its prompt, without a key being pressed.
    second.expect_exact("hvmdoc: the shell serving emy-17 has gone")
    second.expect(pexpect.EOF)
    second.wait()
    assert second.exitstatus == 1


def test_plain_input_fallback_keeps_the_same_rules(spawn_shell: Spawn, tmp_path: Path) -> None:
    record = tmp_path / "plain.md"
    shell = spawn_shell("--plain", "--seed", "1", "--record", str(record))
    shell.expect_exact("[root@emy-17 /root]# ")
    shell.sendline("vmadm start $(vm test)")
    shell.expect_exact("Successfully started VM")
    shell.expect_exact("[root@emy-17 /root]# ")
    shell.sendintr()
    shell.expect_exact("[root@emy-17 /root]# ")
    shell.sendline("reset")
    shell.expect_exact("host reset to the start of scenario emy-17 (seed 1)")
    shell.expect_exact("[root@emy-17 /root]# ")
    shell.sendline("vmadm list state=running")
    shell.expect_exact("UUID")
    shell.expect_exact("[root@emy-17 /root]# ")
    shell.sendeof()
    shell.expect_exact("logout")
    shell.expect(pexpect.EOF)
    shell.wait()
    assert shell.exitstatus == 0
    # After `reset` the recording starts a fresh host, so the replay agrees.
    page = record.read_text()
    assert 'data-scenario="emy-17"' in page
    assert_pages_check(record)


def test_background_dtrace_prints_at_the_prompt_and_history_recalls(spawn_shell: Spawn) -> None:
    first = spawn_shell("--seed", "10")
    _at_prompt(first)
    _run(first, DTRACE + " &", "[1] ", "matched 2 probes")
    second = spawn_shell("--attach")
    _at_prompt(second)
    _run(second, "vmadm start $(vm test)", "Successfully started VM")
    # The first window sits at its prompt; the firing appears without a key pressed.
    first.expect_exact("hvm_excl_hold:entry")
    first.expect_exact("unix`sys_syscall+0x19f")
    # Up-arrow recalls the previous line, as in bash.
    _run(first, "uname -v", "joyent_")
    first.send("\x1b[A")
    first.expect_exact("uname -v")
    first.send("\r")
    first.expect_exact("joyent_")  # output only the recalled command prints
    _at_prompt(first)
    _run(first, "jobs", "Running")
    second.sendline("exit")
    second.expect(pexpect.EOF)
    first.sendline("exit")
    first.expect(pexpect.EOF)


def test_ctrl_backslash_stops_dtrace_and_never_ends_the_shell(spawn_shell: Spawn) -> None:
    # Ctrl-\ sends SIGQUIT, whose default ends Python with a core dump: a trainee
    # who hits it must not lose the session (an interactive bash ignores it).
    for mode in ((), ("--plain",)):
        shell = spawn_shell("--seed", "3", *mode)
        _at_prompt(shell)
        shell.sendline(DTRACE)
        shell.expect_exact("matched 2 probes")
        shell.sendcontrol("\\")  # the job is in the foreground: the tty is in cooked mode
        _at_prompt(shell)
        shell.sendcontrol("\\")  # at the prompt: nothing happens
        _run(shell, "uname -v", "joyent_")
        shell.sendline("exit")
        shell.expect(pexpect.EOF)
        shell.wait()
        assert shell.exitstatus == 0, (mode, shell.signalstatus)


def test_ctrl_z_neither_suspends_the_shell_nor_types_a_character(spawn_shell: Spawn) -> None:
    # Ctrl-Z would stop the whole simulator (and freeze attached windows, which
    # this process serves); an interactive bash ignores SIGTSTP for itself.
    for mode in ((), ("--plain",)):
        shell = spawn_shell("--seed", "3", *mode)
        _at_prompt(shell)
        shell.sendline(DTRACE)
        shell.expect_exact("matched 2 probes")
        shell.sendcontrol("z")  # the job is in the foreground: SIGTSTP from the tty
        if not mode:
            second = spawn_shell("--attach")
            _at_prompt(second)
            _run(second, "vmadm start $(vm test)", "Successfully started VM")
            shell.expect_exact("hvm_excl_hold:entry")  # still tracing, not stopped
            second.sendline("exit")
            second.expect(pexpect.EOF)
        shell.sendintr()
        _at_prompt(shell)
        shell.sendcontrol("z")  # at the prompt: nothing, not a literal ^Z
        shell.sendline("echo after")
        shell.expect_exact("after\r\n")
        _at_prompt(shell)
        assert "command not found" not in shell.before
        shell.sendline("exit")
        shell.expect(pexpect.EOF)
        shell.wait()
        assert shell.exitstatus == 0, (mode, shell.signalstatus)


def test_tab_completes_a_field_after_a_comma_and_a_uuid_after_an_option(
    spawn_shell: Spawn,
) -> None:
    shell = spawn_shell("--seed", "3")
    _at_prompt(shell)
    shell.send("vmadm list -o alias,sta\t")
    shell.expect_exact("alias,state")
    _run(shell, "", "ALIAS", "STATE", "kvm-debian8")
    shell.send("vmadm start -F 7906\t")  # the options before the UUID do not stop it
    shell.expect_exact(TEST_UUID)
    shell.send("\x15")  # Ctrl-U: drop the line
    shell.send("dtrace -ln 'fbt::hvm_excl_h\t")
    shell.expect_exact("fbt::hvm_excl_hold")
    _run(shell, ":entry'", "hvm_excl_hold entry")
    shell.sendline("exit")
    shell.expect(pexpect.EOF)


def test_pasted_lines_run_one_by_one_with_their_own_prompts(
    spawn_shell: Spawn, tmp_path: Path
) -> None:
    record = tmp_path / "paste.md"
    shell = spawn_shell("--seed", "3", "--record", str(record))
    _at_prompt(shell)
    # a terminal wraps a paste in bracketed-paste marks (the site's copy button
    # copies every command of a block)
    shell.send("\x1b[200~uname\nhostname\nzonename\n\x1b[201~")
    shell.expect_exact("SunOS\r\n")
    shell.expect_exact(PROMPT + " hostname\r\n")
    shell.expect_exact("emy-17\r\n")
    shell.expect_exact(PROMPT + " zonename\r\n")
    shell.expect_exact("global\r\n")
    _at_prompt(shell)
    assert "command not found" not in shell.before
    # an unfinished last line waits in the editor
    shell.send("\x1b[200~echo one\r\necho two\x1b[201~")
    shell.expect_exact("one\r\n")
    shell.expect_exact("echo two")
    shell.send("\r")
    shell.expect_exact("two\r\n")
    _at_prompt(shell)
    shell.sendline("exit")
    shell.expect(pexpect.EOF)
    page = record.read_text()
    assert "[root@emy-17 /root]# hostname\nemy-17\n" in page
    assert_pages_check(record)


def test_a_reboot_from_another_window_ends_mdb_and_dtrace_there_and_says_so(
    spawn_shell: Spawn, tmp_path: Path
) -> None:
    record = tmp_path / "first.md"
    first = spawn_shell("--seed", "4", "--record", str(record))
    _at_prompt(first)
    second = spawn_shell("--attach")
    _at_prompt(second)
    _run(first, "vmadm start $(vm test)", "Successfully started VM")
    first.sendline("mdb -k")
    first.expect_exact("Loading modules:")
    first.sendline("hvm_excl_holder::print")
    first.expect_exact('"bhyve"')
    first.expect_exact(">")

    _run(second, "reboot", "hvmdoc: host rebooted (seed 4, reboot 1)")
    # The first window is told at once, and its prompt is the shell's again.
    first.expect_exact("hvmdoc: host rebooted from another terminal\r\n")
    _at_prompt(first)
    _run(first, "echo hvm_excl_holder::print | mdb -k", "0x")

    # A foreground dtrace ends too: back at the prompt without a Ctrl-C.
    first.sendline(DTRACE)
    first.expect_exact("matched 2 probes")
    _run(second, "reboot", "reboot 2)")
    first.expect_exact("hvmdoc: host rebooted from another terminal\r\n")
    _at_prompt(first)
    assert "^C" not in first.before
    # A background job is reported ended, not silently gone.
    _run(first, DTRACE + " &", "[1] ")
    _run(second, "reset", "host reset to the start")
    first.expect_exact("hvmdoc: host reset from another terminal\r\n")
    first.expect_exact("[1]+  Killed")
    _at_prompt(first)
    _run(first, "uname -v", "joyent_")
    second.sendline("exit")
    second.expect(pexpect.EOF)
    first.sendline("exit")
    first.expect(pexpect.EOF)

    page = record.read_text()
    assert "hvmdoc:" not in page.split("---", 2)[2]  # the notices stay out of it
    check = check_pages(record)
    assert check.returncode == 0, check.stdout + check.stderr + page
