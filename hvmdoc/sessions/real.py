"""Run ``$ hvmdoc ...`` and ``$ python examples/NAME.py`` for real.

Commands run through ``/bin/sh`` (so pipes work) from the repository root, with
the running interpreter's ``bin`` first on ``PATH`` (the project's venv) and a
fixed, plain terminal environment so help text and widths do not depend on
who runs the check. Output is stdout and stderr as a terminal shows them.
Independent commands can be started ahead of time (:meth:`RealCommands.prefetch`)
so a whole site's worth of subprocesses overlap.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

TIMEOUT_SECONDS = 120


def repo_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding ``pyproject.toml`` (else the cwd)."""
    here = start.resolve()
    for candidate in (here, *here.parents):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    return Path.cwd().resolve()


def environment() -> dict[str, str]:
    """The environment real commands run in."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
    env.update(
        {
            "COLUMNS": "80",
            "LINES": "24",
            "TERM": "dumb",
            "NO_COLOR": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "PYTHONIOENCODING": "utf-8",
        }
    )
    env.pop("HVMDOC_DEBUG", None)
    return env


def run_real(command: str, cwd: Path) -> str:
    """Run ``command`` through ``/bin/sh`` in ``cwd``; return what a terminal would show."""
    try:
        completed = subprocess.run(
            ["/bin/sh", "-c", command],
            cwd=cwd,
            env=environment(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"<hvmdoc check: {command!r} did not finish in {TIMEOUT_SECONDS} s>\n"
    return completed.stdout.decode("utf-8", errors="replace")


class RealCommands:
    """Runs real commands, each (command, directory) once, optionally ahead of time."""

    def __init__(self, workers: int | None = None) -> None:
        self._workers = workers or max(2, min(8, (os.cpu_count() or 2) * 2))
        self._executor: ThreadPoolExecutor | None = None
        self._started: dict[tuple[str, Path], Future[str]] = {}

    def prefetch(self, commands: Iterable[tuple[str, Path]]) -> None:
        """Start ``commands`` in the background; :meth:`run` then collects them."""
        for command, cwd in commands:
            key = (command, cwd)
            if key in self._started:
                continue
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="hvmdoc-real")
            self._started[key] = self._executor.submit(run_real, command, cwd)

    def run(self, command: str, cwd: Path) -> str:
        """The output of ``command`` run in ``cwd`` (started now unless prefetched)."""
        future = self._started.pop((command, cwd), None)
        if future is not None:
            return future.result()
        return run_real(command, cwd)

    def close(self) -> None:
        """Stop the worker threads (waits for started commands)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
