"""The assumptions registry: complete entries, and every id the code names exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hvmdoc.model import registry
from hvmdoc.model.registry import ASSUMPTIONS, Assumption, assumption

MODEL = Path(registry.__file__).parent


def test_entries_are_complete() -> None:
    assert len(ASSUMPTIONS) >= 10
    for key, entry in ASSUMPTIONS.items():
        assert isinstance(entry, Assumption) and entry.id == key
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key)
        for text in (entry.title, entry.statement, entry.why, entry.where):
            assert text.strip()
        for where in re.findall(r"hvmdoc/model/[a-z_]+\.py", entry.where):
            assert (MODEL.parent.parent / where).exists(), where


NAMED = re.compile(r"assumptions?\s+(?:``)?([a-z0-9]+(?:-[a-z0-9]+)+)(?:``)?")


def _named(directory: Path) -> set[str]:
    named: set[str] = set()
    for path in directory.glob("*.py"):
        text = re.sub(r"\s*(?:#|\n)\s*", " ", path.read_text())
        named |= set(NAMED.findall(text))
    return named


def test_every_assumption_named_in_the_code_is_registered() -> None:
    named = _named(MODEL)
    assert named, "the model names its assumptions"
    assert named <= set(ASSUMPTIONS), named - set(ASSUMPTIONS)


def test_every_assumption_the_tools_name_is_registered() -> None:
    named = _named(MODEL.parent / "tools")
    assert {"tools-vm-helper", "tools-reset", "tools-mdb-errors"} <= named
    assert named <= set(ASSUMPTIONS), named - set(ASSUMPTIONS)


def test_tools_assumptions_name_existing_tools_files() -> None:
    tools = [a for a in ASSUMPTIONS.values() if a.id.startswith("tools-")]
    assert len(tools) >= 15
    for entry in tools:
        paths = re.findall(r"hvmdoc/tools/[a-z_]+\.py", entry.where)
        assert paths, entry.id
        for where in paths:
            assert (MODEL.parent.parent / where).exists(), where


def test_lookup() -> None:
    assert assumption("reboot-order-uniform").id == "reboot-order-uniform"
    with pytest.raises(KeyError):
        assumption("no-such-thing")
