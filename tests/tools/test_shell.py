"""The host shell: parsing, expansion, pipes, lists, builtins and their texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmdoc.cli import main
from hvmdoc.tools.session import HostSession
from hvmdoc.tools.shellwords import (
    Literal,
    ShellSyntaxError,
    Substitution,
    parse_line,
)
from hvmdoc.tools.terminal import Terminal

from .conftest import KVM_UUID, TEST_UUID


def test_parse_words_quotes_and_substitution() -> None:
    parsed = parse_line("vmadm start $(vm test) 'a b' \"c $(x)\" # note")
    ((connector, pipeline),) = parsed.items
    assert connector == "" and not pipeline.background
    words = pipeline.commands[0].words
    assert words[2].parts == (Substitution("vm test", False),)
    assert words[3].parts == (Literal("a b", True),)
    assert words[4].parts == (Literal("c ", True), Substitution("x", True))
    assert pipeline.text == "vmadm start $(vm test) 'a b' \"c $(x)\""


def test_parse_background_pipes_and_lists() -> None:
    parsed = parse_line("dtrace -n 'x' & echo a | mdb -k; b && c || d")
    kinds = [(c, p.background, len(p.commands)) for c, p in parsed.items]
    assert kinds == [
        ("", True, 1),
        (";", False, 2),
        (";", False, 1),
        ("&&", False, 1),
        ("||", False, 1),
    ]


@pytest.mark.parametrize(
    ("line", "messages"),
    [
        (
            "echo 'abc",
            [
                "unexpected EOF while looking for matching `''",
                "syntax error: unexpected end of file",
            ],
        ),
        ("| mdb -k", ["syntax error near unexpected token `|'"]),
        ("echo a |", ["syntax error: unexpected end of file"]),
        (
            "echo $(vm test",
            [
                "unexpected EOF while looking for matching `)'",
                "syntax error: unexpected end of file",
            ],
        ),
    ],
)
def test_syntax_errors(term: Terminal, line: str, messages: list[str]) -> None:
    with pytest.raises(ShellSyntaxError) as info:
        parse_line(line)
    assert list(info.value.lines) == messages
    assert term.execute(line) == "".join(f"-bash: {m}\n" for m in messages)
    assert term.exit_status == 2


def test_comment_and_blank_lines(term: Terminal) -> None:
    assert term.execute("# just a comment") == ""
    assert term.execute("   ") == ""
    assert term.execute("echo hi # there") == "hi\n"


def test_unknown_command(term: Terminal) -> None:
    assert term.execute("frobnicate --now") == "-bash: frobnicate: command not found\n"
    assert term.exit_status == 127
    assert term.execute("/opt/x") == "-bash: /opt/x: No such file or directory\n"
    assert term.execute("/usr/sbin/vmadm lookup alias=test") == TEST_UUID + "\n"


def test_vm_helper(term: Terminal) -> None:
    assert term.execute("vm test") == TEST_UUID + "\n"
    assert term.execute("vm kvm-debian8") == KVM_UUID + "\n"
    assert term.execute("vm nope") == "Requested unique lookup but found 0 results.\n"
    assert term.exit_status == 1


def test_echo_forms(term: Terminal) -> None:
    assert term.execute("echo -n a b") == "a b"
    assert term.execute("echo -e 'a\\tb'") == "a\tb\n"
    assert term.execute("echo -x") == "-x\n"
    assert term.execute('echo "$(echo "a  b")" $(echo c   d)') == "a  b c d\n"


def test_status_and_lists(term: Terminal) -> None:
    assert term.execute("false; echo $?") == "1\n"
    assert term.execute("true && echo yes || echo no") == "yes\n"
    assert term.execute("false && echo yes || echo no") == "no\n"


def test_redirections(term: Terminal) -> None:
    assert term.execute("vmadm start nope 2>/dev/null") == ""
    assert term.execute("echo hi >/dev/null") == ""
    assert term.execute("echo hi > /tmp/x") == "-bash: /tmp/x: Read-only file system\n"


def test_uname(term: Terminal) -> None:
    assert term.execute("uname") == "SunOS\n"
    assert term.execute("uname -v") == term.host.uname_v + "\n"
    assert term.execute("uname -a") == (f"SunOS emy-17 5.11 {term.host.uname_v} i86pc i386 i86pc\n")
    assert (
        term.execute("uname -q")
        == "uname: illegal option -- q\nusage:\tuname [-snrvmapiX]\n\tuname [-S system_name]\n"
    )
    assert term.exit_status == 1
    assert "NumCPU = 96" in term.execute("uname -X")
    assert term.execute("cat -z x").startswith("cat: illegal option -- z\n")


def test_ps_ef_lists_vm_processes(term: Terminal) -> None:
    term.execute(f"vmadm start {KVM_UUID}")
    lines = term.execute("ps -ef").splitlines()
    assert lines[0] == "     UID   PID  PPID   C    STIME TTY         TIME CMD"
    assert any("qemu-system-x86_64" in line for line in lines)


def test_cat_qemu_log_shows_unaccelerated_kvm(term: Terminal) -> None:
    term.execute(f"vmadm start {TEST_UUID}")
    term.execute(f"vmadm start {KVM_UUID}")
    (path,) = [f for f in term.host.files() if f.endswith("/vm.log")]
    out = term.execute(f"cat {path}")
    assert "Could not initialize KVM, will disable KVM support" in out
    assert (
        term.execute("cat /etc/nope") == "cat: cannot open /etc/nope: No such file or directory\n"
    )
    assert term.exit_status == 2


def test_cat_var_adm_messages_shows_os_6799s_warning() -> None:
    term = HostSession("emy-17", platform="20180412T000000Z").terminal()
    assert term.execute("cat /var/adm/messages") == ""
    term.execute(f"vmadm start {TEST_UUID}")
    term.execute(f"vmadm start {KVM_UUID}")
    out = term.execute("cat /var/adm/messages")
    assert out.endswith(
        "emy-17 unix: [ID 141716 kern.warning] WARNING: zone "
        f"'{KVM_UUID}' cannot take HVM exclusion lock as 'SmartOS KVM': held by 'bhyve'\n"
    )
    assert term.exit_status == 0


def test_help_lists_commands(term: Terminal) -> None:
    out = term.execute("help")
    for name in ("vmadm", "mdb", "dtrace", "reboot", "jobs", "kill"):
        assert f"\n  {name} " in out


def test_hostname_zonename_pwd(term: Terminal) -> None:
    assert term.execute("hostname; zonename; pwd") == "emy-17\nglobal\n/root\n"


def test_reboot_is_deterministic_per_seed() -> None:
    def holder_after_reboot(seed: int) -> str:
        term = HostSession("emy-17", seed=seed).terminal()
        term.execute(f"vmadm start {TEST_UUID}; vmadm start {KVM_UUID}")
        assert term.execute("reboot") == ""
        return term.execute("echo hvm_excl_holder::print | mdb -k")

    results = {seed: holder_after_reboot(seed) for seed in range(8)}
    assert results == {seed: holder_after_reboot(seed) for seed in range(8)}
    assert set(results.values()) == {
        '0xfffffffff82caded "bhyve"\n',
        '0xfffffffff8224185 "SmartOS KVM"\n',
    }


def test_reboot_ends_jobs(term: Terminal) -> None:
    term.execute("dtrace -n 'hvm_excl_hold:entry' &")
    term.execute("reboot")
    assert term.jobs == []
    assert term.execute("jobs") == ""


def test_kill_errors(term: Terminal) -> None:
    assert term.execute("kill").startswith("-bash: kill: usage: kill")
    assert term.exit_status == 2
    assert term.execute("kill 999") == "-bash: kill: (999) - No such process\n"
    assert term.execute("kill -FOO %1") == "-bash: kill: FOO: invalid signal specification\n"


def test_exit_logs_out(term: Terminal) -> None:
    assert term.execute("exit") == "logout\n"
    assert term.closed
    assert term.execute("echo after") == ""


def test_hvmdoc_run_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["run", "--scenario", "nope", "/dev/null"])
    assert info.value.code == 2
    assert capsys.readouterr().err.startswith("hvmdoc: unknown scenario 'nope'")
    with pytest.raises(SystemExit) as info:
        main(["run", "/no/such/file"])
    assert info.value.code == 2


def test_cd_changes_the_prompt(term: Terminal) -> None:
    assert term.execute("cd /") == ""
    assert term.prompt == "[root@emy-17 /]# "
    assert term.execute("cd /nowhere") == "-bash: cd: /nowhere: No such file or directory\n"
    term.execute("cd")
    assert term.prompt == "[root@emy-17 /root]# "


def test_reboot_keeps_output_printed_before_it(term: Terminal) -> None:
    assert term.execute("echo before; reboot") == "before\n"


def test_hvmdoc_run_shows_mdb_prompt_and_skips_blank_lines() -> None:
    from hvmdoc.cli.run import transcript

    text = transcript(["mdb -k", "", "hvm_excl_holder::print", "$q", "echo done"], prompt="# ")
    lines = text.splitlines()
    assert lines[0] == "# mdb -k"
    assert lines[1].startswith("Loading modules: [ ")
    assert lines[2:] == ["> hvm_excl_holder::print", "0", "> $q", "# echo done", "done"]


def test_jobs_long_and_pids(term: Terminal) -> None:
    term.execute("dtrace -n 'hvm_excl_hold:entry' &")
    assert term.execute("jobs -l") == (
        "[1]+  4201 Running                 dtrace -n 'hvm_excl_hold:entry' &\n"
    )
    assert term.execute("jobs -p") == "4201\n"
    assert term.execute("jobs -z").startswith("-bash: jobs: -z: invalid option\n")


def test_reset_builtin_starts_over_and_keeps_earlier_output() -> None:
    from hvmdoc.tools.session import HostSession

    session = HostSession("emy-17", seed=7)
    term, other = session.terminal(), session.terminal()
    heard: list[str] = []
    session.reset_listeners.append(lambda: heard.append("reset"))
    term.execute("vmadm start $(vm test)")
    term.execute("dtrace -n 'hvm_excl_hold:entry' &")
    other.execute("mdb -k")
    old_host = session.host
    out = term.execute("echo before; reset; vmadm list -H -o alias,state")
    assert out == "before\nkvm-debian8  stopped\ntest        stopped\n"
    assert term.exit_status == 0 and heard == ["reset"]
    assert session.host is not old_host and term.jobs == [] and not other.in_mdb
    assert "reset" in term.execute("help")


def test_reset_without_a_seed_and_in_hvmdoc_run() -> None:
    from hvmdoc.cli.run import transcript

    text = transcript(["vmadm start $(vm test)", "reset", "vmadm list -H -o state"], prompt="# ")
    assert text.splitlines()[2:] == [
        "# reset",
        "# vmadm list -H -o state",
        "stopped",
        "stopped",
    ]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            "vmadm start $(vm nosuch)",
            "hvmdoc: --setup 'vmadm start $(vm nosuch)' failed (exit 2): Requested unique "
            "lookup but found 0 results. / Invalid or missing UUID for start / ... (26 more "
            "lines)\n",
        ),
        (
            "nosuch",
            "hvmdoc: --setup 'nosuch' failed (exit 127): -bash: nosuch: command not found\n",
        ),
        (
            "mdb -k",
            "hvmdoc: --setup 'mdb -k' left an interactive mdb -k open in the unseen terminal, "
            "so what follows would be typed into mdb; end it with $q or pipe it: "
            "echo 'DCMD' | mdb -k\n",
        ),
    ],
)
def test_hvmdoc_run_with_a_failing_setup_is_bad_input(
    setup: str, message: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    script = tmp_path / "in.txt"
    script.write_text("uname -v\n")
    with pytest.raises(SystemExit) as info:
        main(["run", "--setup", "echo fine", "--setup", setup, str(script)])
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert captured.err == message and captured.out == ""


def test_hvmdoc_run_setup_that_works_is_unseen(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # An mdb opened and quit among the setup commands is fine.
    script = tmp_path / "in.txt"
    script.write_text("vmadm list -H -o alias,state\n")
    setup = ["mdb -k", "::nm -h", "$q", "vmadm start $(vm test)"]
    args = [part for command in setup for part in ("--setup", command)]
    assert main(["run", *args, str(script)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "[root@emy-17 /root]# vmadm list -H -o alias,state",
        "kvm-debian8  stopped",
        "test        running",
    ]


@pytest.mark.parametrize(
    ("line", "out", "status"),
    [
        # illumos getopt(3C) names argv[0]; halt.c prints its usage and returns 1.
        (
            "reboot -z",
            "reboot: illegal option -- z\nusage: reboot [ -dlnq(p|fe:) ] [ boot args ]\n",
            1,
        ),
        (
            "/usr/sbin/reboot -qz",
            "/usr/sbin/reboot: illegal option -- z\nusage: reboot [ -dlnq(p|fe:) ] [ boot args ]\n",
            1,
        ),
        (
            "reboot -e",
            "reboot: option requires an argument -- e\n"
            "usage: reboot [ -dlnq(p|fe:) ] [ boot args ]\n",
            1,
        ),
        (
            "reboot --now",
            "reboot: illegal option -- now\nusage: reboot [ -dlnq(p|fe:) ] [ boot args ]\n",
            1,
        ),
        ("reboot -p -f", "reboot: -p and -f are mutually exclusive\n", 22),
    ],
)
def test_reboot_bad_options_are_refused_and_the_host_keeps_running(
    term: Terminal, line: str, out: str, status: int
) -> None:
    term.execute("vmadm start $(vm test)")
    assert term.execute(line) == out
    assert term.exit_status == status
    assert term.execute("vmadm list -H -o state alias=test") == "running\n"


def test_reboot_with_valid_options_reboots(term: Terminal) -> None:
    term.execute("mdb -k")
    term.execute("$q")
    term.execute("vmadm start $(vm test)")
    assert term.execute("reboot -qn") == ""
    assert term.exit_status == 0


def test_an_unquoted_newline_ends_a_command_as_a_semicolon_does(term: Terminal) -> None:
    assert term.execute("uname\nhostname\n\nzonename") == "SunOS\nemy-17\nglobal\n"
    assert term.execute("echo 'a\nb'") == "a\nb\n"  # quoted: part of the word
    assert term.execute("echo a # comment\necho b") == "a\nb\n"
    assert term.execute("false ||\necho then") == "then\n"


def test_help_lists_cd_grep_and_clear(term: Terminal) -> None:
    listed = [line.split()[0] for line in term.execute("help").splitlines()[1:-1]]
    for name in ("cd", "grep", "clear"):
        assert name in listed


def test_grep_on_files_and_pipes(term: Terminal) -> None:
    term.execute(f"vmadm start {KVM_UUID}")
    assert term.execute("vmadm list | grep -c running") == "1\n"
    assert term.exit_status == 0
    assert term.execute("vmadm list | grep -i kvm-DEBIAN").endswith("kvm-debian8\n")
    assert term.execute("vmadm list | grep -v UUID | grep -c .") == "2\n"
    assert term.execute("echo 'a+b' | grep 'a+b'") == "a+b\n"  # BRE: + is literal
    assert term.execute("echo 'aab' | grep -E 'a+b'") == "aab\n"
    assert term.execute("echo x | grep y") == "" and term.exit_status == 1
    assert term.execute("grep -n json /opt/payloads/kvm.json /nope").endswith(
        'grep: can\'t open "/nope"\n'
    )
    assert term.exit_status == 2
    assert term.execute("grep").startswith("usage:  grep [-E|-F]")
    assert term.execute("grep -z x").startswith("grep: illegal option -- z\nusage:")


def test_clear_prints_nothing_in_a_transcript(term: Terminal) -> None:
    assert term.execute("clear") == "" and term.exit_status == 0


def test_fg_brings_a_background_dtrace_back_and_ctrl_c_stops_it(term: Terminal) -> None:
    """bash's fg prints the job's command and waits for it; Ctrl-C then stops
    the dtrace as it stops one started in the foreground."""
    dtrace = "dtrace -n 'hvm_excl_*:entry { trace(arg0) }'"
    term.execute(dtrace + " &")
    assert len(term.jobs) == 1
    job = term.start("fg")
    assert not isinstance(job, str)
    assert term.jobs == []
    assert job.read() == dtrace + "\n"
    other = term.session.terminal()
    other.execute("vmadm start $(vm test)")
    assert "hvm_excl_hold:entry" in job.read()
    assert job.interrupt().startswith("\n")
    assert not job.running and term.exit_status == 0
    assert term.execute("jobs") == ""


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("fg", "-bash: fg: current: no such job\n"),
        ("fg %3", "-bash: fg: %3: no such job\n"),
        ("bg", "-bash: bg: current: no such job\n"),
    ],
)
def test_fg_and_bg_without_such_a_job(term: Terminal, line: str, error: str) -> None:
    assert term.execute(line) == error
    assert term.exit_status == 1


def test_bg_of_a_running_job_says_it_is_already_in_background(term: Terminal) -> None:
    term.execute("dtrace -n 'hvm_excl_hold:entry' &")
    assert term.execute("bg %1") == "-bash: bg: job 1 already in background\n"
    assert len(term.jobs) == 1
