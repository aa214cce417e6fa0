"""Round trips: render(parse(text)) == text on every real sample, parse(render(r)) == r."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hvmdoc.formats import dtrace, mdb, vmadm

from .samples import DTRACE_STACKS, data_lines, seed_transcripts
from .strategies import dtrace_records, mdb_records, vmadm_messages, vmadm_tables

Parse = Callable[[Iterable[str], str], Iterator[Any]]
MODULES: dict[str, Any] = {"mdb": mdb, "dtrace": dtrace, "vmadm": vmadm}


def test_every_seed_transcript_round_trips() -> None:
    transcripts = seed_transcripts()
    assert {t.tool for t in transcripts} == {"mdb", "dtrace", "vmadm"}
    for transcript in transcripts:
        module = MODULES[transcript.tool]
        records = list(module.parse(transcript.lines, transcript.source))
        assert records, transcript
        assert tuple(module.render(records)) == transcript.lines, transcript.command


def test_shared_dtrace_stacks_round_trip() -> None:
    lines = data_lines(DTRACE_STACKS)
    records = list(dtrace.parse(lines, DTRACE_STACKS))
    assert sum(isinstance(r, dtrace.Stack) and r.count is not None for r in records) > 400
    assert list(dtrace.render(records)) == lines


def test_round_trip_keeps_newline_terminated_input() -> None:
    lines = [line + "\n" for line in data_lines(DTRACE_STACKS)[:200]]
    rendered = [line + "\n" for line in dtrace.render(dtrace.parse(lines))]
    assert rendered == lines


@settings(max_examples=150, deadline=None)
@given(dtrace_records)
def test_dtrace_record_round_trips(record: dtrace.Record) -> None:
    assert list(dtrace.parse(dtrace.render([record]))) == [record]


@settings(max_examples=100, deadline=None)
@given(st.lists(dtrace_records, max_size=8))
def test_dtrace_record_streams_round_trip(records: list[dtrace.Record]) -> None:
    # A stack needs something that is not a frame after it, as dtrace prints.
    separated: list[dtrace.Record] = []
    for record in records:
        separated.append(record)
        if isinstance(record, dtrace.Stack) and record.count is None:
            separated.append(dtrace.Blank())
    assert list(dtrace.parse(dtrace.render(separated))) == separated


@settings(max_examples=150, deadline=None)
@given(st.lists(mdb_records, max_size=8))
def test_mdb_records_round_trip(records: list[mdb.Record]) -> None:
    assert list(mdb.parse(mdb.render(records))) == records


@settings(max_examples=120, deadline=None)
@given(vmadm_tables())
def test_vmadm_tables_round_trip(table: list[vmadm.Record]) -> None:
    assert list(vmadm.parse(vmadm.render(table))) == table


@settings(max_examples=120, deadline=None)
@given(vmadm_tables())
def test_vmadm_headerless_rows_take_columns_from_the_caller(table: list[vmadm.Record]) -> None:
    header, rows = table[0], table[1:]
    assert isinstance(header, vmadm.ListHeader)
    parsed = vmadm.parse(vmadm.render(rows), columns=header.columns, parsable=header.parsable)
    assert list(parsed) == rows


@settings(max_examples=150, deadline=None)
@given(st.lists(vmadm_messages, max_size=6))
def test_vmadm_messages_round_trip(records: list[vmadm.Record]) -> None:
    assert list(vmadm.parse(vmadm.render(records))) == records


@pytest.mark.parametrize("tool", ["mdb", "dtrace", "vmadm"])
def test_render_of_nothing_is_nothing(tool: str) -> None:
    module = MODULES[tool]
    assert list(module.render([])) == []
    assert list(module.parse([])) == []


@pytest.mark.parametrize("tool", sorted(MODULES))
def test_crlf_lines_parse_as_their_lf_form(tool: str) -> None:
    # A transcript saved on Windows, read with newline="" or splitlines(keepends=True).
    module = MODULES[tool]
    for transcript in (t for t in seed_transcripts() if t.tool == tool):
        lf = list(module.parse([line + "\n" for line in transcript.lines], "t"))
        crlf = list(module.parse([line + "\r\n" for line in transcript.lines], "t"))
        assert crlf == lf, transcript.command
