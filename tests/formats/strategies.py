"""Hypothesis strategies for records of each format, within what the tools print."""

from __future__ import annotations

import string

from hypothesis import strategies as st

from hvmdoc.formats import dtrace, mdb, vmadm

IDENT = st.from_regex(r"[a-z_][a-z0-9_]{0,20}", fullmatch=True)
MODULE = st.from_regex(r"[a-z][a-z0-9_.]{0,12}", fullmatch=True)
WORD = st.from_regex(r"[a-z][a-z0-9_-]{0,12}", fullmatch=True)
U64 = st.integers(min_value=0, max_value=2**64 - 1)
# Printable text without newlines or other control characters.
TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
    max_size=40,
)
UUID = st.uuids().map(str)

# --------------------------------------------------------------------------- dtrace


@st.composite
def frames(draw: st.DrawFn) -> dtrace.Frame:
    form = draw(
        st.sampled_from(["symbol", "bare-symbol", "module-address", "address", "annotated"])
    )
    offset = draw(st.none() | st.integers(min_value=0, max_value=2**32))
    if form == "symbol":
        return dtrace.Frame(draw(MODULE), draw(IDENT), offset, None)
    if form == "bare-symbol":
        return dtrace.Frame(None, draw(IDENT), offset, None)
    if form == "module-address":
        return dtrace.Frame(draw(MODULE), None, None, draw(U64))
    if form == "address":
        return dtrace.Frame(None, None, None, draw(U64))
    return dtrace.Frame(draw(st.none() | MODULE), draw(IDENT), offset, draw(U64))


@st.composite
def stacks(draw: st.DrawFn) -> dtrace.Stack:
    count = draw(st.none() | st.integers(min_value=0, max_value=2**63))
    frame_list = tuple(draw(st.lists(frames(), min_size=0 if count is not None else 1, max_size=6)))
    indent = draw(st.integers(min_value=1, max_value=20)) if frame_list else dtrace.STACK_INDENT
    return dtrace.Stack(frame_list, count, indent)


def _not_description(text: str) -> bool:
    return not text.startswith(("description '", "script '"))


dtrace_records = st.one_of(
    st.builds(
        dtrace.Description,
        TEXT,
        st.integers(min_value=0, max_value=10**6),
        st.sampled_from(["description", "script"]),
    ),
    st.builds(dtrace.Message, TEXT.filter(_not_description)),
    st.just(dtrace.Header()),
    st.builds(
        dtrace.Firing,
        st.integers(min_value=0, max_value=9999),
        st.integers(min_value=0, max_value=10**7),
        st.from_regex(r"[a-z0-9_]{0,24}", fullmatch=True),
        WORD,
        TEXT,
    ),
    stacks(),
    st.just(dtrace.Blank()),
    st.just(dtrace.Interrupt()),
)

# --------------------------------------------------------------------------- mdb

_VALUE_TEXT = st.one_of(
    U64.map(mdb.format_integer),
    U64.map("{:x}".format),  # ::walk's addresses
    st.builds(
        mdb.format_string_pointer,
        U64,
        st.text(string.ascii_letters + string.digits + " _-|", max_size=20),
    ),
    st.sampled_from(
        [
            "{",
            "}",
            "0x1 (B_TRUE)",
            "0 (B_FALSE)",
            "[ 0x1, 0x2 ]",
            '[ "global" ]',
            "[ ... ]",
            "vmm_ioctl+0x193",
            "kvm`kvm_excl_ident",
            "'A'",
            "-1",
            "2018 Mar 20 17:04:11",
            "1.0000000e+00",
        ]
    ),
)
#: What mdb prints without a member name below the top level.
_NESTING_TEXT = st.sampled_from(["{", "{ ... }", "}", "},", "[", "]", "... ]"])
_DEPTH = st.integers(min_value=0, max_value=4)

mdb_records = st.one_of(
    st.builds(
        mdb.Banner,
        st.lists(st.from_regex(r"[a-z.][a-z0-9_.]{0,10}", fullmatch=True), max_size=8).map(tuple),
    ),
    # a command whose output is free text parses what follows as mdb.Text
    st.builds(mdb.Command, TEXT.filter(lambda text: not mdb.free_form(text))),
    st.builds(mdb.Value, _VALUE_TEXT, IDENT, _DEPTH),
    st.builds(mdb.Value, _VALUE_TEXT),
    st.builds(mdb.Value, _NESTING_TEXT, st.none(), _DEPTH),
    st.builds(mdb.Whatis, U64, TEXT.map(str.strip).filter(bool)),
    st.just(mdb.NmHeader()),
    st.builds(
        mdb.NmSymbol,
        U64,
        U64,
        st.sampled_from(["NOTY", "OBJT", "FUNC", "SECT", "FILE", "COMM", "TLS", "REGI"]),
        st.sampled_from(["LOCL", "GLOB", "WEAK"]),
        st.integers(min_value=0, max_value=0xFFF),
        st.sampled_from(["UNDEF", "ABS", "COMMON", "1", "22"]),
        st.from_regex(r"([a-z]+`)?[a-z_][a-z0-9_]{0,20}", fullmatch=True),
    ),
    st.builds(
        mdb.StackFrame,
        st.integers(min_value=2**60, max_value=2**64 - 1),
        IDENT,
        st.none() | st.integers(min_value=1, max_value=2**32),
        st.none() | MODULE,
        st.lists(U64, max_size=4).map(tuple),
    ),
    st.builds(mdb.Error, TEXT),
    st.just(mdb.Blank()),
)

# --------------------------------------------------------------------------- vmadm

COLUMN = st.sampled_from(sorted(vmadm.LIST_FIELDS))
VALUE = st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,40}", fullmatch=True).filter(lambda v: v != "-")


@st.composite
def vmadm_tables(draw: st.DrawFn) -> list[vmadm.Record]:
    """A header and rows with one set of columns (as one ``vmadm list`` prints)."""
    columns = tuple(draw(st.lists(COLUMN, min_size=1, max_size=6, unique=True)))
    # With one column, -p and a table print the same heading: it reads as a table.
    parsable = len(columns) > 1 and draw(st.booleans())
    rows = draw(
        st.lists(st.tuples(*[st.just("") | VALUE for _ in columns]), min_size=0, max_size=5)
    )
    table: list[vmadm.Record] = [vmadm.ListHeader(columns, parsable)]
    table.extend(vmadm.ListRow(columns, values, parsable) for values in rows)
    return table


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=12,
)

vmadm_messages = st.one_of(
    st.builds(vmadm.Success, WORD, UUID),
    st.builds(vmadm.Completed, WORD, UUID),
    st.builds(vmadm.Failure, st.sampled_from(["start", "stop", "get VM info for"]), UUID, TEXT),
    st.builds(vmadm.AlreadyRunning, UUID),
    st.builds(vmadm.NotRunning, UUID, WORD),
    st.builds(vmadm.InvalidUuid, WORD),
    st.builds(vmadm.Usage, st.sampled_from([vmadm.PROGRAM, "/usr/sbin/vmadm"])),
    st.builds(vmadm.Json, st.lists(JSON, max_size=4) | st.dictionaries(TEXT, JSON, max_size=4)),
)
