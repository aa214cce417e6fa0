"""Project-wide pytest configuration.

Under ``CI=true`` a skipped test is a failure (CI must never go green by
skipping), unless its reason starts with ``"platform:"`` (a test that cannot
apply on this operating system at all).
"""

from __future__ import annotations

import sys
from collections.abc import Generator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from support import in_ci


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    if in_ci() and report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if "platform:" not in reason:
            report.outcome = "failed"
            report.longrepr = f"CI=true forbids skipping: {reason}"
    return report
