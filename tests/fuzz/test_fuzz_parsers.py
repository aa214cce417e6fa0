"""Only ParseError may escape a parser, whatever the input (random and mutated real samples).

For input a parser accepts, rendering its records and parsing them again must
give the same records (the renderers print what the parsers read).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

from formats.samples import DTRACE_STACKS, data_lines, seed_transcripts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hvmdoc.formats import dtrace, fold, mdb, vmadm
from hvmdoc.formats.errors import ParseError
from hvmdoc.formats.symbolize import Symbol, SymbolTable, symbolize

from .counts import count

EXAMPLES = int(os.environ.get("HVMDOC_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Characters that matter to these formats, and some that should never appear.
_SPECIAL = ["\x00", "\x7f", "\u00a0", "\u2028", "é", "\n", "\r", "  ", "0x", "+0x", "dtrace: "]
ALPHABET = st.sampled_from(
    [*" \t0123456789abcdefxX`+:;()[]{}<>-_.'\"=|*/\\,@#^CPUIDFUNCTIONAME$", *_SPECIAL]
)
RANDOM_LINE = st.text(max_size=60) | st.lists(ALPHABET, max_size=30).map("".join)


@cache
def _samples() -> dict[str, list[list[str]]]:
    by_tool: dict[str, list[list[str]]] = {"mdb": [], "dtrace": [], "vmadm": []}
    for transcript in seed_transcripts():
        by_tool[transcript.tool].append(list(transcript.lines))
    stacks = data_lines(DTRACE_STACKS)
    by_tool["dtrace"] += [stacks[:120], stacks[-60:]]
    by_tool["mdb"].append(
        list(
            mdb.render(
                [
                    mdb.NmHeader(),
                    mdb.NmSymbol(0xFFFFFFFFF82AEC60, 0x80, "FUNC", "GLOB", 0, "1", "vmm`f"),
                    mdb.whatis_symbol(0xFFFFFFFFF82AEC97, "vmmdev_mod_incr", 0x37, "vmm"),
                    mdb.StackFrame(0xFFFFFF0010A3FA90, "vmmdev_mod_incr", 0x37, None, (1, 2)),
                    mdb.member("zone_id", 5),
                    mdb.Error("failed to dereference symbol: unknown symbol name"),
                ]
            )
        )
    )
    by_tool["vmadm"].append(
        list(vmadm.render([vmadm.Json({"uuid": "x", "nics": [{"ip": "10.0.0.1"}]}), vmadm.Usage()]))
    )
    return by_tool


@st.composite
def mutated(draw: st.DrawFn, tool: str) -> list[str]:
    lines = list(draw(st.sampled_from(_samples()[tool])))
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        if not lines:
            lines.append(draw(RANDOM_LINE))
            continue
        at = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        kind = draw(st.sampled_from(["char", "char", "char", "drop", "dup", "swap", "insert"]))
        line = lines[at]
        if kind == "char":
            pos = draw(st.integers(min_value=0, max_value=len(line)))
            cut = draw(st.integers(min_value=0, max_value=2))
            lines[at] = line[:pos] + draw(ALPHABET | st.just("")) + line[pos + cut :]
        elif kind == "drop":
            del lines[at]
        elif kind == "dup":
            lines.insert(at, line)
        elif kind == "swap":
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        else:
            lines.insert(at, draw(RANDOM_LINE))
    return lines


def inputs(tool: str) -> st.SearchStrategy[list[str]]:
    return st.one_of(mutated(tool), st.lists(RANDOM_LINE, max_size=12))


def _check(name: str, parse: Callable[[Iterable[str]], Iterable[Any]], lines: list[str]) -> None:
    try:
        records = list(parse(lines))
    except ParseError as error:
        count(name, True)
        assert 1 <= error.line <= max(len(lines), 1), error
        assert error.column >= 1 and error.source == "fuzz" and error.expected
        return
    count(name, False)
    return_trip = list(parse(_render(name, records)))
    assert return_trip == records


def _render(name: str, records: list[Any]) -> list[str]:
    module: Any = {"mdb": mdb, "dtrace": dtrace, "vmadm": vmadm}[name]
    return list(module.render(records))


@FUZZ
@given(inputs("mdb"))
def test_mdb_parser_raises_only_parse_errors(lines: list[str]) -> None:
    _check("mdb", lambda ls: mdb.parse(ls, "fuzz"), lines)


@FUZZ
@given(inputs("dtrace"))
def test_dtrace_parser_raises_only_parse_errors(lines: list[str]) -> None:
    _check("dtrace", lambda ls: dtrace.parse(ls, "fuzz"), lines)


@FUZZ
@given(inputs("vmadm"))
def test_vmadm_parser_raises_only_parse_errors(lines: list[str]) -> None:
    _check("vmadm", lambda ls: vmadm.parse(ls, "fuzz"), lines)


@FUZZ
@given(inputs("dtrace") | st.lists(st.binary(max_size=60).map(lambda b: b.decode("latin-1"))))
def test_fold_raises_only_parse_errors(lines: list[str]) -> None:
    encoded = [line.encode("utf-8", "surrogatepass") + b"\n" for line in lines]
    try:
        folded = fold.fold_bytes(encoded, "fuzz")
    except ParseError as error:
        count("fold", True)
        assert 1 <= error.line <= len(lines) and error.column >= 1
        return
    count("fold", False)
    assert all(isinstance(key, bytes) and value >= 0 for key, value in folded.items())
    keys = [line[:-1].rpartition(b" ")[0] for line in fold.folded_lines(folded)]
    assert keys == sorted(folded)


TABLE = SymbolTable([Symbol("vmmdev_mod_incr", "vmm", 0xFFFFFFFFF82AEC60, 0x80)])


@FUZZ
@given(inputs("dtrace"))
def test_symbolize_raises_only_parse_errors(lines: list[str]) -> None:
    try:
        out = list(symbolize(lines, TABLE, "fuzz"))
    except ParseError as error:
        count("symbolize", True)
        assert 1 <= error.line <= len(lines) and error.column >= 1
        return
    count("symbolize", False)
    assert len(out) == len(lines)
