"""symbolize: bare addresses named as the seed's author named them."""

from __future__ import annotations

import pytest

from hvmdoc.formats import dtrace, mdb
from hvmdoc.formats.errors import ParseError
from hvmdoc.formats.symbolize import Symbol, SymbolTable, symbolize

from .samples import outputs

VMM = [
    ("vmmdev_mod_incr", 0xFFFFFFFFF82AEC60, 0x80),
    ("vmmdev_do_vm_create", 0xFFFFFFFFF82AEDB0, 0x100),
    ("vmm_ioctl", 0xFFFFFFFFF82AFA40, 0x400),
    ("vmmdev_mod_decr", 0xFFFFFFFFF82AECE0, 0x60),
    ("vmm_do_vm_destroy_locked", 0xFFFFFFFFF82AF5D0, 0x100),
    ("vmm_do_vm_destroy", 0xFFFFFFFFF82AF6D0, 0x60),
    ("vmm_zsd_destroy", 0xFFFFFFFFF82C9F60, 0x60),
]


def _nm_lines() -> list[str]:
    records: list[mdb.Record] = [mdb.NmHeader()]
    records += [mdb.NmSymbol(a, s, "FUNC", "GLOB", 0, "1", n) for n, a, s in VMM]
    records.append(mdb.NmSymbol(0xFFFFFFFFF82AEC00, 0, "NOTY", "LOCL", 0, "1", "empty"))
    return list(mdb.render(records))


def _bare(lines: tuple[str, ...]) -> list[str]:
    """The seed's trace as dtrace printed it, before the author's annotations."""
    out = []
    for line in lines:
        frame = dtrace.parse_frame(line.strip()) if line.startswith(" ") else None
        if frame is not None and frame.annotated:
            bare = dtrace.Frame(frame.module, None, None, frame.address)
            line = line[: len(line) - len(line.lstrip())] + dtrace.render_frame(bare)
        out.append(line)
    return out


def test_reproduces_the_seeds_hand_annotations_from_nm_output() -> None:
    (trace,) = outputs("dtrace")
    bare = _bare(trace.lines)
    assert bare != list(trace.lines)
    table = SymbolTable.from_nm(_nm_lines())
    assert len(table) == len(VMM)
    assert list(symbolize(bare, table)) == list(trace.lines)


def test_lookup_ranges() -> None:
    table = SymbolTable([Symbol("f", "m", 0x1000, 0x10), Symbol("g", None, 0x1010, 0x10)])
    assert table.lookup(0x1000) == (Symbol("f", "m", 0x1000, 0x10), 0)
    assert table.lookup(0x101F) == (Symbol("g", None, 0x1010, 0x10), 0xF)
    assert table.lookup(0x1020) is None
    assert table.lookup(0xFFF) is None


def test_unknown_addresses_and_other_lines_pass_through() -> None:
    table = SymbolTable([Symbol("f", "m", 0x1000, 0x10)])
    lines = ["CPU     ID                    FUNCTION:NAME", "              0x2000", ""]
    assert list(symbolize(lines, table)) == lines
    assert list(symbolize(["              unix`0x1000"], table)) == [
        "              unix`0x1000 (f)"
    ]


def test_binary_input_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as caught:
        list(symbolize(["dtrace: ok", "what\x00 is this"], SymbolTable([]), "t.txt"))
    assert (caught.value.source, caught.value.line) == ("t.txt", 2)


@pytest.mark.parametrize(
    "lines",
    [[], [mdb.NM_HEADER_LINE], ["> ::walk zone", "fffffffffbf3ff40"]],
)
def test_a_table_needs_nm_rows(lines: list[str]) -> None:
    with pytest.raises(ParseError) as caught:
        SymbolTable.from_nm(lines, "k.nm")
    assert (caught.value.source, caught.value.line, caught.value.column) == ("k.nm", 1, 1)
    assert "::nm" in caught.value.expected
