"""fold: stackcollapse.pl's output byte for byte, and where it does better."""

from __future__ import annotations

import io

import pytest
from support import shared_file

from hvmdoc.formats import fold
from hvmdoc.formats.errors import ParseError

from .samples import DTRACE_FOLDED, DTRACE_STACKS, outputs


def test_example_folds_to_stackcollapse_output_byte_for_byte() -> None:
    with shared_file(DTRACE_STACKS).open("rb") as lines:
        folded = fold.fold_bytes(lines, DTRACE_STACKS)
    assert b"".join(fold.folded_lines(folded)) == shared_file(DTRACE_FOLDED).read_bytes()


def test_text_api_matches_bytes_api() -> None:
    text = shared_file(DTRACE_STACKS).read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [line + "\n" for line in fold.format_folded(fold.fold(text))]
    assert "".join(lines).encode() == shared_file(DTRACE_FOLDED).read_bytes()


AGGREGATION = [
    "CPU     ID                    FUNCTION:NAME",
    "  0  64091                        :tick-60s ",
    "",
    "",
    "              unix`mutex_enter+0x10",
    "              genunix`fop_ioctl+0x55",
    "              unix`sys_syscall+0x17a",
    "                3",
    "",
    "              unix`mutex_enter+0x10",
    "              genunix`fop_ioctl+0x40",
    "              unix`sys_syscall+0x17a",
    "               39",
]


def _fold(lines: list[str], offsets: bool = False) -> list[str]:
    return list(fold.format_folded(fold.fold(lines, offsets=offsets)))


def test_offsets_are_stripped_and_equal_stacks_summed() -> None:
    assert _fold(AGGREGATION) == ["unix`sys_syscall;genunix`fop_ioctl;unix`mutex_enter 42"]


def test_offsets_kept_except_the_leafs() -> None:
    assert _fold(AGGREGATION, offsets=True) == [
        "unix`sys_syscall+0x17a;genunix`fop_ioctl+0x40;unix`mutex_enter 39",
        "unix`sys_syscall+0x17a;genunix`fop_ioctl+0x55;unix`mutex_enter 3",
    ]


def test_leaf_without_offset_is_kept_with_offsets() -> None:
    # stackcollapse.pl would strip from the last '+' of the joined stack here,
    # losing the leaf and the caller's offset; only the leaf's own offset goes.
    lines = [
        "",
        "",
        "",
        "              unix`0xfffffffffb800c91",
        "              unix`trap+0x2c7",
        " 1",
    ]
    assert _fold(lines, offsets=True) == ["unix`trap+0x2c7;unix`0xfffffffffb800c91 1"]


def test_seed_probe_firings_count_once_each_with_annotations_named() -> None:
    (trace,) = outputs("dtrace")
    assert _fold(list(trace.lines)) == [
        "unix`sys_syscall;genunix`ioctl;genunix`fop_ioctl;specfs`spec_ioctl;genunix`cdev_ioctl;"
        "vmm_ioctl;vmmdev_do_vm_create;vmmdev_mod_incr 1",
        "unix`sys_syscall;genunix`zone;genunix`zone_destroy;genunix`zone_zsd_callbacks;"
        "genunix`zsd_apply_all_keys;genunix`zsd_apply_destroy;vmm_zsd_destroy;vmm_do_vm_destroy;"
        "vmm_do_vm_destroy_locked;vmmdev_mod_decr 1",
    ]


@pytest.mark.parametrize(
    ("frame", "names"),
    [
        (b"  0xfffffffff82aec97 (vmmdev_mod_incr+0x37)", (b"vmmdev_mod_incr",)),
        (b"vmm`0xfffffffff82aec97 (vmmdev_mod_incr+0x37)", (b"vmm`vmmdev_mod_incr",)),
        (b"libfoo.so`Foo::bar(int)+0x12", (b"libfoo.so`Foo::bar",)),
        (b"a->b->c", (b"a", b"b_[i]", b"c_[i]")),
        (b"Ljava/lang/Thread;::run+0x1", (b"java/lang/Thread:::run",)),
        (b"+0x10", (b"-",)),
        (b"0xfffffffff82aec97", (b"0xfffffffff82aec97",)),
    ],
)
def test_frame_names_follow_the_script(frame: bytes, names: tuple[bytes, ...]) -> None:
    assert fold.frame_names(frame) == names


def test_stacks_without_a_count_in_an_aggregation_are_dropped() -> None:
    assert _fold([*AGGREGATION[:7]]) == []


def test_binary_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as caught:
        fold.fold_bytes([b"CPU\n", b"\x00\x01\n"], "core")
    assert (caught.value.source, caught.value.line, caught.value.column) == ("core", 2, 1)


def test_ustack_helper_annotations_are_not_frames() -> None:
    # dt_print_ustack() prints a helper's "@TEXT" as "  [ TEXT ]" under its frame.
    annotated = [
        "              libc.so.1`__ioctl+0x15",
        "              0x8a9e3a5",
        "                [ interpreted frame ]",
        "              bhyve`vcpu_thread+0x10e",
        "                3",
    ]
    plain = [line for line in annotated if "[ " not in line]
    assert (
        fold.fold(annotated)
        == fold.fold(plain)
        == {"bhyve`vcpu_thread;0x8a9e3a5;libc.so.1`__ioctl": 3}
    )


def test_crlf_input_folds_as_its_lf_form() -> None:
    lf = shared_file(DTRACE_STACKS).read_bytes()
    crlf = lf.replace(b"\n", b"\r\n")
    folded = fold.fold_bytes(io.BytesIO(crlf), DTRACE_STACKS)
    assert b"".join(fold.folded_lines(folded)) == shared_file(DTRACE_FOLDED).read_bytes()
    (trace,) = outputs("dtrace")
    assert fold.fold([line + "\r\n" for line in trace.lines]) == fold.fold(list(trace.lines))
    assert fold.fold([line + "\r" for line in trace.lines]) == fold.fold(list(trace.lines))


def test_a_long_trace_without_stacks_folds_to_nothing() -> None:
    # `dtrace -q` printf output: no frame, no count; lines of all lengths.
    lines = (b"%d bhyve %d ioctl %s\n" % (i, i % 997, b"x" * (i % 5000)) for i in range(20_000))
    assert fold.fold_bytes(lines) == {}


def test_an_unindented_line_is_no_frame_and_ends_a_firings_stack() -> None:
    # dt_print_stack() indents every frame; printf() output is not a frame.
    lines = [
        " 48   8666              hvm_excl_hold:entry ",
        "              unix`f+0x1",
        "              unix`g+0x2",
        "hold by bhyve",
        "              unix`h+0x3",
        "",
    ]
    assert fold.fold(lines) == {"unix`g;unix`f": 1}


def test_an_unindented_key_before_an_aggregated_stack_is_no_frame() -> None:
    # printa("%s%k%@d\n", @): the key is printed flush left, then the stack.
    lines = ["", "", "", "bhyve", "              unix`f+0x1", "              unix`g+0x2", "  7"]
    assert fold.fold(lines) == {"unix`g;unix`f": 7}


def test_results_do_not_depend_on_the_line_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    with shared_file(DTRACE_STACKS).open("rb") as lines:
        cached = fold.fold_bytes(lines)
    monkeypatch.setattr(fold, "_CACHE_BYTES", 0)
    with shared_file(DTRACE_STACKS).open("rb") as lines:
        assert fold.fold_bytes(lines) == cached
    monkeypatch.setattr(fold, "_CACHE_BYTES", 1000)
    monkeypatch.setattr(fold, "_CACHE_LINE_MAX", 40)
    with shared_file(DTRACE_STACKS).open("rb") as lines:
        assert fold.fold_bytes(lines) == cached


@pytest.mark.parametrize(("frames", "stack_bytes"), [(3, 1 << 20), (100, 600)])
def test_a_stack_past_the_bounds_is_dropped(
    monkeypatch: pytest.MonkeyPatch, frames: int, stack_bytes: int
) -> None:
    monkeypatch.setattr(fold, "_STACK_FRAMES", frames)
    monkeypatch.setattr(fold, "_STACK_BYTES", stack_bytes)
    monkeypatch.setattr(fold, "_CACHE_BYTES", 0)
    deep = ["", "", ""] + [f"              unix`f{i}+0x1" for i in range(4)] + ["  5"]
    ok = ["", "              unix`a+0x1", "              unix`b+0x1", "  2"]
    assert fold.fold(deep + ok) == {"unix`b;unix`a": 2}
    firing = [" 48   8666              hvm_excl_hold:entry ", *deep[3:7], ""]
    assert fold.fold(firing + firing[:3] + [""]) == {"unix`f1;unix`f0": 1}
