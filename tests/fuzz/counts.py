"""Inputs seen per fuzzed parser: name -> [total, rejected with ParseError]."""

from __future__ import annotations

COUNTS: dict[str, list[int]] = {}


def count(name: str, rejected: bool) -> None:
    entry = COUNTS.setdefault(name, [0, 0])
    entry[0] += 1
    entry[1] += int(rejected)
