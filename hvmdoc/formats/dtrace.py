"""What ``dtrace(1M)`` prints, as records, and back.

Records (frozen dataclasses; field names are public API):

- `Description` ``(text, matched, kind="description")`` --
  ``dtrace: description 'TEXT' matched N probe(s)``. ``text`` keeps what dtrace
  quotes exactly, including the trailing space before ``{`` (as in the seed).
- `Message` ``(text)`` -- any other ``dtrace: TEXT`` line, e.g.
  ``allowing destructive actions`` or an error.
- `Header` ``()`` -- the ``CPU     ID                    FUNCTION:NAME`` line.
- `Firing` ``(cpu, id, function, name, data="")`` -- one probe firing:
  ``%3d %6d %32s `` then whatever the actions printed on the same line (``data``).
- `Frame` ``(module=None, function=None, offset=None, address=None,
  annotation=None)`` -- one ``stack()``/``ustack()`` frame in any of its forms:
  ``module`func+0xoff``, ``module`func``, ``module`0xaddr``, bare ``0xaddr``,
  and the hand-annotated ``0xaddr (func+0xoff)`` of the seed (address *and*
  function set); ``annotation`` is the ``[ TEXT ]`` line a ustack helper's
  ``@TEXT`` string prints under its frame.
- `Stack` ``(frames, count=None, indent=14)`` -- the frames of one
  ``stack()`` (leaf first, as printed); ``count`` is set when an aggregation
  (``@[stack()] = count()``) closes the stack with its value.
- `Blank` ``()`` -- an empty line; `Interrupt` ``()`` -- the ``^C``
  the terminal echoes when dtrace is stopped.
- `Text` ``(text)`` -- any other line, kept whole (leading spaces
  included): what ``printf()``/``trace()`` print under ``-q`` or on lines of
  their own, and the rows of aggregations keyed by something other than a
  stack (``@[probefunc] = count()``). Only binary data (control characters)
  is a `ParseError`.

Sources (illumos-gate):

- ``usr/src/cmd/dtrace/dtrace.c``: ``chew()`` prints the heading with
  ``"%3s %6s %32s\\n"`` ("CPU", "ID", "FUNCTION:NAME") and each firing with
  ``"%3d %6d %32s "`` (note the trailing space; the record's output follows it);
  ``main()`` prints ``"dtrace: %s '%s' matched %u probe%s\\n"`` with
  ``dc_desc`` ("description" for ``-n``, "script" for ``-s``) and
  ``dtrace: allowing destructive actions`` under ``-w``.
- ``usr/src/lib/libdtrace/common/dt_consume.c``: ``dt_print_stack()`` prints a
  newline, then each frame indented by ``_dtrace_stkindent`` (14) spaces as
  ``%s`%s+0x%llx`` (symbol and offset), ``%s`%s`` (offset 0), ``%s`0x%llx``
  (module known, symbol not) or ``0x%llx``; ``dt_print_aggs()`` /
  ``dt_print_datum()`` close each aggregated stack with its count
  (``" %*lld"``, 16 wide after the space: 17 columns in all);
  ``dt_print_ustack()`` prints a helper's string that begins with ``@`` as an
  annotation on the next line: the indent, then ``"  [ %s ]"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from hvmdoc.formats.errors import ParseError

__all__ = [
    "DESTRUCTIVE",
    "HEADER_LINE",
    "STACK_INDENT",
    "Blank",
    "Description",
    "Firing",
    "Frame",
    "Header",
    "Interrupt",
    "Message",
    "Record",
    "Stack",
    "Text",
    "allowing_destructive",
    "description_text",
    "invalid_probe_specifier",
    "no_match_reason",
    "parse",
    "parse_frame",
    "render",
    "render_count",
    "render_firing",
    "render_frame",
    "render_record",
]

#: ``_dtrace_stkindent`` in libdtrace (dt_open.c): frames are indented 14 spaces.
STACK_INDENT = 14
#: ``chew()`` in dtrace.c: ``"%3s %6s %32s\n", "CPU", "ID", "FUNCTION:NAME"``.
HEADER_LINE = f"{'CPU':>3} {'ID':>6} {'FUNCTION:NAME':>32}"
#: Printed by dtrace.c when ``-w`` (destructive actions) is given.
DESTRUCTIVE = "allowing destructive actions"
#: Width of an aggregated count after its leading space (``" %16lld"``-like).
COUNT_WIDTH = 16
_PREFIX = "dtrace: "


@dataclass(frozen=True, slots=True)
class Description:
    """``dtrace: description 'TEXT' matched N probes`` (``probe`` when N is 1)."""

    text: str
    matched: int
    kind: str = "description"


@dataclass(frozen=True, slots=True)
class Message:
    """Any other line dtrace starts with ``dtrace: `` (notices and errors)."""

    text: str


@dataclass(frozen=True, slots=True)
class Header:
    """The ``CPU     ID                    FUNCTION:NAME`` heading of probe output."""


@dataclass(frozen=True, slots=True)
class Firing:
    """One probe firing line: CPU, probe ID, ``function:name``, then action output."""

    cpu: int
    id: int
    function: str
    name: str
    data: str = ""


@dataclass(frozen=True, slots=True)
class Frame:
    """One stack frame.

    | printed | fields set |
    | --- | --- |
    | ``genunix`cdev_ioctl+0x39`` | module, function, offset |
    | ``genunix`cdev_ioctl`` | module, function (offset None) |
    | ``unix`0xfffffffffb800c91`` | module, address |
    | ``0xfffffffff82aec97`` | address |
    | ``0xfffffffff82aec97 (vmmdev_mod_incr+0x37)`` | address, function, offset |

    The last form is not dtrace's own: the seed's author filled in names dtrace
    could not resolve with mdb's ``::whatis`` (``hvmdoc symbolize`` does the same).
    """

    module: str | None = None
    function: str | None = None
    offset: int | None = None
    address: int | None = None
    annotation: str | None = None

    @property
    def annotated(self) -> bool:
        """True for the hand-annotated ``0xaddr (func+0xoff)`` form."""
        return self.address is not None and self.function is not None


@dataclass(frozen=True, slots=True)
class Stack:
    """The frames of one ``stack()``/``ustack()``, leaf first; ``count`` closes an aggregation."""

    frames: tuple[Frame, ...]
    count: int | None = None
    indent: int = STACK_INDENT


@dataclass(frozen=True, slots=True)
class Blank:
    """An empty line."""


@dataclass(frozen=True, slots=True)
class Interrupt:
    """``^C``: the terminal's echo of the interrupt that stopped dtrace."""


@dataclass(frozen=True, slots=True)
class Text:
    """A line of free text: ``printf()``/``trace()`` output, an aggregation row."""

    text: str


Record = Description | Message | Header | Firing | Stack | Blank | Interrupt | Text


# --------------------------------------------------------------------------- render


def allowing_destructive() -> Message:
    """The notice dtrace prints for ``-w``."""
    return Message(DESTRUCTIVE)


def description_text(program: str) -> str:
    """What dtrace quotes for ``-n PROGRAM``: cut at the first ``{``, ``/`` or ``;``.

    dtrace.c ``compile_str()`` crops ``dc_arg`` with ``strpbrk(..., "{/;")``,
    which is why the seed's description keeps the space before ``{``.
    """
    cut = min((i for i in (program.find(c) for c in "{/;") if i >= 0), default=len(program))
    return program[:cut]


def invalid_probe_specifier(program: str, reason: str) -> Message:
    """``dtrace: invalid probe specifier PROGRAM: REASON`` (``compile_str()``'s ``dfatal``)."""
    return Message(f"invalid probe specifier {program}: {reason}")


def no_match_reason(provider: str, module: str, function: str, name: str) -> str:
    """libdtrace's ``probe description P:M:F:N does not match any probes`` (dt_cc.c)."""
    return f"probe description {provider}:{module}:{function}:{name} does not match any probes"


def render_frame(frame: Frame) -> str:
    """A frame as dtrace (or, for the annotated form, the seed's author) prints it."""
    prefix = f"{frame.module}`" if frame.module is not None else ""
    if frame.function is not None:
        symbol = frame.function if frame.offset is None else f"{frame.function}+{frame.offset:#x}"
        if frame.address is not None:
            return f"{prefix}{frame.address:#x} ({symbol})"
        return prefix + symbol
    if frame.address is None:
        raise ValueError("a frame needs a function or an address")
    return f"{prefix}{frame.address:#x}"


def render_firing(firing: Firing) -> str:
    """``%3d %6d %32s `` (dtrace.c ``chew()``) followed by the action output."""
    probe = f"{firing.function}:{firing.name}"
    return f"{firing.cpu:>3} {firing.id:>6} {probe:>32} {firing.data}"


def render_count(count: int) -> str:
    """The line that closes an aggregated stack with its value."""
    return f" {count:>{COUNT_WIDTH}}"


def render_record(record: Record) -> Iterator[str]:
    """The lines (without newlines) one record prints as."""
    match record:
        case Description(text=text, matched=matched, kind=kind):
            plural = "" if matched == 1 else "s"
            yield f"{_PREFIX}{kind} '{text}' matched {matched} probe{plural}"
        case Message(text=text):
            yield _PREFIX + text
        case Header():
            yield HEADER_LINE
        case Firing():
            yield render_firing(record)
        case Stack(frames=frames, count=count, indent=indent):
            pad = " " * indent
            for frame in frames:
                yield pad + render_frame(frame)
                if frame.annotation is not None:
                    yield f"{pad}  [ {frame.annotation} ]"
            if count is not None:
                yield render_count(count)
        case Blank():
            yield ""
        case Interrupt():
            yield "^C"
        case Text(text=text):
            yield text


def render(records: Iterable[Record]) -> Iterator[str]:
    """Lines (without newlines) for a stream of records."""
    for record in records:
        yield from render_record(record)


# --------------------------------------------------------------------------- parse

_HEX = frozenset("0123456789abcdefABCDEF")
#: What no dtrace output holds: control characters but tab and escape, and DEL.
#: (Undecoded bytes, U+FFFD after a lenient decode, can be a process's name.)
_BINARY = re.compile("[\x00-\x08\x0a-\x1a\x1c-\x1f\x7f]")
_DIGITS = frozenset("0123456789")


def _hex_value(text: str) -> int | None:
    """``int(text, 16)`` for ``0x`` + hex digits, else None."""
    if len(text) > 2 and text[0] == "0" and text[1] in "xX" and _HEX.issuperset(text[2:]):
        return int(text[2:], 16)
    return None


def parse_frame(text: str) -> Frame | None:
    """A frame from its printed text (without indentation), or None if it is none."""
    if not text or text != text.strip() or "\t" in text:
        return None
    if text.endswith(")") and " (" in text:
        head, _, inner = text.partition(" (")
        module, tick, rest = head.rpartition("`")
        address = _hex_value(rest)
        symbol = _symbol(inner[:-1])
        if address is not None and symbol is not None and (not tick or _name_ok(module)):
            return Frame((tick and module) or None, symbol[0], symbol[1], address)
    module, tick, rest = text.partition("`")
    if not tick:
        module, rest = "", text
    elif not _name_ok(module):
        return None
    address = _hex_value(rest)
    if address is not None:
        return Frame(module or None, None, None, address)
    symbol = _symbol(rest)
    if symbol is None:
        return None
    return Frame(module or None, symbol[0], symbol[1], None)


def _name_ok(name: str) -> bool:
    return bool(name) and " " not in name and "`" not in name


def _symbol(text: str) -> tuple[str, int | None] | None:
    """``func+0xoff`` -> (func, off); ``func`` -> (func, None)."""
    at = text.rfind("+0x")
    if at > 0:
        offset = _hex_value(text[at + 1 :])
        if offset is not None:
            function = text[:at]
            return (function, offset) if "`" not in function else None
    if not text or "`" in text or (text.startswith(("0x", "0X")) and _hex_value(text) is not None):
        return None
    return (text, None)


def _parse_firing(line: str) -> Firing | None:
    parts = line.split(None, 2)
    if len(parts) < 3 or not _DIGITS.issuperset(parts[0]) or not _DIGITS.issuperset(parts[1]):
        return None
    if not parts[0] or not parts[1]:
        return None
    rest = parts[2]
    probe, _, data = rest.partition(" ")
    function, colon, name = probe.partition(":")
    if not colon or ":" in name:
        return None
    # Rebuild to check the spacing is dtrace's own (``%3d %6d %32s ``).
    firing = Firing(int(parts[0]), int(parts[1]), function, name, data)
    rendered = render_firing(firing)
    if rendered != line and rendered.rstrip(" ") != line:
        return None
    return firing


def parse(lines: Iterable[str], source: str = "<stdin>") -> Iterator[Record]:
    """Records from dtrace output, one line at a time (memory bounded by one stack).

    Lines may end in ``\\n`` (it is dropped). A firing line's trailing space may
    be missing (editors strip it). A line that is nothing else is `Text`;
    `ParseError` is for binary data only.
    """
    frames: list[Frame] = []
    indent = 0
    for number, raw in enumerate(lines, 1):
        line = raw[:-1] if raw.endswith("\n") else raw
        if line.endswith("\r"):
            line = line[:-1]
        binary = _BINARY.search(line)
        if binary is not None:
            column = binary.start() + 1
            raise ParseError(source, number, column, line, "text (dtrace output), not binary data")
        stripped = line.lstrip(" ")
        lead = len(line) - len(stripped)
        if lead and stripped:
            if _DIGITS.issuperset(stripped):
                yield Stack(tuple(frames), int(stripped), indent or STACK_INDENT)
                frames = []
                indent = 0
                continue
            if frames and lead == indent + 2 and frames[-1].annotation is None:
                note = _annotation(stripped)
                if note is not None:
                    frames[-1] = replace(frames[-1], annotation=note)
                    continue
            firing = _parse_firing(line) if stripped[0].isdigit() else None
            if firing is None:
                # dtrace indents every frame alike and never prints two spaces
                # inside one; anything else indented is printf text or an
                # aggregation row ("  hvm_excl_hold        2").
                frame = None if "  " in stripped else parse_frame(stripped)
                if frame is not None and not frames and _weak(frame):
                    frame = None  # a quantize() row ("1 |@@@@ 3"), not a stack's first frame
                if frame is not None:
                    if frames and lead != indent:  # indented otherwise: another stack
                        yield Stack(tuple(frames), None, indent)
                        frames = []
                    indent = lead
                    frames.append(frame)
                    continue
        if frames:
            yield Stack(tuple(frames), None, indent)
            frames = []
            indent = 0
        yield _parse_other(line, stripped, source, number)
    if frames:
        yield Stack(tuple(frames), None, indent)


def _weak(frame: Frame) -> bool:
    """A frame that is words of text: no ``module`...``, no address, a space inside.

    dt_print_stack() and dt_print_ustack() print every resolved frame with its
    module; only a ustack helper's string (``<< internal code >>``) has none
    and may hold spaces, and it sits among the frames of a stack. Such text
    never starts a stack: it is a ``quantize()`` row (``1 |@@@@ 3``) or printf.
    """
    return frame.module is None and frame.address is None and " " in (frame.function or "")


def _annotation(stripped: str) -> str | None:
    """``[ TEXT ]`` -> TEXT (a ustack helper's ``@TEXT``), else None."""
    if len(stripped) >= 4 and stripped.startswith("[ ") and stripped.endswith(" ]"):
        return stripped[2:-2]
    return None


def _parse_other(line: str, stripped: str, source: str, number: int) -> Record:
    if not line:
        return Blank()
    if line == "^C":
        return Interrupt()
    if line.rstrip(" ") == HEADER_LINE:
        return Header()
    if line.startswith(_PREFIX):
        return _parse_message(line[len(_PREFIX) :])
    firing = _parse_firing(line) if stripped[:1].isdigit() else None
    if firing is not None:
        return firing
    return Text(line)


def _parse_message(text: str) -> Record:
    for kind in ("description", "script"):
        head = f"{kind} '"
        if text.startswith(head):
            quoted, sep, tail = text[len(head) :].rpartition("' matched ")
            count, space, word = tail.partition(" ")
            if sep and space and _DIGITS.issuperset(count) and count:
                expected = "probe" if int(count) == 1 else "probes"
                record = Description(quoted, int(count), kind)
                if word == expected and str(int(count)) == count:
                    return record
    return Message(text)
