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


def test_every_assumption_named_in_the_code_is_registered() -> None:
    named: set[str] = set()
    for path in MODEL.glob("*.py"):
        named |= set(re.findall(r"assumption ``([a-z0-9-]+)``", path.read_text()))
    assert named, "the model names its assumptions"
    assert named <= set(ASSUMPTIONS), named - set(ASSUMPTIONS)


def test_lookup() -> None:
    assert assumption("reboot-order-uniform").id == "reboot-order-uniform"
    with pytest.raises(KeyError):
        assumption("no-such-thing")
