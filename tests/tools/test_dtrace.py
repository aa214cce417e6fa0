"""dtrace: compile, match, notices, firings as the model's events happen."""

from __future__ import annotations

import pytest

from hvmdoc.tools.dlang import DCompileError, ProbeSpec, crop_description, parse_program
from hvmdoc.tools.terminal import ForegroundJob, Terminal

from .conftest import KVM_UUID, TEST_UUID

START_TEST = f"vmadm start {TEST_UUID}"


def test_crop_keeps_trailing_space() -> None:
    assert crop_description("hvm_excl_*:entry { stack() }") == "hvm_excl_*:entry "
    assert crop_description("a:b:c:d /arg0/ { x }") == "a:b:c:d "
    assert crop_description("fbt:::entry") == "fbt:::entry"


def test_probe_spec_fills_from_the_right() -> None:
    assert str(ProbeSpec.parse("hvm_excl_*:entry")) == "::hvm_excl_*:entry"
    spec = ProbeSpec.parse("fbt:unix:hvm_excl_h?ld:entry")
    assert spec.matches("fbt", "unix", "hvm_excl_hold", "entry")
    assert not spec.matches("fbt", "unix", "hvm_excl_rele", "entry")
    assert ProbeSpec.parse("[hk]vm*").matches("fbt", "m", "f", "hvm_x")


def test_compile_errors() -> None:
    with pytest.raises(DCompileError, match="failed to resolve foo: Unknown variable name"):
        parse_program("x:entry { trace(foo) }")
    with pytest.raises(DCompileError, match="syntax error"):
        parse_program("x:entry { stack( }")


def test_description_notice_and_no_output_until_a_firing(term: Terminal) -> None:
    job = term.start("dtrace -n 'hvm_excl_*:entry { stack() }'")
    assert isinstance(job, ForegroundJob)
    assert job.read() == "dtrace: description 'hvm_excl_*:entry ' matched 2 probes\n"
    assert job.read() == ""
    # intr() sets g_newline, printed by the main loop, then one more newline
    # after the loop (dtrace.c main())
    assert job.interrupt() == "\n\n"
    assert term.foreground is None and term.exit_status == 0


def test_one_probe_is_singular(term: Terminal) -> None:
    out = term.execute("dtrace -n hvm_excl_hold:entry")
    assert out.startswith("dtrace: description 'hvm_excl_hold:entry' matched 1 probe\n")


def test_no_match_error(term: Terminal) -> None:
    out = term.execute("dtrace -n 'hvm_excl_foo:entry { stack() }'")
    assert out == (
        "dtrace: invalid probe specifier hvm_excl_foo:entry { stack() }: "
        "probe description ::hvm_excl_foo:entry does not match any probes\n"
    )
    assert term.exit_status == 1


def test_zdefs_allows_no_match(term: Terminal) -> None:
    out = term.execute("dtrace -Z -n 'nope:entry'")
    assert out == "dtrace: no probes matched\n"


def test_usage_without_program(term: Terminal) -> None:
    assert term.execute("dtrace").startswith("Usage: dtrace [-32|-64]")
    assert term.exit_status == 2
    assert term.execute("dtrace -J").startswith("dtrace: illegal option -- J\n")


def test_list_probes(term: Terminal) -> None:
    out = term.execute("dtrace -l -n 'hvm_excl_*:entry'").splitlines()
    assert out[0] == "   ID   PROVIDER            MODULE                          FUNCTION NAME"
    assert out[1].split() == ["8666", "fbt", "unix", "hvm_excl_hold", "entry"]
    assert out[2].split() == ["9030", "fbt", "unix", "hvm_excl_rele", "entry"]


def test_trace_and_printf_of_arguments(term: Terminal) -> None:
    out = term.execute(
        "dtrace -n 'hvm_excl_hold:entry { printf(\"%s\", stringof(arg0)); }'",
        meanwhile=[START_TEST],
    )
    assert " 48   8666              hvm_excl_hold:entry bhyve\n" in out
    out = term.execute(
        "dtrace -q -n 'hvm_excl_hold:entry { printf(\"%s %d\\n\", stringof(arg0), cpu); }'",
        meanwhile=[f"vmadm start {KVM_UUID}"],
    )
    assert out == "SmartOS KVM 38\n\n\n"  # the KVM VM is emy-17's second: CPU 30 + 8


def test_trace_integer_is_signed_and_16_wide(term: Terminal) -> None:
    out = term.execute("dtrace -n 'hvm_excl_hold:return { trace(arg1) }'", meanwhile=[START_TEST])
    line = next(text for text in out.splitlines() if text.startswith(" 48 "))
    assert line.endswith("hvm_excl_hold:return                 1")


def test_predicate_filters(term: Terminal) -> None:
    out = term.execute(
        "dtrace -n 'hvm_excl_hold:entry /cpu == 49/ { trace(cpu) }'", meanwhile=[START_TEST]
    )
    assert out == "dtrace: description 'hvm_excl_hold:entry ' matched 1 probe\n\n\n"


def test_begin_and_end(term: Terminal) -> None:
    out = term.execute(
        'dtrace -q -n \'BEGIN { printf("Tracing...\\n"); } END { printf("bye\\n"); }\''
    )
    # g_newline comes before END fires, even under -q; the last newline after it
    assert out == "Tracing...\n\nbye\n\n"


def test_stack_aggregation_printed_on_exit(term: Terminal) -> None:
    out = term.execute(
        "dtrace -n 'hvm_excl_hold:entry { @[stack()] = count(); }'", meanwhile=[START_TEST]
    )
    lines = out.splitlines()
    assert lines[0] == "dtrace: description 'hvm_excl_hold:entry ' matched 1 probe"
    assert lines[-1] == "                1"
    assert "              0xfffffffff82aec97" in lines


def test_background_job_output_lands_with_the_command_that_caused_it(term: Terminal) -> None:
    out = term.execute("dtrace -n 'hvm_excl_*:entry { stack() }' &")
    assert out == ("[1] 4201\ndtrace: description 'hvm_excl_*:entry ' matched 2 probes\n")
    out = term.execute(START_TEST)
    assert out.startswith("CPU     ID                    FUNCTION:NAME\n 48   8666")
    assert out.endswith(f"\nSuccessfully started VM {TEST_UUID}\n")
    assert term.execute("jobs") == (
        "[1]+  Running                 dtrace -n 'hvm_excl_*:entry { stack() }' &\n"
    )
    # kill sends SIGTERM, which dtrace handles as SIGINT: two newlines
    assert term.execute("kill %1") == (
        "\n\n[1]+  Done                    dtrace -n 'hvm_excl_*:entry { stack() }'\n"
    )
    assert term.execute("jobs") == ""
    assert term.execute("kill %1") == "-bash: kill: %1: no such job\n"


def test_events_from_another_terminal_are_pending(term: Terminal) -> None:
    term.execute("dtrace -n 'hvm_excl_hold:entry' &")
    other = term.session.terminal()
    assert other.execute(START_TEST) == f"Successfully started VM {TEST_UUID}\n"
    pending = term.pending()
    assert "hvm_excl_hold:entry" in pending
    assert term.pending() == ""


def test_kill_dash_9_reports_killed(term: Terminal) -> None:
    term.execute("dtrace -n 'hvm_excl_hold:entry' &")
    assert term.execute("kill -9 %1") == (
        "[1]+  Killed                  dtrace -n 'hvm_excl_hold:entry'\n"
    )


def test_f_m_p_and_i_forms(term: Terminal) -> None:
    listed = term.execute("dtrace -l -f hvm_excl_hold").splitlines()[1:]
    assert [line.split()[-1] for line in listed] == ["entry", "return"]
    assert "hvm_excl_rele" in term.execute("dtrace -l -m unix")
    assert term.execute("dtrace -l -i 8666").splitlines()[1].split()[3] == "hvm_excl_hold"
    assert term.execute("dtrace -l -i 1").splitlines()[1].split() == ["1", "dtrace", "BEGIN"]
    assert "does not match any probes" in term.execute("dtrace -i 77777")
    out = term.execute("dtrace -f hvm_excl_hold", meanwhile=[START_TEST])
    assert out.startswith("dtrace: description 'hvm_excl_hold' matched 2 probes\n")


def test_exit_in_begin_ends_at_once(term: Terminal) -> None:
    out = term.start("dtrace -q -n 'BEGIN { printf(\"hi\\n\"); exit(3); }'")
    assert out == "hi\n\n"
    assert term.exit_status == 3


def test_exit_on_a_firing_ends_the_foreground_job(session_term: tuple[Terminal, Terminal]) -> None:
    term, other = session_term
    job = term.start("dtrace -n 'hvm_excl_hold:entry { stack(); exit(0); }'")
    assert isinstance(job, ForegroundJob)
    other.execute(START_TEST)
    text = job.read()
    assert "hvm_excl_hold:entry" in text and text.endswith("\n\n\n")
    assert not job.running and term.foreground is None
    assert job.interrupt() == ""


def test_background_job_that_exits_is_reported_done(term: Terminal) -> None:
    term.execute("dtrace -q -n 'hvm_excl_hold:entry { printf(\"held\\n\"); exit(0); }' &")
    out = term.execute(START_TEST)
    assert out == (
        f"held\n\nSuccessfully started VM {TEST_UUID}\n"
        "[1]+  Done                    "
        "dtrace -q -n 'hvm_excl_hold:entry { printf(\"held\\n\"); exit(0); }'\n"
    )
    assert term.jobs == []


def test_aggregation_only_clauses_print_nothing_until_the_end(term: Terminal) -> None:
    # dtrace_ecb_resize(): a clause that only aggregates stores no record in the
    # principal buffer, so chew() has no firing to print
    out = term.execute("dtrace -n 'hvm_excl_hold:entry { @ = count(); }'", meanwhile=[START_TEST])
    assert out == (
        "dtrace: description 'hvm_excl_hold:entry ' matched 1 probe\n\n\n                1\n"
    )
    out = term.execute(
        "dtrace -n 'hvm_excl_hold:entry { @[stack()] = count(); }'", meanwhile=[START_TEST]
    )
    assert "FUNCTION:NAME" not in out and "hvm_excl_hold:entry \n" not in out


def test_a_clause_without_actions_still_prints_the_probe(term: Terminal) -> None:
    out = term.execute("dtrace -n 'hvm_excl_hold:entry'", meanwhile=[START_TEST])
    assert "CPU     ID                    FUNCTION:NAME\n" in out
    assert " 48   8666              hvm_excl_hold:entry \n" in out


def test_exit_prints_one_newline_not_two(term: Terminal) -> None:
    # no signal, so no g_newline: only main()'s newline after the loop
    out = term.start('dtrace -q -n \'BEGIN { printf("a"); exit(0); } END { printf("b"); }\'')
    assert out == "ab\n"


def test_words_left_outside_the_quotes_are_extraneous_macro_arguments(term: Terminal) -> None:
    # dtrace.c main() keeps non-option arguments as $1..; dt_cc.c dt_compile()
    # refuses the last one when the program does not reference it
    out = term.execute("dtrace -n hvm_excl_*:entry stack")
    assert out == (
        "dtrace: invalid probe specifier hvm_excl_*:entry: "
        "extraneous argument 'stack' ($1 is not referenced)\n"
    )
    assert term.exit_status == 1
    out = term.execute("dtrace -n hvm_excl_hold:entry { trace -q }")
    assert "extraneous argument '}' ($3 is not referenced)" in out
    assert term.foreground is None


def test_the_unquoted_program_of_the_instructor_page_is_a_bash_syntax_error(
    term: Terminal,
) -> None:
    out = term.execute("dtrace -n hvm_excl_*:entry { stack() }")
    assert out == "-bash: syntax error near unexpected token `('\n"
    assert term.exit_status == 2
