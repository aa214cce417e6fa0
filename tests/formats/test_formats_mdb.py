"""mdb output: the seed's sessions, ::print, ::whatis, ::nm, $C and errors."""

from __future__ import annotations

import pytest

from hvmdoc.formats import mdb
from hvmdoc.formats.errors import ParseError

from .samples import outputs


def test_seed_sessions() -> None:
    records = [r for t in outputs("mdb") for r in mdb.parse(t.lines, t.source)]
    assert records[0] == mdb.Banner(("...",))
    assert mdb.Command("hvm_excl_holder::print") in records
    values = [r for r in records if isinstance(r, mdb.Value)]
    assert [v.text for v in values] == [
        "0",
        '0xfffffffff8224185 "SmartOS KVM"',
        '0xfffffffff82caded "bhyve"',
    ]
    assert (values[0].integer, values[0].address, values[0].string) == (0, None, None)
    assert values[1].address == 0xFFFFFFFFF8224185 and values[1].string == "SmartOS KVM"
    assert values[2].string == "bhyve"


def test_print_values_and_members() -> None:
    assert mdb.format_integer(0) == "0"
    assert mdb.format_integer(5) == "0x5"
    assert mdb.format_string_pointer(None, None) == "0"
    lines = [
        mdb.render_record(mdb.member("zone_name", mdb.format_string_pointer(0xFBF3FF40, "global"))),
        mdb.render_record(mdb.member("zone_id", 5)),
        mdb.render_record(mdb.member("cr_uid", 0, depth=1)),
    ]
    assert lines == ['zone_name = 0xfbf3ff40 "global"', "zone_id = 0x5", "    cr_uid = 0"]
    parsed = list(mdb.parse(lines))
    assert parsed[1] == mdb.Value("0x5", "zone_id", 0)
    assert isinstance(parsed[1], mdb.Value) and parsed[1].integer == 5
    assert parsed[2] == mdb.Value("0", "cr_uid", 1)


def test_whatis_answer() -> None:
    record = mdb.whatis_symbol(0xFFFFFFFFF82AEC97, "vmmdev_mod_incr", 0x37, "vmm")
    line = mdb.render_record(record)
    assert line == "fffffffff82aec97 is vmmdev_mod_incr+0x37, in vmm's text segment"
    (parsed,) = mdb.parse([line])
    assert isinstance(parsed, mdb.Whatis)
    assert (parsed.symbol, parsed.offset, parsed.module, parsed.segment) == (
        "vmmdev_mod_incr",
        0x37,
        "vmm",
        "text",
    )
    unknown = mdb.Whatis(0x10, "unknown")
    assert unknown.symbol is None and unknown.module is None


def test_nm_table_matches_mdb_nm_c() -> None:
    header = mdb.render_record(mdb.NmHeader())
    assert header == "Value              Size               Type  Bind  Other Shndx    Name"
    row = mdb.NmSymbol(0xFFFFFFFFF82AEC60, 0x50, "FUNC", "GLOB", 0, "1", "vmmdev_mod_incr")
    line = mdb.render_record(row)
    assert (
        line == "0xfffffffff82aec60|0x0000000000000050|FUNC |GLOB |0x0  |1       |vmmdev_mod_incr"
    )
    assert list(mdb.parse([header, line])) == [mdb.NmHeader(), row]


def test_stack_frames() -> None:
    frame = mdb.StackFrame(0xFFFFFF0010A3FA90, "vmmdev_mod_incr", 0x37, None, (1, 0xFFF))
    line = mdb.render_record(frame)
    assert line == "ffffff0010a3fa90 vmmdev_mod_incr+0x37(1, fff)"
    assert list(mdb.parse([line, "ffffff0010a3fb00 unix`sys_syscall+0x19f()"])) == [
        frame,
        mdb.StackFrame(0xFFFFFF0010A3FB00, "sys_syscall", 0x19F, "unix"),
    ]


def test_wrapped_banner_is_one_record() -> None:
    lines = ["Loading modules: [ unix genunix specfs", "zfs ip ]", "> $q"]
    assert list(mdb.parse(lines)) == [
        mdb.Banner(("unix", "genunix", "specfs", "zfs", "ip")),
        mdb.Command("$q"),
    ]


def test_errors() -> None:
    assert list(mdb.parse(["mdb: failed to dereference symbol: unknown symbol name"])) == [
        mdb.Error("failed to dereference symbol: unknown symbol name")
    ]
    with pytest.raises(ParseError) as caught:
        list(mdb.parse(["0", "  odd indent"], "s.txt"))
    assert (caught.value.line, caught.value.column) == (2, 1)
    with pytest.raises(ParseError) as caught:
        list(mdb.parse(["Loading modules: [ unix"], "s.txt"))
    assert "closing" in caught.value.expected


def test_a_pointer_to_a_string_with_a_bar_is_a_value_not_an_nm_row() -> None:
    # `::nm` rows start with 0x and hold '|', but so may a ::print string.
    line = '0xfffffffff8224185 "SmartOS|KVM"'
    (value,) = mdb.parse([line])
    assert value == mdb.Value(line)
    assert isinstance(value, mdb.Value) and value.string == "SmartOS|KVM"
    member = mdb.render_record(mdb.member("zone_name", '0xfffffffffbf3ff40 "a|b"'))
    assert list(mdb.parse([member])) == [mdb.Value('0xfffffffffbf3ff40 "a|b"', "zone_name")]


@pytest.mark.parametrize(
    "text",
    [
        "0",
        "0x5",
        "-1",
        "fffffffffbf3ff40",
        '0xfffffffff8224185 "SmartOS KVM"',
        '0xfffffffff8224185 ""',
        "vmm_ioctl+0x193",
        "kvm`kvm_excl_ident",
        'zone0 "global"',
        "0x1 (B_TRUE)",
        "0 (B_FALSE)",
        "{",
        "}",
        "{ ... }",
        "[ 0x1, 0x2 ]",
        '[ "global" ]',
        "[ ... ]",
        "[ ??? ] (unknown type)",
        "'A'",
        "2018 Mar  5 17:04:11",
        "1.0000000e+00",
        '"text"',
        "...",
        "??? (no type information)",
    ],
)
def test_values_mdb_prints_without_a_name(text: str) -> None:
    assert list(mdb.parse([text])) == [mdb.Value(text)]


@pytest.mark.parametrize(
    "line",
    [
        "hello world",
        "UUID                                  TYPE  RAM      STATE             ALIAS",
        "57409636-927a-cc7a-d744-e0f92b73f4e4  KVM   1024     running           kvm-debian8",
        "Successfully started VM 79062669-e229-e55d-960d-9b18d0fed8d0",
        "CPU     ID                    FUNCTION:NAME",
        "dtrace: description 'hvm_excl_*:entry ' matched 2 probes",
        "^C",
        "0x5 (",
        '0x5 "unterminated',
        "'much too long for a char'",
        "    0x5",  # only braces and brackets are unnamed below the top level
        "                genunix`cdev_ioctl+0x39",
    ],
)
def test_other_text_is_not_a_value(line: str) -> None:
    with pytest.raises(ParseError) as caught:
        list(mdb.parse(["0", line], "x.txt"))
    assert (caught.value.line, caught.value.column, caught.value.text) == (2, 1, line)


def test_unnamed_lines_of_nested_structs_and_arrays() -> None:
    lines = ["{", "    arr = [", "        {", "            a = 0", "        },", "    ]", "}"]
    assert list(mdb.parse(lines)) == [
        mdb.Value("{"),
        mdb.Value("[", "arr", 1),
        mdb.Value("{", None, 2),
        mdb.Value("0", "a", 3),
        mdb.Value("},", None, 2),
        mdb.Value("]", None, 1),
        mdb.Value("}"),
    ]


def test_an_unclosed_banner_stops_at_the_first_line_that_is_not_module_names() -> None:
    lines = ["Loading modules: [ unix genunix", "specfs zfs", "> hvm_excl_holder::print", "0"]
    with pytest.raises(ParseError) as caught:
        list(mdb.parse(lines, "s.txt"))
    assert (caught.value.line, caught.value.column, caught.value.text) == (3, 1, lines[2])
    assert "module name" in caught.value.expected and "line 1" in caught.value.expected


@pytest.mark.parametrize(
    ("lines", "line", "column"),
    [
        (["Loading modules: [ unix genunix", ""], 2, 1),
        (["Loading modules: [ unix", "zfs ip", "  zfs = 0x5"], 3, 7),
        (["Loading modules: [ unix ] zfs ]"], 1, 25),
        (["Loading modules: [ unix > ::nm"], 1, 25),
    ],
)
def test_banner_lines_hold_only_module_names(lines: list[str], line: int, column: int) -> None:
    with pytest.raises(ParseError) as caught:
        list(mdb.parse(lines, "s.txt"))
    assert (caught.value.line, caught.value.column) == (line, column)


def test_a_banner_may_wrap_before_its_first_module_and_its_closing_bracket() -> None:
    lines = ["Loading modules: [", "unix genunix", "cpu.generic mr_sas", "]"]
    assert list(mdb.parse(lines)) == [mdb.Banner(("unix", "genunix", "cpu.generic", "mr_sas"))]


# From omniosorg/illumos-omnios#632 (a `::status` and `$C` of a crash dump,
# https://github.com/omniosorg/illumos-omnios/issues/632), cut down.
OMNIOS_632 = [
    "> ::status",
    "debugging crash dump vmcore.0 (64-bit) from chrufs",
    "operating system: 5.11 omnios-r151030-521a1fc4d1 (i86pc)",
    "dump content: kernel pages and pages from PID -1",
    "> $C",
    "fffffe00b6e59c60 usb_console_input_enter+0x13(0)",
    "fffffe00b6e59d10 prom_exit_to_mon+9()",
    "fffffe00b6e59da0 mdboot+0x116(2, 0, 0, 1)",
]


def test_small_offsets_print_without_0x_as_mdb_numtostr_does() -> None:
    # mdb_iob.c iob_addr2str(): numtostr(off, radix, NTOS_SIGNPOS | NTOS_SHOWBASE)
    # shows the base only above 9: `prom_exit_to_mon+9()`, `thread_start+8()`.
    frame = mdb.StackFrame(0xFFFFFE00B6E59D10, "prom_exit_to_mon", 9)
    assert mdb.render_record(frame) == "fffffe00b6e59d10 prom_exit_to_mon+9()"
    assert list(mdb.parse([OMNIOS_632[6]])) == [frame]
    assert mdb.format_offset(9) == "+9" and mdb.format_offset(10) == "+0xa"
    with pytest.raises(ParseError):  # mdb never prints +0x9
        list(mdb.parse(["fffffe00b6e59d10 prom_exit_to_mon+0x9()"]))
    whatis = mdb.whatis_symbol(0xFFFFFFFFFB800C98, "thread_start", 8, "unix")
    assert whatis.answer == "thread_start+8, in unix's text segment"
    assert list(mdb.parse([mdb.render_record(whatis)])) == [whatis]
    assert whatis.offset == 8
    assert list(mdb.parse(["thread_start+8"])) == [mdb.Value("thread_start+8")]


def test_output_of_dcmds_hvmdoc_does_not_model_is_text() -> None:
    records = list(mdb.parse(OMNIOS_632, "s.txt"))
    assert records[1:4] == [mdb.Text(line) for line in OMNIOS_632[1:4]]
    assert isinstance(records[5], mdb.StackFrame)
    assert list(mdb.render(records)) == OMNIOS_632
    # ::panicinfo (TritonDataCenter/smartos-live#527) and ::print -t are text too
    panicinfo = [
        "> ::panicinfo",
        "             cpu                0",
        "             rsi                0",
    ]
    assert list(mdb.parse(panicinfo))[1:] == [mdb.Text(line) for line in panicinfo[1:]]
    typed = [
        "> ::walk zone | ::print -t zone_t zone_name",
        'char *zone_name = 0xfffffffffbf3ff40 "global"',
    ]
    assert list(mdb.parse(typed))[1] == mdb.Text(typed[1])
    # after a modelled dcmd, and before any command, other text is still an error
    for lines in (["> hvm_excl_holder::print", "hello world"], ["hello world"]):
        with pytest.raises(ParseError):
            list(mdb.parse(lines))


@pytest.mark.parametrize(
    ("command", "free"),
    [
        ("::status", True),
        ("::panicinfo", True),
        ("$<msgbuf", True),
        ("ffffff01::findstack -v", True),
        ("x::print -ta proc_t", True),
        ("hvm_excl_holder::print", False),
        ("::walk proc | ::print proc_t p_pidp", False),
        ("$C", False),
        ("::stack", False),
        ("x::whatis", False),
        ("::nm", False),
        ("", False),
    ],
)
def test_free_form(command: str, free: bool) -> None:
    assert mdb.free_form(command) is free


# ::whatis answers as illumos-gate prints them (usr/src/cmd/mdb/common/modules/
# genunix/kmem.c: whatis_print_kmem(), whatis_print_kmf_lite(),
# whatis_call_printer(), whatis_walk_thread(); mdb_whatis.c:
# mdb_whatis_report_object() prints "%p is %p+%p, ", base and offset in hex).
WHATIS_KMEM = [
    "> ffffff0d4b5e2a40::whatis",
    "ffffff0d4b5e2a40 is ffffff0d4b5e2a00+40, allocated from kmem_alloc_128",
    "> ffffff0d4b5e2a00::whatis",
    "ffffff0d4b5e2a00 is allocated from kmem_alloc_128",
    "> ffffff0d4b5e2a08::whatis",
    "ffffff0d4b5e2a08 is ffffff0d4b5e2a00+8, bufctl ffffff0d4b5e7c10 freed from kmem_alloc_64",
    "> fffffe000f7c5e20::whatis",
    "fffffe000f7c5e20 is in thread fffffe000f7c5c20's stack",
    # KMF_LITE: ":" and the recent callers, indented 8
    "> ffffff0d4b5e2a48::whatis",
    "ffffff0d4b5e2a48 is ffffff0d4b5e2a00+48, allocated from kmem_alloc_128:",
    "        recent callers: kmem_zalloc+0x5c, vmm_drv_hold+0x37",
]


def test_whatis_kmem_buffers_and_stacks() -> None:
    records = list(mdb.parse(WHATIS_KMEM))
    answers = [r for r in records if isinstance(r, mdb.Whatis)]
    first, exact, freed, stack, lite = answers
    assert (first.base, first.offset, first.cache, first.symbol) == (
        0xFFFFFF0D4B5E2A00,
        0x40,
        "kmem_alloc_128",
        None,
    )
    assert (exact.base, exact.offset, exact.cache) == (0xFFFFFF0D4B5E2A00, 0, "kmem_alloc_128")
    assert (freed.offset, freed.cache) == (8, "kmem_alloc_64")
    assert (stack.base, stack.cache, stack.symbol) == (None, None, None)
    assert lite.cache == "kmem_alloc_128"
    assert records[-1] == mdb.Text("        recent callers: kmem_zalloc+0x5c, vmm_drv_hold+0x37")
    assert list(mdb.render(records)) == WHATIS_KMEM


def test_whatis_symbol_with_a_hex_name_is_not_an_object() -> None:
    (record,) = mdb.parse(["fffffffffb800a08 is add+8, in unix's text segment"])
    assert isinstance(record, mdb.Whatis)
    assert (record.symbol, record.offset, record.base) == ("add", 8, None)
