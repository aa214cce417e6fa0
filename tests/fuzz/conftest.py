"""Fuzz tests: every test here is marked ``fuzz``; ``make fuzz`` runs them long.

``HVMDOC_FUZZ_EXAMPLES`` sets the inputs per parser (``make fuzz``: 100 000);
unset, a quick run fits in ``make test``. The summary reports how many inputs
each parser saw and how many of them it rejected with a ``ParseError``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .counts import COUNTS


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz: long-running parser fuzzing (make fuzz)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.fuzz)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not COUNTS:
        return
    terminalreporter.section("fuzz inputs")
    for name, (total, rejected) in sorted(COUNTS.items()):
        terminalreporter.write_line(
            f"{name}: {total} inputs, {rejected} rejected with ParseError, no other exception"
        )
