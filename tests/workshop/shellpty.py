"""Shared names for the PTY tests (a module of its own: ``conftest`` is not importable
by name when several test directories have one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Seconds to wait for any one expected piece of output: generous, because the
#: machine may be busy; a passing run waits far less.
TIMEOUT = 30
#: The prompt as the line editor draws it (it moves the cursor over the trailing blank).
PROMPT = "[root@emy-17 /root]#"

Spawn = Callable[..., Any]
"""``spawn_shell(*args)``: ``hvmdoc shell ARGS`` on a new pseudo-terminal (a pexpect child)."""
