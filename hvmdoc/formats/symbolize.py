"""Name the bare-address frames of DTrace output from a symbol table.

In the seed, ``dtrace`` printed the frames of bhyve's ``vmm`` module as bare
addresses (``0xfffffffff82aec97``), and the author looked each one up with
mdb's ``::whatis`` and wrote the answer beside it:
``0xfffffffff82aec97 (vmmdev_mod_incr+0x37)``. `symbolize` does that:
every frame that has an address but no name gets ``(function+0xoffset)``
(``(function)`` at offset 0, as ``dt_print_stack()`` prints a return address
equal to a symbol's start), the module prefix of a ``module`0xaddr`` frame is
kept; addresses no symbol contains, and every other line, pass through as they are.

An address belongs to the symbol whose ``[value, value + size)`` contains it
(``mdb_whatis_report_address()`` in illumos ``mdb_whatis.c`` asks the same of
``mdb_lookup_by_addr()``); zero-sized symbols contain nothing.

Symbol tables come from mdb's ``::nm`` output (`SymbolTable.from_nm`)
or from any iterable of `Symbol` (the CLI passes a scenario's kernel).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hvmdoc.formats import dtrace, mdb
from hvmdoc.formats.errors import ParseError

__all__ = ["Symbol", "SymbolTable", "symbolize", "symbolize_frame"]

_NM_EXPECTED = (
    "mdb ::nm output (echo ::nm | mdb -k): its heading and "
    "a Value|Size|Type|Bind|Other|Shndx|Name row per symbol"
)


@dataclass(frozen=True, slots=True)
class Symbol:
    """A named address range: ``name``, ``module`` (None when unknown), ``address``, ``size``."""

    name: str
    module: str | None
    address: int
    size: int


class SymbolTable:
    """Symbols sorted by address, for "which symbol contains this address?"."""

    def __init__(self, symbols: Iterable[Symbol]) -> None:
        self._symbols = sorted((s for s in symbols if s.size > 0), key=lambda s: s.address)
        self._starts = [s.address for s in self._symbols]

    def __len__(self) -> int:
        return len(self._symbols)

    @classmethod
    def from_nm(cls, lines: Iterable[str], source: str = "<stdin>") -> SymbolTable:
        """The table of mdb ``::nm`` output (``module`name`` names keep their module).

        Raises `ParseError` on a line that is not mdb output, and on input
        without a single ``::nm`` row (an empty file, or some other mdb output).
        """
        iterator = iter(lines)
        head = next(iterator, None)
        if head is None:
            raise ParseError(source, 1, 1, "", _NM_EXPECTED)
        symbols = []
        rows = 0
        for record in mdb.parse(itertools.chain((head,), iterator), source):
            if not isinstance(record, mdb.NmSymbol):
                continue
            rows += 1
            if record.name:
                module, tick, name = record.name.rpartition("`")
                symbols.append(Symbol(name, module if tick else None, record.value, record.size))
        if not rows:
            raise ParseError(source, 1, 1, head.rstrip("\r\n"), _NM_EXPECTED)
        return cls(symbols)

    def lookup(self, address: int) -> tuple[Symbol, int] | None:
        """``(symbol, offset)`` for the symbol containing ``address``, else None."""
        # As mdb's fuzzy lookup: the symbol starting nearest below, if it reaches.
        index = bisect.bisect_right(self._starts, address) - 1
        if index >= 0:
            symbol = self._symbols[index]
            if address < symbol.address + symbol.size:
                return symbol, address - symbol.address
        return None


def symbolize_frame(frame: dtrace.Frame, table: SymbolTable) -> dtrace.Frame:
    """The frame with the name of its address added, when it has none and one is found."""
    if frame.address is None or frame.function is not None:
        return frame
    found = table.lookup(frame.address)
    if found is None:
        return frame
    symbol, offset = found
    return dtrace.Frame(frame.module, symbol.name, offset or None, frame.address)


def symbolize(lines: Iterable[str], table: SymbolTable, source: str = "<stdin>") -> Iterator[str]:
    """DTrace output lines (newline optional) with bare addresses named; yields lines sans newline.

    Every line must be dtrace output (a `ParseError` otherwise); only
    the frames that gain a name change, byte for byte.
    """
    for number, raw in enumerate(lines, 1):
        line = raw[:-1] if raw.endswith("\n") else raw
        stripped = line.lstrip(" ")
        if stripped and stripped != line:
            frame = dtrace.parse_frame(stripped)
            if frame is not None:
                named = symbolize_frame(frame, table)
                if named is not frame:
                    yield line[: len(line) - len(stripped)] + dtrace.render_frame(named)
                    continue
        _check(line, source, number)
        yield line


def _check(line: str, source: str, number: int) -> None:
    """Raise `ParseError` unless ``line`` is something dtrace prints."""
    try:
        for _ in dtrace.parse((line,), source):
            pass
    except ParseError as error:
        raise ParseError(source, number, error.column, error.text, error.expected) from None
