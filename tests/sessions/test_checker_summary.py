"""``CheckReport.summary()``: one line, counted nouns in the right number."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmdoc.sessions.checker import CheckReport
from hvmdoc.sessions.errors import BlockError


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        (
            CheckReport(pages=1, sessions=1, python=1, static=1),
            "hvmdoc check: all passed (1 page, 1 session, 1 Python example, 1 static block)",
        ),
        (
            CheckReport(pages=2, sessions=0, python=3, static=2),
            "hvmdoc check: all passed (2 pages, 0 sessions, 3 Python examples, 2 static blocks)",
        ),
        (
            CheckReport(pages=1, sessions=1, failures=["x"]),
            "hvmdoc check: 1 block differs (1 page, 1 session, 0 Python examples, 0 static blocks)",
        ),
        (
            CheckReport(pages=1, sessions=2, failures=["x", "y"]),
            "hvmdoc check: 2 blocks differ (1 page, 2 sessions, 0 Python examples, "
            "0 static blocks)",
        ),
        (
            CheckReport(pages=1, errors=[BlockError(Path("p.md"), 1, "bad")]),
            "hvmdoc check: bad input, 1 problem (1 page, 0 sessions, 0 Python examples, "
            "0 static blocks)",
        ),
        (
            CheckReport(pages=1, updated=[Path("p.md")]),
            "hvmdoc check: updated 1 page (1 page, 0 sessions, 0 Python examples, 0 static blocks)",
        ),
    ],
)
def test_summary_counts_in_the_right_number(report: CheckReport, expected: str) -> None:
    assert report.summary() == expected
