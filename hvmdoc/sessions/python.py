"""Run a page's Python examples with pytest-examples' machinery.

``hvmdoc check`` runs them all in one child process (`PythonWorker`,
``python -m hvmdoc.sessions.python``) while it replays sessions, since
importing pytest-examples (pytest, black) costs more than the examples; the
pytest plugin runs them in-process.


Each ``python`` fence runs as its own module (in a temporary directory, from
the repository root as working directory); ``print`` output must follow the
call as ``#>`` comment lines, exactly as pytest-examples writes them, so
``--update`` can rewrite them. Fences that only include a file
(``--8<-- "examples/x.py"``) are not examples: the file runs from a
``$ python examples/x.py`` session instead.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hvmdoc.sessions.blocks import PythonBlock, load_path
from hvmdoc.sessions.errors import display_path
from hvmdoc.sessions.update import Edit


@dataclass
class PythonResult:
    """One Python example run."""

    block: PythonBlock
    source: str
    updated: str | None = None
    """The source with ``#>`` lines as printed, when it differs from the page."""
    error: str | None = None
    """The exception the example raised, if any."""

    @property
    def ok(self) -> bool:
        """Whether the example ran and printed what its ``#>`` lines say."""
        return self.error is None and self.updated is None

    def report(self) -> str:
        """``FILE:LINE`` and either the exception or a diff of the ``#>`` lines."""
        where = f"{display_path(self.block.fence.path)}:{self.block.line}"
        if self.error is not None:
            return f"{where}: the Python example raised {self.error}"
        diff = difflib.unified_diff(
            self.source.splitlines(),
            (self.updated or "").splitlines(),
            fromfile=f"{where} (page)",
            tofile=f"{where} (printed)",
            lineterm="",
        )
        return f"{where}: the Python example printed something else\n" + "\n".join(diff)

    def edits(self) -> list[Edit]:
        """The fence content ``--update`` writes (the ``#>`` lines as printed)."""
        if self.updated is None or self.error is not None:
            return []
        fence = self.block.fence
        return [
            Edit(fence.line + 1, len(fence.lines), tuple(self.updated.splitlines()), fence.indent)
        ]


@contextlib.contextmanager
def _preserved_main(cwd: Path) -> Iterator[None]:
    """pytest-examples runs code as ``__main__``; put the real one (and the cwd) back after."""
    main = sys.modules.get("__main__")
    old_cwd = Path.cwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        if main is not None:
            sys.modules["__main__"] = main


def run_python(block: PythonBlock, root: Path) -> PythonResult:
    """Run one example, checking its ``#>`` print lines."""
    from pytest_examples.config import ExamplesConfig
    from pytest_examples.find_examples import CodeExample
    from pytest_examples.run_code import run_code

    source = "\n".join(block.fence.lines) + "\n"
    example = CodeExample.create(source, path=block.fence.path, start_line=block.fence.line)
    result = PythonResult(block=block, source=source)
    with tempfile.TemporaryDirectory(prefix="hvmdoc-example-") as directory:
        python_file = Path(directory) / f"{example.module_name}.py"
        python_file.write_text(source, encoding="utf-8")
        try:
            with _preserved_main(root):
                printed, _ = run_code(
                    example=example,
                    python_file=python_file,
                    loader=None,
                    config=ExamplesConfig(),
                    enable_print_mock=True,
                    print_callback=None,
                    include_print=None,
                    module_globals=None,
                    call=None,
                )
                updated = printed.updated_print_statements(example)
        except Exception as exc:
            line = _example_line(exc, python_file, block)
            result.error = f"{type(exc).__name__}: {exc}" + (f" (line {line})" if line else "")
            return result
    if updated is not None:
        result.updated = updated
    return result


def _example_line(exc: BaseException, python_file: Path, block: PythonBlock) -> int | None:
    """The page line where the example raised ``exc``, if its traceback reaches the example."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename == str(python_file):
            line = block.fence.line + tb.tb_lineno
        elif filename == str(block.fence.path):  # pytest-examples already moved it to the page
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class PythonWorker:
    """Runs Python examples in a child process started at once; results on demand.

    If the child fails for any reason, the examples run in-process instead.
    """

    def __init__(self, blocks: list[PythonBlock], root: Path) -> None:
        self.root = root
        self._results: dict[tuple[str, int], dict[str, str | None]] | None = None
        request = [{"path": str(b.fence.path.resolve()), "line": b.line} for b in blocks]
        try:
            self._process: subprocess.Popen[str] | None = subprocess.Popen(
                [sys.executable, "-m", "hvmdoc.sessions.python"],
                cwd=root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            assert self._process.stdin is not None
            self._process.stdin.write(json.dumps(request))
            self._process.stdin.close()
        except OSError:
            self._process = None

    def _collect(self) -> dict[tuple[str, int], dict[str, str | None]]:
        if self._results is None:
            self._results = {}
            if self._process is not None:
                assert self._process.stdout is not None
                output = self._process.stdout.read()
                self._process.wait()
                with contextlib.suppress(ValueError, KeyError, TypeError):
                    for row in json.loads(output):
                        self._results[(row["path"], row["line"])] = row
        return self._results

    def result(self, block: PythonBlock) -> PythonResult:
        """The example's result (run in-process if the child has none)."""
        row = self._collect().get((str(block.fence.path.resolve()), block.line))
        if row is None:
            return run_python(block, self.root)
        source = "\n".join(block.fence.lines) + "\n"
        return PythonResult(block, source, updated=row["updated"], error=row["error"])

    def close(self) -> None:
        """Stop the child if it still runs."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()


def _serve() -> None:
    """Child side of `PythonWorker`: JSON requests on stdin, results on stdout."""
    rows = []
    for request in json.load(sys.stdin):
        path, line = Path(request["path"]), int(request["line"])
        document, _ = load_path(path)
        blocks = [] if document is None else document.blocks
        block = next((b for b in blocks if isinstance(b, PythonBlock) and b.line == line), None)
        if block is None:
            continue
        with contextlib.redirect_stdout(sys.stderr):  # stdout carries only the JSON
            result = run_python(block, Path.cwd())
        rows.append(
            {"path": str(path), "line": line, "updated": result.updated, "error": result.error}
        )
    real_stdout = sys.__stdout__
    assert real_stdout is not None
    real_stdout.write(json.dumps(rows))


if __name__ == "__main__":
    _serve()
