"""Run ``$ hvmdoc ...`` and ``$ python examples/NAME.py`` for real.

Commands run through ``/bin/sh`` (so pipes work) from the repository root, with
the running interpreter's ``bin`` first on ``PATH`` (the project's venv) and a
fixed, plain terminal environment (80 columns, no colour, unbuffered) so help
text and widths do not depend on who runs the check. Output is stdout and
stderr interleaved as a terminal shows them. Subprocesses are started ahead of
time (`RealCommands.prefetch`) so a whole site's worth of them overlap.

Speed: a plain command (no pipe, quote or other shell syntax) runs in-process
instead, through the same entry points (`hvmdoc.cli.main`, or the script
run as ``__main__``) with the same environment; a Python start-up per command
would otherwise dominate ``hvmdoc check docs``. A test holds the two ways to
identical output for every such command in ``docs/``; ``HVMDOC_CHECK_SUBPROCESS=1``
forces subprocesses everywhere. An in-process run that raises falls back to a
subprocess, so a failing example shows Python's real traceback.
"""

from __future__ import annotations

import contextlib
import io
import os
import runpy
import subprocess
import sys
from collections.abc import Iterable, Iterator
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


#: The terminal real commands see, whichever way they run.
TERMINAL = {"COLUMNS": "80", "LINES": "24", "TERM": "dumb", "NO_COLOR": "1"}
#: Characters that need a shell: such commands always run in a subprocess.
_SHELL_SYNTAX = frozenset("|&;<>()$`\\\"'*?[]{}~#!")


def environment() -> dict[str, str]:
    """The environment real commands run in."""
    env = dict(os.environ)
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", "")])
    env.update(TERMINAL)
    env.update(
        {
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.pop("HVMDOC_DEBUG", None)
    return env


def runs_in_process(command: str) -> bool:
    """True for a plain ``hvmdoc ...`` or ``python examples/X.py ...`` (no shell syntax)."""
    if os.environ.get("HVMDOC_CHECK_SUBPROCESS") or _SHELL_SYNTAX & set(command):
        return False
    words = command.split()
    return bool(words) and (
        words[0] == "hvmdoc"
        or (words[0] in {"python", "python3"} and len(words) > 1 and words[1].endswith(".py"))
    )


class _Captured:
    """What a command printed (set when its `_as_a_terminal` block ends)."""

    text = ""


@contextlib.contextmanager
def _as_a_terminal(cwd: Path, argv: list[str]) -> Iterator[_Captured]:
    """Run code as a command would: cwd, argv, terminal variables, output captured.

    stdout and stderr share one UTF-8 stream with a ``.buffer`` (commands may
    write bytes), written through so their order is kept.
    """
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    saved_env = {key: os.environ.get(key) for key in TERMINAL}
    saved_argv, saved_stdin = sys.argv, sys.stdin
    old_cwd = Path.cwd()
    os.environ.update(TERMINAL)
    sys.argv = argv
    # As a subprocess's /dev/null: nothing to read, not a tty, with a .buffer.
    sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
    os.chdir(cwd)
    captured = _Captured()
    try:
        with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(stream):
            yield captured
    finally:
        stream.flush()
        captured.text = raw.getvalue().decode("utf-8", errors="replace")
        stream.detach()
        os.chdir(old_cwd)
        sys.argv, sys.stdin = saved_argv, saved_stdin
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_in_process(command: str, cwd: Path) -> str | None:
    """Output of a plain command run in this process; None when it raised (use a subprocess)."""
    words = command.split()
    try:
        if words[0] == "hvmdoc":
            from hvmdoc.cli import main

            with _as_a_terminal(cwd, words) as buffer, contextlib.suppress(SystemExit):
                main(words[1:])
        else:
            with _as_a_terminal(cwd, words[1:]) as buffer:
                try:
                    runpy.run_path(str(cwd / words[1]), run_name="__main__")
                except SystemExit as exc:
                    if exc.code not in (None, 0) and not isinstance(exc.code, int):
                        print(exc.code, file=sys.stderr)
    except Exception:
        return None
    output = buffer.text
    return None if "hvmdoc: internal error:" in output else output


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
        """Start ``commands`` in the background; `run` then collects them."""
        for command, cwd in commands:
            key = (command, cwd)
            if key in self._started or runs_in_process(command):
                continue
            if self._executor is None:
                self._executor = ThreadPoolExecutor(self._workers, thread_name_prefix="hvmdoc-real")
            self._started[key] = self._executor.submit(run_real, command, cwd)

    def run(self, command: str, cwd: Path) -> str:
        """The output of ``command`` run in ``cwd`` (in-process, prefetched, or started now)."""
        if runs_in_process(command) and (command, cwd) not in self._started:
            output = run_in_process(command, cwd)
            if output is not None:
                return output
        future = self._started.pop((command, cwd), None)
        if future is not None:
            return future.result()
        return run_real(command, cwd)

    def close(self) -> None:
        """Stop the worker threads (waits for started commands)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
