"""Fixtures for the emulated tools: a fresh emy-17 host and a terminal on it."""

from __future__ import annotations

import pytest

from hvmdoc.tools.session import HostSession
from hvmdoc.tools.terminal import Terminal

TEST_UUID = "79062669-e229-e55d-960d-9b18d0fed8d0"
KVM_UUID = "57409636-927a-cc7a-d744-e0f92b73f4e4"


@pytest.fixture
def session() -> HostSession:
    """A fresh seed host (emy-17, pre-fix, Intel)."""
    return HostSession("emy-17")


@pytest.fixture
def term(session: HostSession) -> Terminal:
    """A terminal on `session`'s host."""
    return session.terminal()


@pytest.fixture
def session_term(session: HostSession) -> tuple[Terminal, Terminal]:
    """Two terminals on one host."""
    return session.terminal(), session.terminal()
