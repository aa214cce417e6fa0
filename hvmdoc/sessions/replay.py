"""Replay a page's session blocks, in order, on its emulated hosts.

A page has one host per ``data-host`` name (``main`` unless a block names
another), built from the front matter; a block with ``data-scenario``,
``data-platform``, ``data-cpu`` or ``data-seed`` starts a fresh one there, which
later blocks on that host continue. ``data-setup`` commands run first, unseen,
on a second terminal of the same host; ``data-meanwhile`` commands are handed
to the block's long-running command (dtrace). Both run by
`hvmdoc.tools.script.run_unseen`, and one that fails is bad input
(`BlockError`: ``FILE:LINE``, the command and what it printed), since the
reader never sees its error. Hosts come from
`hvmdoc.tools.session.HostSession` unless a test passes its own factory.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from hvmdoc.errors import HvmdocError
from hvmdoc.sessions import compare
from hvmdoc.sessions.blocks import Document, HostSpec, SessionBlock
from hvmdoc.sessions.errors import BlockError, display_path
from hvmdoc.sessions.find import split_lines
from hvmdoc.sessions.real import RealCommands, repo_root
from hvmdoc.sessions.transcript import Mode, Step, StepKind, is_long_running, prompt_of

if TYPE_CHECKING:
    from hvmdoc.model.platform import Platform
from hvmdoc.sessions.update import Edit
from hvmdoc.tools.script import Unseen, first_failure, run_unseen


class HostStartFailed(Exception):
    """The emulator could not build a host for reasons other than bad input (a bug)."""


class TerminalLike(Protocol):
    """What the replay needs of `hvmdoc.tools.terminal.Terminal`."""

    @property
    def prompt(self) -> str:
        """The prompt the next line is typed at."""

    @property
    def in_mdb(self) -> bool:
        """True while an interactive ``mdb -k`` reads the input."""

    @property
    def exit_status(self) -> int:
        """The exit status of the last command (``$?``)."""

    @property
    def closed(self) -> bool:
        """True once the shell logged out (``exit``)."""

    @property
    def meanwhile_results(self) -> Sequence[Unseen]:
        """How the ``meanwhile`` lines of the last `execute` ended."""

    def execute(self, line: str, meanwhile: Sequence[str] = ()) -> str:
        """Run one input line; return what the terminal prints."""


class HostLike(Protocol):
    """What the replay needs of `hvmdoc.tools.session.HostSession`."""

    def terminal(self) -> TerminalLike:
        """A new terminal on the same host."""


HostFactory = Callable[[HostSpec], HostLike]


#: The scenario of a host whose spec names none.
DEFAULT_SCENARIO = "emy-17"


def tools_host(spec: HostSpec) -> HostLike:
    """A `hvmdoc.tools.session.HostSession` for ``spec``."""
    from hvmdoc.tools.session import HostSession

    host: HostLike = HostSession(
        scenario=spec.scenario or DEFAULT_SCENARIO,
        platform=spec.platform,
        cpu=spec.cpu,
        seed=spec.seed,
    )
    return host


def platform_of(spec: HostSpec) -> Platform:
    """The platform `tools_host` boots for ``spec``: its own, or its scenario's default.

    Raises `LookupError` for an unknown scenario and
    `hvmdoc.model.errors.UnknownPlatform` for an unknown platform.
    """
    from hvmdoc.model.platform import parse_platform
    from hvmdoc.model.scenarios import SCENARIOS

    scenario = SCENARIOS[spec.scenario or DEFAULT_SCENARIO]
    return parse_platform(spec.platform or scenario.platform)


@functools.cache
def known_scenarios() -> frozenset[str] | None:
    """The model's scenario names, or None when the model cannot say."""
    try:
        from hvmdoc.model.scenarios import SCENARIOS
    except Exception:  # no model (yet), or a broken one: hosts report it when started
        return None
    return frozenset(SCENARIOS)


@dataclass
class StepResult:
    """One step replayed: what was printed, and how it compares."""

    step: Step
    actual: list[str]
    expected: list[str]
    """The page's lines compared (the last step's trailing blank lines removed)."""
    elide: bool
    problems: list[str] = field(default_factory=list)
    """Differences other than output (prompt, mdb state, the emulator failing)."""

    @property
    def output_ok(self) -> bool:
        """Whether the output matches the page."""
        return compare.matches(self.expected, self.actual, self.elide)

    @property
    def ok(self) -> bool:
        """Whether the step passes."""
        return self.output_ok and not self.problems

    @property
    def fixable(self) -> bool:
        """Whether ``--update`` makes the step pass (only its output differs, and is writable)."""
        return not self.problems and self.unwritable() is None

    def merged(self) -> list[str]:
        """The output lines ``--update`` writes for this step."""
        return compare.merge(self.expected, self.actual, self.elide)

    def unwritable(self) -> str | None:
        """Why the printed output cannot be written on the page, if it cannot.

        A printed line that reads as a prompt (``# ...`` in the shell, ``> ...``
        in mdb) would split the step in two when the page is read again.
        """
        if self.output_ok:
            return None
        for line in self.merged():
            if prompt_of(line, self.step.mode_after) is not None:
                return (
                    f"the output line {line!r} reads as a prompt, so --update cannot write "
                    "it; elide it with '...'"
                )
        return None


@dataclass
class BlockResult:
    """A block replayed."""

    document: Document
    block: SessionBlock
    steps: list[StepResult]

    @property
    def ok(self) -> bool:
        """Whether every step passes."""
        return all(step.ok for step in self.steps)

    @property
    def fixable(self) -> bool:
        """Whether ``--update`` makes the whole block pass: every step is `StepResult.fixable`."""
        return all(step.fixable for step in self.steps)

    def edits(self) -> list[Edit]:
        """The output lines ``--update`` rewrites: those of steps whose output differs.

        None at all for a block with any other problem (a prompt, mdb's state,
        the emulator failing, output that reads as a prompt): rewriting part of
        it would make a failing block look settled.
        """
        if not self.fixable:
            return []
        return [
            Edit(
                line=result.step.line + 1,
                count=len(result.expected),
                lines=tuple(result.merged()),
                indent=self.block.fence.indent,
            )
            for result in self.steps
            if not result.output_ok
        ]

    def report(self) -> str:
        """``FILE:LINE``, the diverging command and a unified diff, for each failing step."""
        parts: list[str] = []
        for result in self.steps:
            if result.ok:
                continue
            where = f"{display_path(self.document.path)}:{result.step.line}"
            lines = [f"{where}: {result.step.shown}"]
            lines.extend(f"  {problem}" for problem in result.problems)
            unwritable = result.unwritable()
            if unwritable:
                lines.append(f"  {unwritable}")
            if not result.output_ok:
                lines.append("  output differs from the model:")
                lines.append(compare.unified_diff(result.expected, result.merged(), where))
            parts.append("\n".join(lines))
        return "\n".join(parts)


@dataclass
class _Host:
    session: HostLike
    terminal: TerminalLike
    side: TerminalLike | None = None

    def other_terminal(self) -> TerminalLike:
        """The second terminal (setup, as from another window), made once per host."""
        if self.side is None:
            self.side = self.session.terminal()
        return self.side


def _lines(text: str) -> list[str]:
    return split_lines(text)


class PageReplay:
    """Replays one document's session blocks, in order, keeping host state between them."""

    def __init__(
        self,
        document: Document,
        host_factory: HostFactory = tools_host,
        real: RealCommands | None = None,
        root: Path | None = None,
    ) -> None:
        self.document = document
        self.host_factory = host_factory
        self.real = real or RealCommands()
        self.root = root or repo_root(document.path.parent)
        self._hosts: dict[str, _Host] = {}
        self.done: list[SessionBlock] = []

    def _host(self, block: SessionBlock) -> _Host:
        host = self._hosts.get(block.host)
        if host is not None and block.fresh is None:
            return host
        spec = self.document.host_spec(block)
        try:
            session = self.host_factory(spec)
        except BlockError:
            raise
        except (HvmdocError, LookupError, ValueError) as exc:
            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
            raise BlockError(
                self.document.path, block.line, f"cannot start the host: {message}"
            ) from None
        except Exception as exc:
            where = f"{display_path(self.document.path)}:{block.line}"
            raise HostStartFailed(
                f"{where}: the emulator failed to start the host: {type(exc).__name__}: {exc}"
            ) from exc
        host = _Host(session=session, terminal=session.terminal())
        self._hosts[block.host] = host
        return host

    def run(self, block: SessionBlock) -> BlockResult:
        """Replay ``block`` (after the blocks already replayed) and compare its output."""
        host = self._host(block) if self._needs_host(block) else None
        setup_problems = self._setup(block, host) if host is not None else []
        meanwhile_step = next(
            (s for s in block.steps if s.kind is StepKind.HOST and is_long_running(s.command)), None
        )
        results: list[StepResult] = []
        for number, step in enumerate(block.steps):
            last = number == len(block.steps) - 1
            problems: list[str] = []
            if step.kind is StepKind.REAL:
                text = self.real.run(step.command, self.root)
            else:
                assert host is not None
                problems.extend(self._prompt_problems(step, host.terminal))
                meanwhile = block.meanwhile if step is meanwhile_step else ()
                try:
                    text = host.terminal.execute(step.command, meanwhile)
                except Exception as exc:
                    text = ""
                    problems.append(f"the emulator failed: {type(exc).__name__}: {exc}")
                else:
                    if meanwhile:
                        outcome = host.terminal.meanwhile_results
                        self._unseen_failed(block, "data-meanwhile", outcome)
                in_mdb = host.terminal.in_mdb
                if in_mdb != (step.mode_after is Mode.MDB):
                    state = "open" if in_mdb else "not open"
                    problems.append(f"after this command mdb -k is {state} on the host")
            actual = _lines(text)
            expected = list(step.output)
            if last:
                actual = compare.trim_blank_tail(actual)
                expected = compare.trim_blank_tail(expected)
            if number == 0:
                problems[:0] = setup_problems
            results.append(StepResult(step, actual, expected, block.elide, problems))
        self.done.append(block)
        return BlockResult(self.document, block, results)

    @staticmethod
    def _needs_host(block: SessionBlock) -> bool:
        return block.uses_host

    def advance(self, block: SessionBlock) -> None:
        """Bring the host to where ``block`` leaves it, comparing nothing.

        Real commands (``$ hvmdoc``) are skipped: they never touch the emulated host.
        """
        if not self._needs_host(block):
            self.done.append(block)
            return
        host = self._host(block)
        with contextlib.suppress(BlockError):
            self._setup(block, host)
        meanwhile_step = next(
            (s for s in block.steps if s.kind is StepKind.HOST and is_long_running(s.command)), None
        )
        for step in block.steps:
            if step.kind is StepKind.HOST:
                meanwhile = block.meanwhile if step is meanwhile_step else ()
                with contextlib.suppress(Exception):
                    host.terminal.execute(step.command, meanwhile)
        self.done.append(block)

    def _setup(self, block: SessionBlock, host: _Host) -> list[str]:
        """Run ``data-setup`` on the second terminal (`run_unseen`).

        A command that fails (a typo in a VM alias or command, an mdb left
        open) is bad input: the reader never sees what it printed, so the
        block's own diff could not say why it differs. The emulator failing is
        returned as a problem of the block's first step.
        """
        if not block.setup:
            return []
        try:
            results = run_unseen(host.other_terminal(), block.setup)
        except Exception as exc:
            return [f"data-setup: the emulator failed: {type(exc).__name__}: {exc}"]
        self._unseen_failed(block, "data-setup", results)
        return []

    def _unseen_failed(self, block: SessionBlock, source: str, results: Sequence[Unseen]) -> None:
        """Raise `BlockError` (``FILE:LINE: message``, exit 2) if one of ``results`` failed."""
        failed = first_failure(results)
        if failed is not None:
            raise BlockError(self.document.path, block.line, failed.describe(source))

    @staticmethod
    def _prompt_problems(step: Step, terminal: TerminalLike) -> list[str]:
        shown = terminal.prompt
        if step.prompt == "# ":
            if step.mode_before is Mode.SHELL and shown.rstrip().endswith("#"):
                return []
        elif step.prompt.rstrip() == shown.rstrip():
            return []
        return [f"the host's prompt is {shown!r}, the page shows {step.prompt!r}"]


def replay_document(
    document: Document,
    host_factory: HostFactory = tools_host,
    real: RealCommands | None = None,
    only: Collection[SessionBlock] | None = None,
) -> list[BlockResult]:
    """Replay ``document``'s session blocks; with ``only``, just far enough to check those.

    Blocks not in ``only`` are replayed with `PageReplay.advance` (host state
    only), and nothing after the last block of ``only`` runs.
    """
    replay = PageReplay(document, host_factory, real)
    wanted = (
        document.sessions
        if only is None
        else [b for b in document.sessions if any(b is o for o in only)]
    )
    results = []
    for block in document.sessions:
        if not wanted:
            break
        if block is wanted[0]:
            results.append(replay.run(block))
            wanted.pop(0)
        else:
            replay.advance(block)
    return results
