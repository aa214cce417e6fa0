"""dtrace output: the seed's records, frame forms, widths and errors."""

from __future__ import annotations

import pytest

from hvmdoc.formats import dtrace
from hvmdoc.formats.errors import ParseError

from .samples import outputs


def test_seed_trace_records() -> None:
    (trace,) = outputs("dtrace")
    records = list(dtrace.parse(trace.lines, trace.source))
    assert records[0] == dtrace.Description("hvm_excl_*:entry ", 2)
    assert records[1] == dtrace.Header()
    assert records[2] == dtrace.Firing(48, 8666, "hvm_excl_hold", "entry")
    stack = records[3]
    assert isinstance(stack, dtrace.Stack) and stack.count is None
    assert stack.frames[0] == dtrace.Frame(None, "vmmdev_mod_incr", 0x37, 0xFFFFFFFFF82AEC97)
    assert stack.frames[3] == dtrace.Frame("genunix", "cdev_ioctl", 0x39, None)
    firings = [r for r in records if isinstance(r, dtrace.Firing)]
    assert [(f.cpu, f.id, f.function) for f in firings] == [
        (48, 8666, "hvm_excl_hold"),
        (72, 9030, "hvm_excl_rele"),
    ]


def test_heading_and_firing_widths_follow_dtrace_c() -> None:
    assert dtrace.HEADER_LINE == "CPU     ID                    FUNCTION:NAME"
    line = dtrace.render_firing(dtrace.Firing(0, 64091, "", "tick-60s"))
    assert line == "  0  64091                        :tick-60s "
    assert len(line) == 3 + 1 + 6 + 1 + 32 + 1


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("genunix`cdev_ioctl+0x39", dtrace.Frame("genunix", "cdev_ioctl", 0x39)),
        ("genunix`cdev_ioctl", dtrace.Frame("genunix", "cdev_ioctl")),
        ("unix`0xfffffffffb800c91", dtrace.Frame("unix", None, None, 0xFFFFFFFFFB800C91)),
        ("0xfffffffff82aec97", dtrace.Frame(address=0xFFFFFFFFF82AEC97)),
        (
            "0xfffffffff82aec97 (vmmdev_mod_incr+0x37)",
            dtrace.Frame(None, "vmmdev_mod_incr", 0x37, 0xFFFFFFFFF82AEC97),
        ),
        ("libc.so.1`_ioctl+0xa", dtrace.Frame("libc.so.1", "_ioctl", 0xA)),
    ],
)
def test_every_frame_form(text: str, frame: dtrace.Frame) -> None:
    assert dtrace.parse_frame(text) == frame
    assert dtrace.render_frame(frame) == text
    assert frame.annotated == (frame.address is not None and frame.function is not None)


def test_description_counts_one_probe_in_the_singular() -> None:
    lines = list(dtrace.render([dtrace.Description("fbt::x:entry ", 1)]))
    assert lines == ["dtrace: description 'fbt::x:entry ' matched 1 probe"]
    assert list(dtrace.parse(lines)) == [dtrace.Description("fbt::x:entry ", 1)]


def test_aggregation_count_is_sixteen_wide_after_a_space() -> None:
    stack = dtrace.Stack((dtrace.Frame("unix", "sys_syscall", 0x17A),), 1971)
    assert list(dtrace.render_record(stack)) == [
        "              unix`sys_syscall+0x17a",
        "             1971",
    ]


def test_stripped_trailing_space_still_parses() -> None:
    assert list(dtrace.parse([" 48   8666              hvm_excl_hold:entry"])) == [
        dtrace.Firing(48, 8666, "hvm_excl_hold", "entry")
    ]


def test_messages_and_interrupt() -> None:
    lines = ["dtrace: allowing destructive actions", "^C", ""]
    assert list(dtrace.parse(lines)) == [
        dtrace.allowing_destructive(),
        dtrace.Interrupt(),
        dtrace.Blank(),
    ]


@pytest.mark.parametrize(
    ("lines", "line", "column"),
    [
        (["CPU ID", "o\x00ps"], 2, 2),
        (["              genunix`f+0x1", "              genunix`g\x01"], 2, 24),
        (["dtrace: ok", "", "\x7fELF\x02"], 3, 1),
        (["\x1b[1mbold\x1b[0m", "\x08"], 2, 1),  # escape sequences are text
    ],
)
def test_binary_data_is_the_error_naming_line_and_column(
    lines: list[str], line: int, column: int
) -> None:
    with pytest.raises(ParseError) as caught:
        list(dtrace.parse(lines, "trace.txt"))
    error = caught.value
    assert (error.source, error.line, error.column) == ("trace.txt", line, column)
    assert str(error).startswith(f"trace.txt:{line}:{column}: expected ")


def test_records_before_an_error_are_yielded() -> None:
    parsed = dtrace.parse(["dtrace: hi", "CPU     ID                    FUNCTION:NAME", "\x00"])
    assert next(parsed) == dtrace.Message("hi")
    assert next(parsed) == dtrace.Header()
    with pytest.raises(ParseError):
        next(parsed)


# What a real user pastes besides stacks: dtrace -q with printf(), aggregations
# keyed by a name, ustack() of a process with a ustack helper.
FREE_TEXT = [
    "bhyve took the lock",  # printf("%s took the lock\n", execname) under -q
    "hello world",
    "CPU ID",
    "   ",  # printf("   \n")
    "  \tgenunix`f",
    "              genunix`",
]


@pytest.mark.parametrize("text", FREE_TEXT)
def test_free_text_lines_are_text_records(text: str) -> None:
    assert list(dtrace.parse([text])) == [dtrace.Text(text)]
    assert list(dtrace.render([dtrace.Text(text)])) == [text]


def test_printf_lines_between_firings_and_stacks() -> None:
    lines = [
        "CPU     ID                    FUNCTION:NAME",
        " 48   8666              hvm_excl_hold:entry ",
        "              vmm`vmm_mod_load+0x2d",
        "holder now: bhyve",
        "",
    ]
    records = list(dtrace.parse(lines))
    assert records == [
        dtrace.Header(),
        dtrace.Firing(48, 8666, "hvm_excl_hold", "entry"),
        dtrace.Stack((dtrace.Frame("vmm", "vmm_mod_load", 0x2D),), None, 14),
        dtrace.Text("holder now: bhyve"),
        dtrace.Blank(),
    ]
    assert list(dtrace.render(records)) == lines


def test_aggregation_keyed_by_name_is_text_not_a_frame() -> None:
    # dtrace -n 'fbt::hvm_excl_*:entry { @[probefunc] = count(); }'
    row = "  hvm_excl_hold                                                     2"
    assert list(dtrace.parse([row])) == [dtrace.Text(row)]


def test_ustack_frames_and_helper_annotations() -> None:
    # dt_consume.c dt_print_ustack(): a helper string "@TEXT" prints as
    # "  [ TEXT ]" under its frame, after the stack's indent.
    lines = [
        "              libc.so.1`__ioctl+0x15",
        "              libvmmapi.so.1`vm_run+0x1c",
        "              0x8a9e3a5",
        "                [ interpreted frame ]",
        "              bhyve`vcpu_thread+0x10e",
        "               12",
    ]
    (stack,) = dtrace.parse(lines)
    assert isinstance(stack, dtrace.Stack) and stack.count == 12
    assert stack.frames[0] == dtrace.Frame("libc.so.1", "__ioctl", 0x15)
    assert stack.frames[2] == dtrace.Frame(address=0x8A9E3A5, annotation="interpreted frame")
    assert stack.frames[3].function == "vcpu_thread"
    assert list(dtrace.render([stack])) == lines


def test_frames_indented_otherwise_start_another_stack() -> None:
    lines = ["              genunix`f+0x1", "                genunix`g+0x2"]
    records = list(dtrace.parse(lines))
    assert [type(r) for r in records] == [dtrace.Stack, dtrace.Stack]
    assert list(dtrace.render(records)) == lines


def test_helpers_for_the_emulated_dtrace() -> None:
    program = "hvm_excl_*:entry { stack() }"
    assert dtrace.description_text(program) == "hvm_excl_*:entry "
    assert dtrace.description_text("fbt:::entry/pid == 1/{}") == "fbt:::entry"
    message = dtrace.invalid_probe_specifier(
        "x:entry { }", dtrace.no_match_reason("", "", "x", "entry")
    )
    assert list(dtrace.render_record(message)) == [
        "dtrace: invalid probe specifier x:entry { }: "
        "probe description ::x:entry does not match any probes"
    ]


def test_quantize_output_is_text_not_stacks() -> None:
    # dtrace -n 'fbt::hvm_excl_hold:entry { @ = quantize(arg0); }'
    lines = [
        "",
        "           value  ------------- Distribution ------------- count    ",
        "               0 |                                         0        ",
        "               1 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@ 3",
        "               2 |                                         0        ",
        "",
    ]
    records = list(dtrace.parse(lines))
    assert [type(r) for r in records] == [
        dtrace.Blank,
        dtrace.Text,
        dtrace.Text,
        dtrace.Text,
        dtrace.Text,
        dtrace.Blank,
    ]
    assert list(dtrace.render(records)) == lines


def test_a_helper_string_frame_continues_a_stack_but_never_starts_one() -> None:
    lines = [
        "              libc.so.1`__ioctl+0x15",
        "              << internal code >>",
        "              node`uv_run+0x10",
    ]
    (stack,) = dtrace.parse(lines)
    assert isinstance(stack, dtrace.Stack)
    assert stack.frames[1] == dtrace.Frame(function="<< internal code >>")
    assert list(dtrace.parse(["              << internal code >>"])) == [
        dtrace.Text("              << internal code >>")
    ]
