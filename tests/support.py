"""Helpers for tests that need something outside the project.

On a user's machine a missing tool or ``../shared`` makes such a test skip with
a clear reason; under ``CI=true`` the same absence is a failure, so CI can
never go green by skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def in_ci() -> bool:
    """True when running under CI (``CI=true``)."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip (or, under CI, fail) a test whose prerequisite is missing."""
    if in_ci():
        pytest.fail(f"CI=true and a prerequisite is missing: {reason}")
    pytest.skip(reason)


def require_tool(name: str) -> str:
    """Path of an executable on PATH, or skip/fail with the reason."""
    path = shutil.which(name)
    if path is None:
        unavailable(f"{name} is not installed (apt-get install {name}; .ci/run does)")
        raise AssertionError("unreachable")
    return path


def shared_file(relative: str) -> Path:
    """A file under ``../shared`` (present here and in CI, not on users' machines)."""
    path = SHARED / relative
    if not path.exists():
        unavailable(f"../shared/{relative} is absent (it exists only beside the project in CI)")
    return path


def check_pages(*paths: str | Path) -> subprocess.CompletedProcess[str]:
    """``hvmdoc check PATH...`` run as a user would, from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "hvmdoc", "check", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def assert_pages_check(*paths: str | Path) -> None:
    """``hvmdoc check`` passes on ``paths`` (a recorded page replays as recorded)."""
    result = check_pages(*paths)
    assert result.returncode == 0, result.stdout + result.stderr
