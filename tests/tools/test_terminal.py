"""Terminal: foreground jobs, meanwhile, pending output, completion, determinism."""

from __future__ import annotations

from hvmdoc.tools.session import HostSession
from hvmdoc.tools.terminal import CTRL_C_ECHO, ForegroundJob, Terminal

from .conftest import KVM_UUID, TEST_UUID

DTRACE = "dtrace -n 'hvm_excl_*:entry { stack() }'"


def test_live_dtrace_reads_firings_as_they_happen(session: HostSession, term: Terminal) -> None:
    job = term.start(DTRACE)
    assert isinstance(job, ForegroundJob)
    job.read()
    other = session.terminal()
    other.execute(f"vmadm start {TEST_UUID}")
    chunk = job.read()
    assert "hvm_excl_hold:entry" in chunk and "hvm_excl_rele" not in chunk
    other.execute(f"vmadm stop -F {TEST_UUID}")
    assert "hvm_excl_rele:entry" in job.read()
    final = job.interrupt()
    assert final == "\n\n" and CTRL_C_ECHO not in final
    assert not job.running and job.interrupt() == ""


def test_execute_returns_output_not_prompt(term: Terminal) -> None:
    assert term.execute("echo x") == "x\n"
    assert term.execute("true") == ""


def test_meanwhile_output_stays_in_the_other_terminal(term: Terminal) -> None:
    out = term.execute(DTRACE, meanwhile=[f"vmadm start {TEST_UUID}"])
    assert "Successfully started" not in out
    assert "hvm_excl_hold:entry" in out


def test_meanwhile_after_a_short_command(term: Terminal) -> None:
    out = term.execute("echo hi", meanwhile=[f"vmadm start {TEST_UUID}"])
    assert out == "hi\n"
    assert term.execute("vmadm list -H -o state alias=test") == "running\n"


def test_start_of_a_short_command_is_text(term: Terminal) -> None:
    assert term.start("echo hi") == "hi\n"


def test_typing_while_a_job_runs_interrupts_it(term: Terminal) -> None:
    job = term.start(DTRACE)
    assert isinstance(job, ForegroundJob)
    assert (
        term.execute("echo next")
        == "dtrace: description 'hvm_excl_*:entry ' matched 2 probes\n\n\nnext\n"
    )
    assert not job.running


def test_reset_restores_the_scenario(session: HostSession, term: Terminal) -> None:
    term.execute(f"vmadm start {KVM_UUID}")
    term.execute("dtrace -n 'hvm_excl_hold:entry' &")
    session.reset()
    assert term.jobs == []
    assert term.execute("vmadm list -H -o state") == "stopped\nstopped\n"
    assert term.execute("echo hvm_excl_holder::print | mdb -k") == "0\n"


def test_close_ends_background_jobs(session: HostSession, term: Terminal) -> None:
    term.execute("dtrace -n 'hvm_excl_hold:entry' &")
    term.close()
    other = session.terminal()
    other.execute(f"vmadm start {TEST_UUID}")
    assert term.pending() == ""


def test_same_input_same_transcript() -> None:
    lines = [
        "dtrace -n 'hvm_excl_*:entry { stack() }' &",
        f"vmadm start {TEST_UUID}",
        f"vmadm start {KVM_UUID}",
        "vmadm list",
        "echo hvm_excl_holder::print | mdb -k",
        "ps -ef",
        "reboot",
        "vmadm list",
    ]

    def run() -> str:
        term = HostSession("emy-17", seed=5).terminal()
        return "".join(term.execute(line) for line in lines)

    assert run() == run()


def test_other_platform_and_cpu() -> None:
    from hvmdoc.model.platform import ALIASES

    alias = next(name for name in ALIASES if name != "pre-fix")
    term = HostSession("emy-17", platform=alias, cpu="amd").terminal()
    assert term.execute("uname -v") == f"joyent_{ALIASES[alias]}\n"


def test_complete_commands_and_subcommands(term: Terminal) -> None:
    assert term.complete("vm") == ["vm", "vmadm"]
    assert term.complete("vmadm st") == ["start", "stop"]
    assert term.complete("vmadm start ") == sorted([TEST_UUID, KVM_UUID])
    assert term.complete("vmadm start 7") == [TEST_UUID]
    assert term.complete("vmadm start $(vm ") == ["kvm-debian8", "test"]
    assert term.complete("vmadm start $(vm t") == ["test"]
    assert term.complete("echo a | md") == ["mdb"]
    assert "state=" in term.complete("vmadm list st")
    assert term.complete("vmadm list state=r") == []
    term.execute(f"vmadm start {TEST_UUID}")
    assert term.complete("vmadm list state=r") == ["running"]


def test_complete_dtrace_probes_and_jobs(term: Terminal) -> None:
    assert term.complete("dtrace -n 'hvm_excl_") == ["hvm_excl_hold", "hvm_excl_rele"]
    assert term.complete("dtrace -n 'hvm_excl_hold:") == [
        "hvm_excl_hold:entry",
        "hvm_excl_hold:return",
    ]
    term.execute("dtrace -n 'hvm_excl_hold:entry' &")
    assert term.complete("kill %") == ["%1"]


def test_complete_a_field_list_after_its_comma(term: Terminal) -> None:
    from hvmdoc.tools.completion import current_word

    # the editor replaces the word current_word() names: only the field after the comma
    assert current_word("vmadm list -o alias,sta") == "sta"
    assert term.complete("vmadm list -o alias,sta") == ["state"]
    assert current_word("vmadm lookup -s alias,") == ""
    assert "uuid" in term.complete("vmadm lookup -s alias,")
    assert current_word("vmadm list state=") == ""


def test_complete_a_uuid_after_options(term: Terminal) -> None:
    assert term.complete("vmadm stop -F ") == sorted([TEST_UUID, KVM_UUID])
    assert term.complete("vmadm stop -F 7") == [TEST_UUID]
    assert term.complete(f"vmadm stop {TEST_UUID} ") == ["-F"]
    assert term.complete(f"vmadm stop {TEST_UUID} -F ") == []
    assert term.complete("vmadm stop -") == ["-F"]


def test_complete_dtrace_functions_after_provider_and_module(term: Terminal) -> None:
    assert term.complete("dtrace -n 'fbt::hvm_ex") == ["fbt::hvm_excl_hold", "fbt::hvm_excl_rele"]
    assert term.complete("dtrace -n 'fbt:unix:hvm_excl_h") == ["fbt:unix:hvm_excl_hold"]
    assert term.complete("dtrace -n 'unix:hvm_excl_r") == ["unix:hvm_excl_rele"]
    assert term.complete("dtrace -n 'fbt::hvm_excl_hold:e") == ["fbt::hvm_excl_hold:entry"]
    assert term.complete("dtrace -n 'fbt:::r") == ["fbt:::return"]
    assert term.complete("dtrace -n 'nope::hvm_ex") == []


def test_complete_in_mdb(term: Terminal) -> None:
    term.execute("mdb -k")
    assert term.complete("hvm_excl_ho") == ["hvm_excl_hold", "hvm_excl_holder"]
    assert term.complete("hvm_excl_holder::pr") == ["hvm_excl_holder::print"]
    assert term.complete("::walk z") == ["zone"]
    assert term.complete("::walk zone | ::print zone_t zone_") == ["zone_id", "zone_name"]


def test_meanwhile_results_say_how_each_line_ended(term: Terminal) -> None:
    term.execute(
        DTRACE, meanwhile=["vmadm start $(vm test)", "vmadm start $(vm tset)", "echo never"]
    )
    assert [(r.command, r.status) for r in term.meanwhile_results] == [
        ("vmadm start $(vm test)", 0),
        ("vmadm start $(vm tset)", 2),
    ]
    assert term.meanwhile_results[1].output.startswith("Requested unique lookup but found 0")
    term.execute("echo next")
    assert term.meanwhile_results == []


def test_meanwhile_does_not_type_into_an_mdb_it_left_open(term: Terminal) -> None:
    out = term.execute(DTRACE, meanwhile=["mdb -k", "vmadm start $(vm test)"])
    assert "hvm_excl_hold:entry" not in out  # vmadm went into mdb, so nothing fired
    failed = term.meanwhile_results[-1]
    assert failed.command == "vmadm start $(vm test)" and failed.status == 1
    assert failed.problem == "failed (exit 1) inside the mdb -k that 'mdb -k' opened"
