"""The Pygments lexers: DTrace's D and SmartOS sessions (hvmdoc/highlight)."""

from __future__ import annotations

import pytest
from pygments.lexers import get_lexer_by_name  # type: ignore[import-untyped]
from pygments.token import (  # type: ignore[import-untyped]
    Error,
    Generic,
    Name,
    String,
    Token,
    _TokenType,
)

from hvmdoc.highlight import DtraceLexer, HvmdocSessionLexer

SEED_DTRACE = """\
# dtrace -n 'hvm_excl_*:entry { stack() }'
dtrace: description 'hvm_excl_*:entry ' matched 2 probes
CPU     ID                    FUNCTION:NAME
 48   8666              hvm_excl_hold:entry 
              0xfffffffff82aec97 (vmmdev_mod_incr+0x37)
              genunix`cdev_ioctl+0x39
"""  # noqa: W291 - dtrace prints the trailing space

SEED_MDB = """\
# mdb -k
Loading modules: [ ... ]
> hvm_excl_holder::print
0
> $q
[root@emy-17 /root]# vmadm start $(vm test)
Successfully started VM 79062669-e229-e55d-960d-9b18d0fed8d0
"""


def tokens(lexer: object, text: str) -> list[tuple[_TokenType, str]]:
    """Non-whitespace tokens of ``text``."""
    return [(t, v) for t, v in lexer.get_tokens(text) if v.strip()]  # type: ignore[attr-defined]


def lines_of(text: str) -> list[list[tuple[_TokenType, str]]]:
    """Session tokens grouped by line (whitespace dropped)."""
    result: list[list[tuple[_TokenType, str]]] = [[]]
    for token, value in HvmdocSessionLexer().get_tokens(text):
        parts = value.split("\n")
        for index, part in enumerate(parts):
            if index:
                result.append([])
            if part.strip():
                result[-1].append((token, part))
    return [line for line in result if line]


def test_entry_points_register_both_lexers_by_alias() -> None:
    assert isinstance(get_lexer_by_name("dtrace"), DtraceLexer)
    assert isinstance(get_lexer_by_name("hvmdoc-session"), HvmdocSessionLexer)


def test_dtrace_probe_description_predicate_and_actions() -> None:
    program = 'fbt::hvm_excl_hold:entry /execname == "bhyve"/ { @[stack()] = count(); }'
    found = tokens(DtraceLexer(), program)
    assert found[0] == (Name.Label, "fbt::hvm_excl_hold:entry")
    assert (Name.Builtin.Pseudo, "execname") in found
    assert (Name.Builtin, "stack") in found
    assert (Name.Builtin, "count") in found
    assert (Name.Variable.Global, "@") in found
    assert all(token is not Error for token, _ in found)


def test_dtrace_glob_and_special_probes_are_labels() -> None:
    for description in ("hvm_excl_*:entry", "BEGIN", "tick-1s", "fbt:vmm::return"):
        first = tokens(DtraceLexer(), description + " { trace(arg0); }")[0]
        assert first == (Name.Label, description)


def test_dtrace_printf_format_is_interpolated() -> None:
    found = tokens(DtraceLexer(), 'BEGIN { printf("%s held by %d\\n", stringof(arg0), pid); }')
    assert (String.Interpol, "%s") in found
    assert (String.Escape, "\\n") in found
    assert (Name.Builtin.Pseudo, "pid") in found


def test_session_prompt_command_and_output() -> None:
    lines = lines_of(SEED_MDB)
    assert lines[0][0] == (Generic.Prompt, "# ")
    assert lines[0][1] == (Name.Builtin, "mdb")
    assert lines[1] == [(Generic.Output.Info, "Loading modules: [ ... ]")]
    assert lines[2][0] == (Generic.Prompt, "> ")
    assert (Name.Function, "::print") in lines[2]
    assert lines[3] == [(Generic.Output, "0")]
    assert lines[5][0] == (Generic.Prompt, "[root@emy-17 /root]# ")
    assert (String.Interpol, "$(vm test)") in lines[5]
    assert all(token in Generic.Output for token, _ in lines[6])


def test_after_mdb_quits_a_greater_than_line_is_output() -> None:
    lines = lines_of("# mdb -k\n> $q\n> not a prompt\n")
    assert lines[2][0][0] in Generic.Output


def test_block_that_starts_inside_mdb() -> None:
    lines = lines_of('> hvm_excl_holder::print\n0xfffffffff8224185 "SmartOS KVM"\n')
    assert lines[0][0] == (Generic.Prompt, "> ")
    assert (Generic.Output.Address, "0xfffffffff8224185") in lines[1]
    assert (Generic.Output.String, '"SmartOS KVM"') in lines[1]


def test_dtrace_program_inside_quotes_is_lexed_as_d() -> None:
    lines = lines_of(SEED_DTRACE)
    command = lines[0]
    assert (Name.Label, "hvm_excl_*:entry") in command
    assert (Name.Builtin, "stack") in command
    assert lines[2] == [(Generic.Output.Header, "CPU     ID                    FUNCTION:NAME")]
    assert (Generic.Output.Symbol, "(vmmdev_mod_incr+0x37)") in lines[4]
    assert (Generic.Output.Symbol, "genunix`cdev_ioctl+0x39") in lines[5]


def test_piped_mdb_command_does_not_open_mdb() -> None:
    lines = lines_of("# echo hvm_excl_holder::print | mdb -k\n> 0\n")
    assert (Name.Function, "::print") in lines[0]
    assert lines[1][0][0] in Generic.Output


@pytest.mark.parametrize(
    "text",
    [SEED_DTRACE, SEED_MDB, "$ hvmdoc race --bhyve 1 --kvm 1\n...\n", "# ls \\\n  /tmp\nx\n"],
)
def test_lexer_round_trips_text_and_marks_only_prompts_as_prompts(text: str) -> None:
    pairs = list(HvmdocSessionLexer().get_tokens(text))
    assert "".join(value for _, value in pairs) == text
    prompts = [value for token, value in pairs if token is Generic.Prompt]
    assert all(value in {"# ", "> ", "$ ", "[root@emy-17 /root]# "} for value in prompts)
    assert all(token is not Token.Error for token, _ in pairs)


def test_continuation_line_is_a_command_not_output() -> None:
    lines = lines_of("# vmadm list \\\n    -o uuid\nUUID\n")
    assert all(token not in Generic.Output for token, _ in lines[1])
    assert lines[2][0][0] in Generic.Output
