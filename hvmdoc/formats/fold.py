"""Fold DTrace stacks into the one-line-per-stack format flame graphs read.

``stackcollapse.pl`` from Brendan Gregg's FlameGraph repository
(``brendangregg/FlameGraph``, ``stackcollapse.pl`` at HEAD, last changed in
9053353) turns ``@[stack()] = count()`` output into lines
``root;caller;...;leaf COUNT``, sorted bytewise, counts of equal stacks summed.
This module does the same, byte for byte on that script's own kind of input,
working on ``bytes`` exactly as Perl does on an undecoded file:

- a line that is only ASCII digits after leading whitespace (Perl ``\\s``:
  space, ``\\t``, ``\\n``, ``\\r``, ``\\f``, ``\\v``) closes the stack with that count;
- a blank line is skipped (it does not close an aggregated stack);
- a frame loses its leading whitespace and, unless ``offsets`` is set, everything
  from its last ``+``; a ``(`` or ``<`` after a ``::`` cuts C++ arguments; an
  empty frame becomes ``-``; ``->`` splits inlined frames (later ones get
  ``_[i]``), ``;`` becomes ``:`` and a leading ``L`` is dropped (Java);
- with ``offsets`` (the script's ``$includeoffset``) offsets stay, except the
  leaf's.

Where the script would mangle its input, this module does what the input means:

- **Headers.** The script skips the first three lines whatever they are. Here
  the lines dtrace itself prints are recognised and skipped wherever they are:
  ``dtrace: ...`` messages, the ``CPU ID FUNCTION:NAME`` heading, probe-firing
  lines (``%3d %6d %32s``) and ``^C``. On the usual input (heading, firing
  line, blank) that is the same; input without a heading keeps its first frames.
- **Probe firings.** ``dtrace -n '...{ stack() }'`` prints no counts; the
  script would fold nothing. A stack that starts right after a firing line and
  ends at a blank line, another firing line, an unindented line or the end of
  input counts once.
- **Unindented lines.** ``dt_print_stack()`` (libdtrace's dt_consume.c)
  indents every frame by the ``stackindent`` option, 14 spaces by default. A
  line that starts in column 1 and is none of the above (``printf()`` output,
  a ``printa()`` key) is therefore no frame: it ends the stack being gathered
  and is skipped, where the script would fold it in as a frame. (Frames
  printed with ``-x stackindent=0`` are unindented too, and fold to nothing.)
- **Annotated frames.** The seed's ``0xfffffffff82aec97 (vmmdev_mod_incr+0x37)``
  (an address dtrace could not name, annotated by hand from mdb's ``::whatis``)
  would become ``0xfffffffff82aec97 (vmmdev_mod_incr`` -- address kept, name
  cut. Here it folds as the frame dtrace would have printed had it resolved
  the symbol: ``vmmdev_mod_incr`` (``vmmdev_mod_incr+0x37`` with offsets); a
  module before the address (``vmm`0x... (f+0x1)``) is kept (``vmm`f``). The
  annotation names no module, so none is invented.
- **Helper annotations.** ``ustack()`` prints a ustack helper's ``@TEXT``
  string as ``[ TEXT ]`` on a line under its frame (``dt_print_ustack()`` in
  libdtrace's dt_consume.c); the script would fold it as a frame of its own.
  Here it is skipped: it describes the frame above, it is not a caller.
- **Leaf offset.** With offsets the script strips from the last ``+`` of the
  whole joined stack, which drops a leaf that has no offset (``unix`0xfff...``)
  together with the frame before it; here only the leaf's own offset goes.
- **Line ends.** Perl's ``chomp`` removes only the ``\\n``: in a CRLF file the
  script reads no count (``3\\r`` is not all digits) and folds nothing. Here
  ``\\r\\n`` ends a line (so does a ``\\r`` ending a line given without its
  ``\\n``), and a CRLF file folds as its LF form does.

Memory grows with the number of distinct stacks, not with the size of the
input. Besides the counts, it holds:

- a cache of the lines already classified, since frames repeat a lot: about
  8 MiB at most, of lines up to 1 KiB that are not unindented text (longer
  lines are mostly probe firings with data, unindented ones ``printf()``
  output; neither repeats much);
- the stack being gathered, which ends at its count, at a probe-firing line
  or at an unindented line. A stack that gathers more than 65 536 frames, or
  more than about 8 MiB of frames that are not in the cache, is not one dtrace
  printed (dtrace.c's ``stackframes`` and ``ustackframes`` default to 20
  frames): it is dropped, where the script would keep growing it, and count
  it should a count ever come.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from hvmdoc.formats.errors import ParseError

__all__ = ["fold", "fold_bytes", "fold_stream", "folded_lines", "format_folded", "frame_names"]

#: Perl's ``\s`` on an undecoded string (no Unicode rules): ASCII whitespace.
_WS = b" \t\n\r\f\v"
_HEX = frozenset(b"0123456789abcdefABCDEF")
#: Lines longer than this are not cached (nor is unindented text): frames
#: repeat a lot, probe firings with data and printf output seldom do.
_CACHE_LINE_MAX = 1024
#: What the line cache may hold: each line costs twice its length (the line
#: and its folded names) plus about `_ENTRY_COST` bytes of Python objects.
_CACHE_BYTES = 8 << 20
_ENTRY_COST = 128
#: Most frames one stack may gather before a count or a firing ends it, and
#: most bytes its uncached frames may take (counted as in the cache): far
#: beyond any stack dtrace prints, so only other input reaches them (the
#: stack is then dropped).
_STACK_FRAMES = 1 << 16
_STACK_BYTES = 8 << 20

_BLANK = "blank"
_SKIP = "skip"
_FIRING = "firing"
_BINARY = "binary"
_TEXT = "text"

Stack = tuple[tuple[bytes, ...], ...]


def _annotated(frame: bytes) -> bytes | None:
    """``[mod`]0xADDR (sym+0xoff)`` -> ``[mod`]sym+0xoff``; None for other frames."""
    head, sep, inner = frame.partition(b" (")
    if not sep or not inner.endswith(b")") or len(inner) < 2:
        return None
    module, tick, address = head.rpartition(b"`")
    if not (address[:2] in (b"0x", b"0X") and len(address) > 2 and _HEX.issuperset(address[2:])):
        return None
    symbol = inner[:-1]
    if b" " in symbol or b"(" in symbol:
        return None
    return module + tick + symbol if tick else symbol


def frame_names(frame: bytes, offsets: bool = False) -> tuple[bytes, ...]:
    """The folded name(s) of one frame line's text (leading whitespace allowed)."""
    frame = frame.lstrip(_WS)
    if frame.endswith(b")"):
        annotated = _annotated(frame)
        if annotated is not None:
            frame = annotated
    if not offsets:
        plus = frame.rfind(b"+")
        if plus >= 0:
            frame = frame[:plus]
    cxx = frame.find(b"::")
    if cxx >= 0:
        cut = max(frame.rfind(b"("), frame.rfind(b"<"))
        if cut >= cxx + 2:
            frame = frame[:cut]
    if not frame:
        frame = b"-"
    if b"->" not in frame and b";" not in frame and not frame.startswith(b"L"):
        return (frame,)
    parts = frame.split(b"->")
    while parts and not parts[-1]:  # Perl's split drops trailing empty fields
        parts.pop()
    names: list[bytes] = []
    for func in parts:
        func = func.replace(b";", b":")
        if func.startswith(b"L"):
            func = func[1:]
        names.append(func + b"_[i]" if names else func)
    return tuple(names)


def _is_firing(text: bytes) -> bool:
    parts = text.split(None, 2)
    return (
        len(parts) == 3
        and parts[0].isdigit()
        and parts[1].isdigit()
        and b":" in parts[2].split(b" ", 1)[0]
    )


def _classify(line: bytes, offsets: bool) -> object:
    if b"\0" in line:
        return _BINARY
    body = line[:-1] if line.endswith(b"\n") else line
    if body.endswith(b"\r"):  # CRLF: a transcript saved on Windows, or split at LF only
        body = body[:-1]
    text = body.lstrip(_WS)
    if not text:
        return _BLANK
    if text.isdigit():
        return int(text)
    if text[0] in b"0123456789" and text.find(b" ") > 0 and _is_firing(text):
        return _FIRING
    if body.startswith((b"dtrace: ", b"CPU ")) and (
        body.startswith(b"dtrace: ") or b"FUNCTION" in body
    ):
        return _SKIP
    if body == b"^C":
        return _SKIP
    if text[:2] == b"[ " and text.rstrip(_WS)[-2:] == b" ]":
        return _SKIP  # a ustack helper's annotation of the frame above: no frame itself
    if len(text) == len(body):
        return _TEXT  # dt_print_stack() indents every frame: this is other output
    return frame_names(text, offsets)


def fold(lines: Iterable[str], source: str = "<stdin>", *, offsets: bool = False) -> dict[str, int]:
    """Folded stack -> summed count, from dtrace output lines (newlines optional).

    Text is folded as its UTF-8 bytes (undecodable characters kept via
    ``surrogateescape``), so the result matches `fold_bytes` on the file.
    """
    encoded = (line.encode("utf-8", "surrogateescape") for line in lines)
    folded = fold_bytes(encoded, source, offsets=offsets)
    return {key.decode("utf-8", "surrogateescape"): count for key, count in folded.items()}


def format_folded(folded: dict[str, int]) -> Iterator[str]:
    """``STACK COUNT`` lines (no newline), sorted bytewise like `folded_lines`."""
    for key in sorted(folded, key=lambda k: k.encode("utf-8", "surrogateescape")):
        yield f"{key} {folded[key]}"


def fold_bytes(
    lines: Iterable[bytes], source: str = "<stdin>", *, offsets: bool = False
) -> dict[bytes, int]:
    """Folded stack -> summed count, from dtrace output lines as bytes.

    Raises `ParseError` on binary input (a NUL byte), the one thing
    that cannot be dtrace output; anything else folds as ``stackcollapse.pl`` would.
    """
    cache: dict[bytes, object] = {}
    get = cache.get
    missing = object()
    room = _CACHE_BYTES  # what the cache may still take
    deepest = _STACK_FRAMES
    counts: dict[Stack, int] = {}
    stack: list[tuple[bytes, ...]] = []
    uncached = 0  # what the pending stack's frames that are not in the cache take
    dropped = False  # the pending stack outgrew _STACK_FRAMES or _STACK_BYTES
    from_firing = False  # the pending stack began right after a probe-firing line
    after_firing = False  # the previous line was a probe-firing line
    for number, line in enumerate(lines, 1):
        kind = get(line, missing)
        if kind is missing:
            kind = _classify(line, offsets)
            size = len(line)
            if size <= _CACHE_LINE_MAX and room > 0 and kind is not _TEXT:
                cache[line] = kind
                room -= 2 * size + _ENTRY_COST
            elif kind.__class__ is tuple:
                uncached += 2 * size + _ENTRY_COST
                if uncached > _STACK_BYTES:
                    stack, uncached, dropped = [], 0, True
        if kind.__class__ is tuple:
            if not stack:  # only a firing line sets after_firing, and it empties the stack
                from_firing = after_firing
                after_firing = False
            elif len(stack) >= deepest:
                stack, uncached, dropped = [], 0, True
            stack.append(kind)
            continue
        if kind.__class__ is int:
            if not dropped:
                key = tuple(stack)
                counts[key] = counts.get(key, 0) + kind
            stack, uncached, dropped = [], 0, False
            from_firing = after_firing = False
            continue
        if kind is _BLANK:
            if from_firing and stack:
                if not dropped:
                    key = tuple(stack)
                    counts[key] = counts.get(key, 0) + 1
                stack, uncached, dropped = [], 0, False
            from_firing = after_firing = False
        elif kind is _BINARY:
            text = line.decode("utf-8", "replace").rstrip("\n")
            column = line.index(b"\0") + 1
            raise ParseError(source, number, column, text, "text (dtrace output), not binary data")
        elif kind is _FIRING or kind is _TEXT:
            # Either ends the pending stack: a firing's stack counts once.
            if from_firing and stack and not dropped:
                key = tuple(stack)
                counts[key] = counts.get(key, 0) + 1
            stack, uncached, dropped = [], 0, False
            from_firing = False
            after_firing = kind is _FIRING
    if from_firing and stack and not dropped:
        key = tuple(stack)
        counts[key] = counts.get(key, 0) + 1
    return _join(counts, offsets)


def _join(counts: dict[Stack, int], offsets: bool) -> dict[bytes, int]:
    merged: dict[bytes, int] = {}
    for key, count in counts.items():
        names = [name for frame in reversed(key) for name in frame]
        if offsets and names:
            leaf = names[-1]
            plus = leaf.rfind(b"+")
            if plus >= 0:
                names[-1] = leaf[:plus]
        joined = b";".join(names)
        merged[joined] = merged.get(joined, 0) + count
    return merged


def folded_lines(folded: dict[bytes, int]) -> Iterator[bytes]:
    """``STACK COUNT\\n`` lines, sorted bytewise as Perl's ``sort { $a cmp $b }``."""
    for key in sorted(folded):
        yield b"%s %d\n" % (key, folded[key])


def fold_stream(source: BinaryIO, out: BinaryIO, offsets: bool = False) -> None:
    """Fold a binary stream of dtrace output onto a binary output stream."""
    name = getattr(source, "name", "<stdin>")
    out.writelines(folded_lines(fold_bytes(source, str(name), offsets=offsets)))
