"""The tool pages say what the formats and commands do (docs/tools/*.md)."""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import pytest
from support import ROOT

from hvmdoc.formats import dtrace, mdb, vmadm

TOOLS_DOCS = ROOT / "docs" / "tools"
MODULES = {"dtrace": dtrace, "mdb": mdb, "vmadm": vmadm}


def _page(name: str) -> str:
    return (TOOLS_DOCS / name).read_text(encoding="utf-8")


def _field_tables() -> dict[str, dict[str, set[str]]]:
    """parse.md's "Record fields": module -> record name -> the names in its fields cell."""
    tables: dict[str, dict[str, set[str]]] = {}
    current: dict[str, set[str]] | None = None
    for line in _page("parse.md").splitlines():
        heading = re.fullmatch(r"### `hvmdoc\.formats\.(\w+)`", line)
        if heading:
            current = tables.setdefault(heading.group(1), {})
        elif current is not None and line.startswith("| `"):
            records, fields = line.split(" | ")[:2]
            for record in re.findall(r"`(\w+)`", records):
                current[record] = set(re.findall(r"`(\w+)`", fields))
    return tables


@pytest.mark.parametrize("tool", sorted(MODULES))
def test_every_json_key_of_every_record_is_in_the_field_tables(tool: str) -> None:
    documented = _field_tables()[tool]
    for record in typing.get_args(MODULES[tool].Record):
        keys = {field.name for field in dataclasses.fields(record)}
        if hasattr(record, "as_dict"):
            keys.add("row")  # hvmdoc.cli.parse.record_dict()
        assert keys <= documented.get(record.__name__, set()), record.__name__


def test_parse_documents_o_for_every_tool_that_uses_it() -> None:
    (row,) = [line for line in _page("parse.md").splitlines() if line.startswith("| `-o FIELDS`")]
    assert "only" not in row
    for tool in MODULES:
        assert f"`{tool}`" in row


@pytest.mark.parametrize("page", ["fold.md", "symbolize.md", "parse.md"])
def test_exit_status_2_covers_unreadable_files(page: str) -> None:
    text = " ".join(_page(page).split())
    assert "cannot be read" in text


def test_fold_page_says_where_it_differs_from_stackcollapse() -> None:
    text = _page("fold.md")
    section = text.split("## Where it differs from `stackcollapse.pl`", 1)[1].split("\n## ")[0]
    for topic in ("Headers", "firings", "Unindented", "ustack helper", "leaf", "CRLF"):
        assert topic in section, topic


@pytest.mark.parametrize("top", ["docs", "hvmdoc"])
def test_stackcollapse_has_no_offset_switch(top: str) -> None:
    # Its offsets are the $includeoffset variable, edited inside the script.
    for path in Path(ROOT / top).rglob("*"):
        if path.suffix in {".md", ".py"}:
            assert "offset switch" not in path.read_text(encoding="utf-8"), path
