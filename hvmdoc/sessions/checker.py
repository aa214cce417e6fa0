"""Check (or update) every session block and Python example under some paths.

The one entry point the CLI (``hvmdoc check``), the benchmark and tests use:
read every page first and report all bad input (exit 2) before running
anything; then replay each page, collect mismatches (exit 1), and with
``update`` rewrite the pages' outputs. Bad input only a replay finds (a host
that cannot start, a ``data-setup`` or ``data-meanwhile`` command that fails)
stops that page: it is reported as ``FILE:LINE: message`` (exit 2) and the
page is not rewritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hvmdoc.errors import EXIT_BAD_INPUT, EXIT_DIFFERENCE, EXIT_OK
from hvmdoc.sessions.blocks import Document, PythonBlock, SessionBlock, StaticBlock, load_path
from hvmdoc.sessions.errors import BlockError
from hvmdoc.sessions.find import markdown_files
from hvmdoc.sessions.python import PythonWorker
from hvmdoc.sessions.real import RealCommands, repo_root, runs_in_process
from hvmdoc.sessions.replay import (
    HostFactory,
    HostStartFailed,
    PageReplay,
    known_scenarios,
    tools_host,
)
from hvmdoc.sessions.transcript import StepKind
from hvmdoc.sessions.update import Edit, update_file


@dataclass
class CheckReport:
    """What a check found."""

    pages: int = 0
    sessions: int = 0
    python: int = 0
    static: int = 0
    errors: list[BlockError] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    """One report per failing block: ``FILE:LINE``, the command, a diff."""
    updated: list[Path] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """2 for bad input, else 1 for a mismatch (not fixed by ``update``), else 0."""
        if self.errors:
            return EXIT_BAD_INPUT
        return EXIT_DIFFERENCE if self.failures else EXIT_OK

    def merge(self, other: CheckReport) -> None:
        """Add ``other``'s counts and findings to this report."""
        self.pages += other.pages
        self.sessions += other.sessions
        self.python += other.python
        self.static += other.static
        self.errors.extend(other.errors)
        self.failures.extend(other.failures)
        self.updated.extend(other.updated)

    def summary(self) -> str:
        """One line: what was checked, and how it went ("1 page", "2 pages")."""
        counted = ", ".join(
            [
                _count(self.pages, "page"),
                _count(self.sessions, "session"),
                _count(self.python, "Python example"),
                _count(self.static, "static block"),
            ]
        )
        if self.errors:
            return f"hvmdoc check: bad input, {_count(len(self.errors), 'problem')} ({counted})"
        if self.updated:
            return f"hvmdoc check: updated {_count(len(self.updated), 'page')} ({counted})"
        if self.failures:
            verb = "differs" if len(self.failures) == 1 else "differ"
            return f"hvmdoc check: {_count(len(self.failures), 'block')} {verb} ({counted})"
        return f"hvmdoc check: all passed ({counted})"


def _count(number: int, noun: str) -> str:
    """``1 page``, ``0 pages``, ``2 pages`` (every noun here takes a plain ``s``)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def load_documents(
    paths: Sequence[Path], report: CheckReport, host_factory: HostFactory = tools_host
) -> list[Document]:
    """Read every page below ``paths``; collect bad input into ``report.errors``.

    Scenario names are checked against the model's when the hosts come from it.
    """
    try:
        files = markdown_files(list(paths))
    except BlockError as exc:
        report.errors.append(exc)
        return []
    documents = []
    scenarios = known_scenarios() if host_factory is tools_host else None
    for path in files:
        document, errors = load_path(path, scenarios)
        report.errors.extend(errors)
        if document is not None:
            documents.append(document)
    return documents


def check(
    paths: Sequence[Path],
    *,
    update: bool = False,
    host_factory: HostFactory = tools_host,
    python: bool = True,
) -> CheckReport:
    """Check the Markdown pages below ``paths``; with ``update``, rewrite differing outputs.

    Work that waits on other processes overlaps with the replays: real commands
    that need a shell start at once in the background, Python examples run in
    one child process, and pages needing neither are checked first. Results
    are reported in page order all the same.
    """
    report = CheckReport()
    documents = load_documents(paths, report, host_factory)
    if report.errors:
        return report
    real = RealCommands()
    examples = [b for d in documents for b in d.blocks if isinstance(b, PythonBlock)]
    worker = (
        PythonWorker(examples, repo_root(documents[0].path.parent)) if python and examples else None
    )
    parts: dict[int, CheckReport] = {}
    try:
        real.prefetch(
            (step.command, repo_root(document.path.parent))
            for document in documents
            for block in document.sessions
            for step in block.steps
            if step.kind is StepKind.REAL
        )
        order = sorted(range(len(documents)), key=lambda i: _waits(documents[i], python))
        for index in order:
            parts[index] = _check_document(
                documents[index], update, host_factory, real, worker if python else None
            )
    finally:
        real.close()
        if worker is not None:
            worker.close()
    for index in range(len(documents)):
        report.merge(parts[index])
    return report


def _waits(document: Document, python: bool) -> bool:
    """Whether checking ``document`` waits on another process (so it goes last)."""
    return any(
        (python and isinstance(block, PythonBlock))
        or (
            isinstance(block, SessionBlock)
            and any(s.kind is StepKind.REAL and not runs_in_process(s.command) for s in block.steps)
        )
        for block in document.blocks
    )


def _check_document(
    document: Document,
    update: bool,
    host_factory: HostFactory,
    real: RealCommands,
    worker: PythonWorker | None,
) -> CheckReport:
    report = CheckReport(pages=1)
    replay = PageReplay(document, host_factory, real)
    edits: list[Edit] = []
    for block in document.blocks:
        if isinstance(block, StaticBlock):
            report.static += 1
            continue
        if isinstance(block, PythonBlock):
            if worker is None:
                continue
            report.python += 1
            python_result = worker.result(block)
            if not python_result.ok:
                edits.extend(python_result.edits())
                if not update or python_result.error is not None:
                    report.failures.append(python_result.report())
            continue
        report.sessions += 1
        try:
            result = replay.run(block)
        except BlockError as exc:
            report.errors.append(exc)
            return report
        except HostStartFailed as exc:
            report.failures.append(str(exc))
            return report
        if result.ok:
            continue
        edits.extend(result.edits())
        if not update or not result.fixable:
            report.failures.append(result.report())
    if update and edits and update_file(document.path, document.page.text, edits):
        report.updated.append(document.path)
    return report
