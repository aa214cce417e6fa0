"""Fixtures for driving ``hvmdoc shell`` through real pseudo-terminals."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from shellpty import TIMEOUT, Spawn
from support import ROOT


@pytest.fixture
def shell_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for shells under test: a private socket directory, a plain terminal."""
    run_dir = tmp_path_factory.mktemp("run")
    run_dir.chmod(0o700)
    env = dict(os.environ)
    env.update(
        {
            "HVMDOC_RUNTIME_DIR": str(run_dir),
            "TERM": "xterm",
            "PROMPT_TOOLKIT_NO_CPR": "1",  # pexpect does not answer cursor position requests
            "PYTHONUNBUFFERED": "1",
            "NO_COLOR": "1",
        }
    )
    return env


@pytest.fixture
def spawn_shell(shell_env: dict[str, str]) -> Iterator[Spawn]:
    """Start ``hvmdoc shell ARGS`` on a pseudo-terminal; every child is ended afterwards."""
    pexpect = pytest.importorskip("pexpect")
    children: list[Any] = []

    def spawn(*args: str) -> Any:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "hvmdoc", "shell", *args],
            cwd=str(ROOT),
            env=shell_env,
            encoding="utf-8",
            timeout=TIMEOUT,
            dimensions=(40, 200),
        )
        children.append(child)
        return child

    yield spawn
    for child in children:
        if child.isalive():
            child.terminate(force=True)
