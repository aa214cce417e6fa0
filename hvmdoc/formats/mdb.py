"""What ``mdb -k`` prints, as records, and back.

Records (frozen dataclasses; field names are public API):

- `Banner` ``(modules)`` -- ``Loading modules: [ unix genunix ... ]``.
  The seed's elided ``[ ... ]`` is ``Banner(("...",))``.
- `Command` ``(text, prompt="> ")`` -- a command typed at mdb's prompt.
- `Value` ``(text, member=None, depth=0)`` -- one ``::print`` line: a bare
  value (``0``, ``0x5``, ``0xfffffffff8224185 "SmartOS KVM"``) or a struct
  member (``zone_name = 0xfffffffffbf3ff40 "global"``), ``depth`` levels of
  four-space indentation deep; ``{`` and ``}`` of nested structs are values too.
  Properties ``integer``, ``address`` and ``string`` decode the text. A value
  without a member name must look like one mdb prints (an integer, a pointer,
  ``symbol+0xoff``, a pointer and its quoted string, an enum and its name, an
  array in ``[ ]``, a char, a float, a date, ``::walk``'s bare hex addresses,
  braces), and deeper than the top level only the braces and brackets of
  nested structs and arrays have no name: other text is a `ParseError`, not a value.
- `Whatis` ``(address, answer)`` -- ``%p is ANSWER`` from ``::whatis``,
  e.g. ``answer="vmmdev_mod_incr+0x37, in vmm's text segment"``; properties
  ``symbol``, ``offset``, ``module``, ``segment`` decode the symbol form;
  ``base``, ``offset``, ``cache`` the kmem form (``BASE+OFF, [bufctl B ]allocated
  from CACHE``, hex without ``0x``). An answer ending in ``:`` (KMF_AUDIT's
  ``bufctl -v``, KMF_LITE's ``recent callers``, a vmem arena's ``vmem_seg -v``)
  is followed by `Text` lines up to the next command.
- `NmHeader` ``()`` and `NmSymbol` ``(value, size, type, bind,
  other, shndx, name)`` -- ``::nm``'s default table.
- `StackFrame` ``(frame_pointer, function, offset=None, module=None,
  args=())`` -- one ``$C`` line: ``%0?lr %a(ARGS)``.
- `Error` ``(text)`` -- ``mdb: TEXT`` (warnings and errors).
- `Blank` ``()`` -- an empty line.
- `Text` ``(text)`` -- after a command whose dcmd hvmdoc does not model
  (`free_form`: ``::status``, ``::panicinfo``, ``::print -t``...), each line of
  its output, kept whole.

Sources (illumos-gate, ``usr/src/cmd/mdb/common/mdb/``):

- ``mdb_print.c`` (``::print``): ``elt_print()`` indents each member by
  ``pa_tab`` (4) spaces per level and writes ``name = `` before the value;
  ``print_sou()`` opens a struct with ``{`` and ``print_close_sou()`` closes it;
  ``print_ptr()`` prints a pointer with ``%a`` (``0`` for NULL, ``symbol+0xoff``
  when it falls in a symbol, else ``0x`` hex) and, for a printable ``char *``,
  the string in double quotes after a space; char arrays print ``[ "text" ]``;
  integers print in hex with ``0x`` (``0`` for zero), as the seed shows.
- ``mdb_whatis.c``, ``mdb_whatis_report_address()``: ``"%p is "`` then ``"%a, "``
  and the caller's text; genunix's module callback (``modules/genunix/kmem.c``,
  ``whatis_modctl_match()``/``whatis_walk_modctl()``) adds ``"in %s's %s\\n"``
  with ``text segment``, ``data segment``, ``bss segment`` or ``symtab``.
  ``cmd_whatis()`` ends with ``"%p is unknown"`` for what nobody explained.
  ``%p`` prints hex without ``0x``.
- ``mdb_nm.c``, ``cmd_nm()``: header ``Value``/``Size`` in ``%-18s``, ``Type``,
  ``Bind``, ``Other`` in ``%-5s``, ``Shndx`` in ``%-8s`` then ``Name``, joined by
  spaces; rows ``0x%016llx|0x%016llx|%-5s|%-5s|0x%-3x|%-8s|%s`` (hex radix, LP64).
- ``mdb_stack.c``, ``mdb_stack_frame()``: ``"%0?lr "`` (frame pointer, 16 hex
  digits), ``"%a("`` (``mdb_iob.c`` ``iob_addr2str()``: ``symbol+0xoff``, but
  ``+1`` to ``+9`` without ``0x``, see `format_offset`), arguments ``"%lr"``
  joined by ``", "``, ``")\\n"``.
- ``mdb_lex.l`` ``yyerror()`` and ``vwarn()``: messages start with ``mdb: ``.
- ``mdb_module_load.c``, ``module_load()`` and ``mdb_module_load_all()``: the
  banner is ``"Loading modules: ["``, ``" %s"`` per module loaded, ``" ]\n"`` --
  and only when mdb has a terminal (``mdb.m_term``), which is why
  ``echo CMD | mdb -k`` prints no banner (as in the seed). Long banners may
  wrap at the terminal width; `parse` joins the lines, which hold module names
  and the closing ``]`` only (a banner cut short is a `ParseError` at the first
  line that holds anything else).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hvmdoc.formats.errors import ParseError

__all__ = [
    "BANNER_PREFIX",
    "NM_HEADER_LINE",
    "PROMPT",
    "Banner",
    "Blank",
    "Command",
    "Error",
    "NmHeader",
    "NmSymbol",
    "Record",
    "StackFrame",
    "Text",
    "Value",
    "Whatis",
    "format_integer",
    "format_offset",
    "format_string_pointer",
    "member",
    "parse",
    "render",
    "render_record",
    "whatis_symbol",
]

PROMPT = "> "
BANNER_PREFIX = "Loading modules: ["
_ERROR_PREFIX = "mdb: "
#: ``cmd_nm()`` header in hex radix on LP64 (``hwidth`` 18).
NM_HEADER_LINE = " ".join(
    (f"{'Value':<18}", f"{'Size':<18}", f"{'Type':<5}", f"{'Bind':<5}", "Other", "Shndx   ", "Name")
)
_INDENT = "    "


@dataclass(frozen=True, slots=True)
class Banner:
    """``Loading modules: [ m1 m2 ... ]``."""

    modules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Command:
    """A command line typed at mdb's prompt (the prompt is part of the output)."""

    text: str
    prompt: str = PROMPT


@dataclass(frozen=True, slots=True)
class Value:
    """One line of ``::print`` output."""

    text: str
    member: str | None = None
    depth: int = 0

    @property
    def integer(self) -> int | None:
        """The value as an integer (``0``, ``0x5``, or a pointer before its string)."""
        head = self.text.split(" ", 1)[0]
        return _number(head)

    @property
    def address(self) -> int | None:
        """The pointer of a ``0xADDR "string"`` value (None for NULL and non-pointers)."""
        head, space, _ = self.text.partition(" ")
        return _number(head) if space and head.startswith("0x") else None

    @property
    def string(self) -> str | None:
        """The quoted string after a pointer, unquoted (None when there is none)."""
        _, space, rest = self.text.partition(" ")
        if space and len(rest) >= 2 and rest[0] == '"' and rest[-1] == '"':
            return rest[1:-1]
        return None


@dataclass(frozen=True, slots=True)
class Whatis:
    """``ADDR is ANSWER``: one ``::whatis`` answer."""

    address: int
    answer: str

    def _object_part(self) -> tuple[int, int] | None:
        """``BASE+OFF, `` of ``mdb_whatis_report_object()`` (``%p+%p``: both hex
        without ``0x``), or the address itself when the answer starts with the
        text (``ADDR is allocated from kmem_alloc_128``: ``addr == base``)."""
        head, comma, _ = self.answer.partition(", ")
        base, plus, off = head.partition("+")
        start, delta = _plain_hex(base), _plain_hex(off)
        # base + offset is the address: a hex-named symbol (``add+8``) is not an object
        if (
            comma
            and plus
            and start is not None
            and delta is not None
            and start + delta == self.address
        ):
            return start, delta
        if self.answer.startswith(("allocated from ", "freed from ", "bufctl ")):
            return self.address, 0
        return None

    @property
    def base(self) -> int | None:
        """The start of the kmem/umem buffer (or other object) the address is in."""
        part = self._object_part()
        return part[0] if part else None

    @property
    def cache(self) -> str | None:
        """The kmem/umem cache of ``[bufctl ADDR ](allocated|freed) from CACHE``."""
        for state in (" allocated from ", " freed from "):
            _, sep, tail = (" " + self.answer).rpartition(state)
            name = tail.removesuffix(":")  # ":" then ``bufctl -v`` with KMF_AUDIT
            if sep and name and " " not in name:
                return name
        return None

    def _symbol_part(self) -> tuple[str | None, str, int] | None:
        sym, comma, _ = self.answer.partition(", ")
        if not comma or " " in sym or self._object_part() is not None:
            return None
        module, tick, rest = sym.rpartition("`")
        name, plus, off = rest.partition("+")
        offset = _number(off) if plus else 0
        if not name or offset is None:
            return None
        return (module if tick else None, name, offset)

    @property
    def symbol(self) -> str | None:
        """The symbol the address falls in, when mdb named one."""
        part = self._symbol_part()
        return part[1] if part else None

    @property
    def offset(self) -> int | None:
        """The address's offset into `symbol`, or into the object at `base`."""
        obj = self._object_part()
        if obj is not None:
            return obj[1]
        part = self._symbol_part()
        return part[2] if part else None

    @property
    def module(self) -> str | None:
        """The kernel module of ``in MODULE's SEGMENT segment``."""
        _, sep, tail = self.answer.rpartition(", in ")
        module, apos, _ = tail.partition("'s ")
        return module if sep and apos else None

    @property
    def segment(self) -> str | None:
        """``text``, ``data``... of ``in MODULE's SEGMENT segment``."""
        _, sep, tail = self.answer.rpartition("'s ")
        return tail.removesuffix(" segment") if sep and tail.endswith(" segment") else None


@dataclass(frozen=True, slots=True)
class NmHeader:
    """The heading of ``::nm``'s default table."""


@dataclass(frozen=True, slots=True)
class NmSymbol:
    """One ``::nm`` row: ``Value|Size|Type|Bind|Other|Shndx|Name``."""

    value: int
    size: int
    type: str
    bind: str
    other: int
    shndx: str
    name: str


@dataclass(frozen=True, slots=True)
class StackFrame:
    """One ``$C`` line: frame pointer, ``[module`]function[+0xoff]``, arguments."""

    frame_pointer: int
    function: str
    offset: int | None = None
    module: str | None = None
    args: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Error:
    """``mdb: TEXT``."""

    text: str


@dataclass(frozen=True, slots=True)
class Blank:
    """An empty line."""


@dataclass(frozen=True, slots=True)
class Text:
    """A line of a dcmd hvmdoc does not model (``::status``, ``::panicinfo``...), kept whole."""

    text: str


Record = Banner | Command | Value | Whatis | NmHeader | NmSymbol | StackFrame | Error | Blank | Text


# --------------------------------------------------------------------------- render


def format_integer(value: int) -> str:
    """An integer as ``::print`` shows it: ``0``, else ``0x`` and lowercase hex."""
    return "0" if value == 0 else f"{value:#x}"


def format_string_pointer(address: int | None, text: str | None) -> str:
    """A ``char *`` as ``::print`` shows it: NULL is ``0``, else ``0xADDR "text"``."""
    if not address:
        return "0"
    return f'{address:#x} "{text}"' if text is not None else f"{address:#x}"


def member(name: str, value: int | str, depth: int = 0) -> Value:
    """A struct member line; integers are formatted as ``::print`` does."""
    text = format_integer(value) if isinstance(value, int) else value
    return Value(text, name, depth)


def format_offset(offset: int) -> str:
    """``+OFF`` as mdb's ``%a`` prints it: ``+0x`` hex, but ``+1`` to ``+9`` bare.

    ``iob_addr2str()`` (``mdb_iob.c``) appends ``numtostr(offset, radix,
    NTOS_SIGNPOS | NTOS_SHOWBASE)``, and ``numtostr()`` (``mdb_string.c``)
    shows the base only above 9, hence ``thread_start+8()`` in ``$C``.
    """
    return f"+{offset}" if 0 < offset <= 9 else f"+{offset:#x}"


def whatis_symbol(
    address: int, symbol: str, offset: int, module: str, segment: str = "text"
) -> Whatis:
    """``ADDR is SYMBOL+0xOFF, in MODULE's SEGMENT segment`` (genunix's module callback).

    ``segment`` is ``text``, ``data`` or ``bss`` (kmem.c ``whatis_walk_modctl()``).
    """
    sym = symbol if offset == 0 else symbol + format_offset(offset)
    return Whatis(address, f"{sym}, in {module}'s {segment} segment")


def render_record(record: Record) -> str:
    """The line one record prints as (without newline)."""
    match record:
        case Banner(modules=modules):
            return f"{BANNER_PREFIX} {' '.join(modules)} ]" if modules else f"{BANNER_PREFIX} ]"
        case Command(text=text, prompt=prompt):
            return prompt + text
        case Value(text=text, member=name, depth=depth):
            pad = _INDENT * depth
            return f"{pad}{name} = {text}" if name is not None else pad + text
        case Whatis(address=address, answer=answer):
            return f"{address:x} is {answer}"
        case NmHeader():
            return NM_HEADER_LINE
        case NmSymbol():
            r = record
            return (
                f"0x{r.value:016x}|0x{r.size:016x}|{r.type:<5}|{r.bind:<5}|"
                f"0x{r.other:<3x}|{r.shndx:<8}|{r.name}"
            )
        case StackFrame(frame_pointer=fp, function=function, offset=offset, module=module):
            where = f"{module}`{function}" if module is not None else function
            if offset:
                where += format_offset(offset)
            args = ", ".join(f"{a:x}" for a in record.args)
            return f"{fp:016x} {where}({args})"
        case Error(text=text):
            return _ERROR_PREFIX + text
        case Blank():
            return ""
        case Text(text=text):
            return text
    raise TypeError(f"not an mdb record: {record!r}")  # pragma: no cover


def render(records: Iterable[Record]) -> Iterator[str]:
    """Lines (without newlines) for a stream of records."""
    for record in records:
        yield render_record(record)


# --------------------------------------------------------------------------- parse

_HEX = frozenset("0123456789abcdef")
_HEX_ANY = frozenset("0123456789abcdefABCDEF")
_DIGITS = frozenset("0123456789")
_IDENT = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.$")


def _number(text: str) -> int | None:
    if text.startswith("0x") and len(text) > 2 and _HEX_ANY.issuperset(text[2:]):
        return int(text[2:], 16)
    if text and _DIGITS.issuperset(text):
        return int(text)
    return None


def _plain_hex(text: str) -> int | None:
    return int(text, 16) if text and _HEX.issuperset(text) else None


def parse(lines: Iterable[str], source: str = "<stdin>") -> Iterator[Record]:
    """Records from mdb output, one line at a time (a wrapped banner is joined).

    Raises `ParseError` on a line that is none of the records above, except
    after a command whose dcmd hvmdoc does not model (`free_form`): its output
    lines are `Text`.
    """
    banner: list[str] | None = None
    start = 0
    free = False  # the last command's output is free-form text
    for number, raw in enumerate(lines, 1):
        line = raw[:-1] if raw.endswith("\n") else raw
        if line.endswith("\r"):  # a CRLF file read without universal newlines
            line = line[:-1]
        if banner is not None or line.startswith(BANNER_PREFIX):
            offset = 0 if banner is not None else len(BANNER_PREFIX)
            words = _banner_words(line[offset:], continued=banner is not None)
            if isinstance(words, int):
                expected = _BANNER_EXPECTED
                if banner is not None:
                    expected += f" (the banner of line {start} is still open)"
                raise ParseError(source, number, offset + words + 1, line, expected)
            names, closed = words
            if banner is None:
                banner, start = names, number
            else:
                banner.extend(names)
            if closed:
                yield Banner(tuple(banner))
                banner = None
            continue
        record = _parse_line(line)
        if isinstance(record, Command):
            free = free_form(record.text)
        elif record is None or (free and isinstance(record, Value) and line):
            # A line of a dcmd hvmdoc does not model: ``::status``'s
            # ``debugging crash dump vmcore.0 (64-bit) from ...``.
            if not free or any(ch < " " and ch != "\t" for ch in line):
                raise ParseError(source, number, 1, line, _EXPECTED)
            record = Text(line)
        elif isinstance(record, Whatis) and record.answer.endswith(":"):
            # kmem.c whatis_call_printer()/whatis_print_kmf_lite(): ":" then
            # ``bufctl -v``, ``vmem_seg -v`` or ``recent callers: ...`` (KMF_AUDIT,
            # KMF_LITE, vmem arenas): free text until the next command.
            free = True
        yield record
    if banner is not None:
        raise ParseError(source, start, 1, BANNER_PREFIX, "the banner's closing ' ]'")


#: The dcmds whose output `parse` reads as records: ``::print`` (and ``::walk``'s
#: bare addresses), ``::whatis``, ``::nm``, ``$C``/``$c``/``::stack``.
_MODELLED = frozenset({"print", "walk", "whatis", "nm", "stack", "stackregs", "$C", "$c"})


def free_form(command: str) -> bool:
    """Whether a command's output is free text to `parse`: its (last) dcmd is
    not one hvmdoc models (``::status``, ``::panicinfo``, ``::msgbuf``...,
    and ``::print -t``).

    An empty command (mdb repeats the last one), and text that names no dcmd,
    keep the output strict.
    """
    stage = command.rpartition("|")[2].strip()
    colons = stage.find("::")
    if colons >= 0:
        words = stage[colons + 2 :].split()
        if not words:
            return False
        # ``::print -t`` puts each member's type before its name
        # (``char *zone_name = ...``), which `Value` does not model.
        typed = words[0] == "print" and any(w.startswith("-") and "t" in w for w in words[1:])
        return typed or words[0] not in _MODELLED
    dollar = stage.find("$")
    if dollar >= 0 and len(stage) > dollar + 1:
        return stage[dollar : dollar + 2] not in _MODELLED and stage[dollar + 1] != "q"
    return False


#: A kernel module's name as ``module_load()`` prints it (``modctl``'s
#: ``mod_modname``: ``unix``, ``cpu.generic``, ``mr_sas``), or the seed's ``...``.
_MODULE_NAME = re.compile(r"[A-Za-z0-9_.-]+")
_WORD = re.compile(r"\S+")
_BANNER_EXPECTED = "a kernel module name or the banner's closing ' ]'"


def _banner_words(text: str, *, continued: bool) -> tuple[list[str], bool] | int:
    """The module names on one banner line and whether it ends with the closing
    ``]``; else the 0-based column of the first word that is neither.

    A banner that wraps (``mdb_iob`` wraps at the terminal's width) continues
    with module names only: anything else, an empty line too, means the banner
    was cut short.
    """
    names: list[str] = []
    found = list(_WORD.finditer(text))
    if continued and not found:
        return 0
    for index, match in enumerate(found):
        word = match.group()
        if word == "]" and index == len(found) - 1:
            return names, True
        if not _MODULE_NAME.fullmatch(word):
            return match.start()
        names.append(word)
    return names, False


_EXPECTED = (
    "an mdb line (banner, '> ' command, ::print value, ::whatis, ::nm, $C frame, mdb: error)"
)


def _parse_line(line: str) -> Record | None:
    if not line:
        return Blank()
    if any(ch < " " and ch != "\t" for ch in line):
        return None
    if line.startswith(PROMPT):
        return Command(line[len(PROMPT) :])
    if line.startswith(_ERROR_PREFIX):
        return Error(line[len(_ERROR_PREFIX) :])
    if line.rstrip() == NM_HEADER_LINE.rstrip():
        return NmHeader()
    if line.startswith("0x") and "|" in line:
        row = _parse_nm(line)
        if row is not None:  # else a value such as 0xADDR "a|b"
            return row
    head, space, rest = line.partition(" ")
    if space and rest.startswith("is "):
        address = _plain_hex(head)
        if address is not None and rest[3:]:
            return Whatis(address, rest[3:])
    if space and len(head) == 16 and rest.endswith(")") and "(" in rest:
        frame = _parse_stack_frame(head, rest)
        if frame is not None:
            return frame
    return _parse_value(line)


def _parse_nm(line: str) -> NmSymbol | None:
    parts = line.split("|", 6)
    if len(parts) != 7:
        return None
    value, size, type_, bind, other, shndx, name = parts
    v, s, o = _number(value), _number(size), _number(other.rstrip())
    if v is None or s is None or o is None or not other.startswith("0x"):
        return None
    record = NmSymbol(v, s, type_.rstrip(), bind.rstrip(), o, shndx.rstrip(), name)
    return record if render_record(record) == line else None


def _parse_stack_frame(head: str, rest: str) -> StackFrame | None:
    fp = _plain_hex(head)
    where, _, args_text = rest[:-1].partition("(")
    if fp is None or not where or " " in where:
        return None
    args: list[int] = []
    if args_text:
        for arg in args_text.split(", "):
            value = _plain_hex(arg)
            if value is None:
                return None
            args.append(value)
    module, tick, symbol = where.rpartition("`")
    function, plus, off = symbol.partition("+")
    offset = _number(off) if plus else None
    if not function or (plus and (offset is None or not offset)):
        return None
    frame = StackFrame(fp, function, offset, module if tick else None, tuple(args))
    return frame if render_record(frame) == f"{head} {rest}" else None


def _parse_value(line: str) -> Value | None:
    stripped = line.lstrip(" ")
    lead = len(line) - len(stripped)
    if lead % 4 or not stripped or stripped != stripped.rstrip(" ") or "\t" in line:
        return None
    name, eq, text = stripped.partition(" = ")
    if eq and name and _IDENT.issuperset(name.replace("->", "").replace("[", "").replace("]", "")):
        return Value(text, name, lead // 4) if text else None
    if stripped in _NESTING or (not lead and _is_value_text(stripped)):
        return Value(stripped, None, lead // 4)
    return None


#: The unnamed lines of a nested ``::print``: ``print_sou()``'s ``{`` (``{ ... }``
#: at the depth limit), ``print_close_sou()``'s ``}`` (``},`` for an array
#: element), and ``print_array()``'s ``[``, ``]`` and ``... ]`` around arrays of structs.
_NESTING = frozenset({"{", "{ ... }", "}", "},", "[", "]", "... ]"})
#: ``iob_time2str()`` in ``mdb_io.c``: a ``time_t`` as ``1986 Sep 13 00:00:00``.
_TIME = re.compile(r"\d{4} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d")
#: ``doubletos(value, 7, 'e')``: a float or double.
_FLOAT = re.compile(r"-?\d\.\d+e[+-]\d+")
#: ``%a``: ``[module`]symbol[+-0xoffset]``.
_SYMBOL = re.compile(r"(?:[\w.$-]+`)?[A-Za-z_.$][\w.$]*(?:[+-](?:0x[0-9a-f]+|[1-9]))?", re.ASCII)


def _is_number(text: str) -> bool:
    return _number(text.removeprefix("-")) is not None


def _is_value_text(text: str) -> bool:
    """Whether ``::print`` prints ``text`` as a whole, unnamed value.

    The forms of ``mdb_print.c`` (``print_int_val()``, ``print_ptr()``,
    ``print_array()``, ``print_enum()``, ``print_float()``, ``print_tag()``) and
    of ``::walk`` (``%lr``, bare hex): an integer (``0``, ``0x5``, ``-1`` with
    ``-d``), a pointer (``0``, ``0xADDR``, ``symbol+0xoff``) optionally followed
    by its string (``0xADDR "SmartOS KVM"``), an enum value and its name
    (``0x1 (B_TRUE)``), a char (``'A'``), a ``time_t`` (``2018 Mar 20 17:04:11``),
    a float (``1.0000000e+00``), an array (``[ "text" ]``, ``[ 0x1, 0x2 ]``,
    ``[ ... ]``), a struct's braces, a quoted string, ``...`` (varargs) and
    ``??? (ERROR)``.
    """
    if text in _NESTING or text == "...":
        return True
    if text.startswith("[ ") and (text.endswith(" ]") or text.startswith("[ ??? ] (")):
        return True
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return len(text) <= 6 if text[0] == "'" else True  # a char is 'A' or '\\377'
    if text.startswith(("??? (", "; <forward declaration of ")) or _TIME.fullmatch(text):
        return True
    head, space, rest = text.partition(" ")
    if not space:
        return (
            _is_number(head)
            or _plain_hex(head) is not None
            or _FLOAT.fullmatch(head) is not None
            or _SYMBOL.fullmatch(head) is not None
        )
    if len(rest) >= 2 and rest[0] == '"' and rest[-1] == '"':  # a char * and its string
        return _is_number(head) or _SYMBOL.fullmatch(head) is not None
    if len(rest) >= 3 and rest[0] == "(" and rest[-1] == ")":  # an enum and its name
        return _is_number(head)
    return False
