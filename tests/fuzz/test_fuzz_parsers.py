"""Only ParseError may escape a parser, whatever the input (random and mutated real samples).

For input a parser accepts, rendering its records and parsing them again must
give the same records (the renderers print what the parsers read).

Each hypothesis example feeds a parser one input drawn by the strategies below
(random lines, or a real sample mutated) and then ``BATCH`` more made by the
same kinds of mutation from a seed hypothesis draws, with `random`:
hypothesis's own generation costs ~10 ms an example, so the batch is what
makes ``HVMDOC_FUZZ_EXAMPLES`` (inputs per parser; 100 000 in ``make fuzz``)
affordable. Hypothesis still shrinks a failing seed and reports it.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any

from formats.samples import DTRACE_STACKS, data_lines, seed_transcripts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hvmdoc.formats import dtrace, fold, mdb, vmadm
from hvmdoc.formats.errors import ParseError
from hvmdoc.formats.symbolize import Symbol, SymbolTable, symbolize

from .counts import count

INPUTS = int(os.environ.get("HVMDOC_FUZZ_EXAMPLES", "600"))
BATCH = 19  # seeded inputs per hypothesis example, after the drawn one
FUZZ = settings(
    max_examples=max(1, -(-INPUTS // (BATCH + 1))),
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


_CHARS = [*" \t0123456789abcdefxX`+:;()[]{}<>-_.'\"=|*/\\,@#^CPUIDFUNCTIONAME$", *_SPECIAL]


def _random_line(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "".join(rng.choice(_CHARS) for _ in range(rng.randrange(30)))
    return "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(20)))


def seeded(tool: str, seed: int, count: int = BATCH) -> Iterator[list[str]]:
    """``count`` inputs like `mutated` / random lines, from ``seed``."""
    rng = random.Random(seed)
    samples = _samples()[tool]
    for _ in range(count):
        if rng.random() < 0.2:
            yield [_random_line(rng) for _ in range(rng.randrange(12))]
            continue
        lines = list(rng.choice(samples))
        for _ in range(rng.randint(1, 6)):
            if not lines:
                lines.append(_random_line(rng))
                continue
            at = rng.randrange(len(lines))
            kind = rng.choice(["char", "char", "char", "drop", "dup", "swap", "insert"])
            line = lines[at]
            if kind == "char":
                pos = rng.randint(0, len(line))
                cut = rng.randint(0, 2)
                new = rng.choice(_CHARS) if rng.random() < 0.9 else ""
                lines[at] = line[:pos] + new + line[pos + cut :]
            elif kind == "drop":
                del lines[at]
            elif kind == "dup":
                lines.insert(at, line)
            elif kind == "swap":
                other = rng.randrange(len(lines))
                lines[at], lines[other] = lines[other], lines[at]
            else:
                lines.insert(at, _random_line(rng))
        yield lines


SEED = st.integers(min_value=0, max_value=2**32 - 1)


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
@given(inputs("mdb"), SEED)
def test_mdb_parser_raises_only_parse_errors(lines: list[str], seed: int) -> None:
    for case in [lines, *seeded("mdb", seed)]:
        _check("mdb", lambda ls: mdb.parse(ls, "fuzz"), case)


@FUZZ
@given(inputs("dtrace"), SEED)
def test_dtrace_parser_raises_only_parse_errors(lines: list[str], seed: int) -> None:
    for case in [lines, *seeded("dtrace", seed)]:
        _check("dtrace", lambda ls: dtrace.parse(ls, "fuzz"), case)


@FUZZ
@given(inputs("vmadm"), SEED)
def test_vmadm_parser_raises_only_parse_errors(lines: list[str], seed: int) -> None:
    for case in [lines, *seeded("vmadm", seed)]:
        _check("vmadm", lambda ls: vmadm.parse(ls, "fuzz"), case)


BINARY_LINES = st.lists(st.binary(max_size=60).map(lambda b: b.decode("latin-1")))


@FUZZ
@given(inputs("dtrace") | BINARY_LINES, SEED)
def test_fold_raises_only_parse_errors(lines: list[str], seed: int) -> None:
    for case in [lines, *seeded("dtrace", seed)]:
        _check_fold(case)


def _check_fold(lines: list[str]) -> None:
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
@given(inputs("dtrace"), SEED)
def test_symbolize_raises_only_parse_errors(lines: list[str], seed: int) -> None:
    for case in [lines, *seeded("dtrace", seed)]:
        _check_symbolize(case)


def _check_symbolize(lines: list[str]) -> None:
    try:
        out = list(symbolize(lines, TABLE, "fuzz"))
    except ParseError as error:
        count("symbolize", True)
        assert 1 <= error.line <= len(lines) and error.column >= 1
        return
    count("symbolize", False)
    assert len(out) == len(lines)
