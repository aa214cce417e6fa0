"""Classify a page's fences into session, static and Python blocks, checking attributes.

A *session* block is a fence with the ``hvmdoc`` class (after the language
class); a *static* one has ``hvmdoc-static`` and a ``data-reason``; a *Python*
example is a ``python``/``py`` fence. Every ``console`` fence must be one of
the first two. Everything wrong with a block is collected as a
`BlockError`, so one run reports all of them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hvmdoc.sessions import transcript
from hvmdoc.sessions.attributes import FenceInfo, InfoStringError, parse_info
from hvmdoc.sessions.errors import BlockError
from hvmdoc.sessions.find import Fence, Page, read_page, split_lines

SESSION = "hvmdoc"
STATIC = "hvmdoc-static"
PYTHON_LANGUAGES = frozenset({"python", "py"})
#: Block attributes that start a fresh host (and the front-matter keys they override).
HOST_KEYS = ("scenario", "platform", "cpu", "seed")
SESSION_ATTRIBUTES = frozenset(
    {f"data-{key}" for key in HOST_KEYS}
    | {"data-setup", "data-meanwhile", "data-elide", "data-host"}
)
STATIC_ATTRIBUTES = frozenset({"data-reason"})
DEFAULT_HOST = "main"


@dataclass(frozen=True)
class HostSpec:
    """How to build a host: `hvmdoc.tools.session.HostSession`'s arguments."""

    scenario: str | None = None
    platform: str | None = None
    cpu: str | None = None
    seed: int | None = None

    def merged(self, other: HostSpec) -> HostSpec:
        """This spec with ``other``'s given fields taking precedence."""
        return HostSpec(
            scenario=other.scenario or self.scenario,
            platform=other.platform or self.platform,
            cpu=other.cpu or self.cpu,
            seed=other.seed if other.seed is not None else self.seed,
        )


@dataclass
class SessionBlock:
    """An executable session: steps replayed on a host, outputs compared."""

    fence: Fence
    host: str
    """Name of the page host it runs on (``data-host``, default ``main``)."""
    fresh: HostSpec | None
    """Set when the block starts a fresh host (``data-scenario``/``platform``/``cpu``/``seed``)."""
    setup: tuple[str, ...]
    meanwhile: tuple[str, ...]
    elide: bool
    steps: list[transcript.Step] = field(default_factory=list)

    @property
    def line(self) -> int:
        """1-based line of the opening fence."""
        return self.fence.line

    @property
    def uses_host(self) -> bool:
        """Whether the block runs on an emulated host: it sets one up, starts a fresh
        one, or runs a command there (not only ``$ hvmdoc``/``$ python`` for real)."""
        return bool(
            self.setup
            or self.fresh
            or any(step.kind is transcript.StepKind.HOST for step in self.steps)
        )


@dataclass
class PythonBlock:
    """A Python example, run with pytest-examples' machinery (``#>`` shows print output)."""

    fence: Fence

    @property
    def line(self) -> int:
        """1-based line of the opening fence."""
        return self.fence.line


@dataclass
class StaticBlock:
    """A block shown but not run, and why."""

    fence: Fence
    reason: str

    @property
    def line(self) -> int:
        """1-based line of the opening fence."""
        return self.fence.line


Block = SessionBlock | PythonBlock | StaticBlock


@dataclass
class Document:
    """A page read for checking: its host settings and its blocks, in order."""

    page: Page
    host: HostSpec
    blocks: list[Block]

    @property
    def path(self) -> Path:
        """The page's file."""
        return self.page.path

    @property
    def sessions(self) -> list[SessionBlock]:
        """The session blocks, in page order."""
        return [block for block in self.blocks if isinstance(block, SessionBlock)]

    def host_spec(self, block: SessionBlock) -> HostSpec:
        """The spec of the host ``block`` runs on, as `hvmdoc.sessions.replay` builds it:
        the front matter's, with the ``data-*`` host attributes of the last block on the
        same ``data-host`` that started a fresh one (``block`` itself included)."""
        specs: dict[str, HostSpec] = {}
        for session in self.sessions:
            if session.fresh is not None or session.host not in specs:
                specs[session.host] = self.host.merged(session.fresh or HostSpec())
            if session is block:
                return specs[session.host]
        raise ValueError(f"line {block.line}: not a session block of {self.path}")


def split_commands(text: str) -> tuple[str, ...]:
    """Split ``"CMD; CMD"`` at semicolons outside quotes and braces (D clauses keep theirs)."""
    commands: list[str] = []
    current: list[str] = []
    quote = ""
    depth = 0
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif char == ";" and depth == 0:
            commands.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    commands.append("".join(current).strip())
    return tuple(command for command in commands if command)


def _front_matter_host(page: Page, errors: list[BlockError]) -> HostSpec:
    settings: Any = page.front_matter.get("hvmdoc")
    if settings is None:
        return HostSpec()
    if not isinstance(settings, dict):
        errors.append(BlockError(page.path, 1, "front matter 'hvmdoc' must be a mapping"))
        return HostSpec()
    unknown = sorted(set(map(str, settings)) - set(HOST_KEYS))
    if unknown:
        errors.append(
            BlockError(
                page.path,
                1,
                f"unknown front matter key hvmdoc.{unknown[0]} (known: {', '.join(HOST_KEYS)})",
            )
        )
    values: dict[str, Any] = {}
    for key in HOST_KEYS:
        value = settings.get(key)
        if value is None:
            continue
        if key == "seed":
            if not isinstance(value, int) or isinstance(value, bool):
                errors.append(
                    BlockError(page.path, 1, f"hvmdoc.seed must be an integer: {value!r}")
                )
                continue
        elif not isinstance(value, str):
            errors.append(BlockError(page.path, 1, f"hvmdoc.{key} must be a string: {value!r}"))
            continue
        values[key] = value
    return HostSpec(**values)


def _fence_info(fence: Fence, errors: list[BlockError]) -> FenceInfo | None:
    try:
        return parse_info(fence.info)
    except InfoStringError as exc:
        if SESSION in fence.info or fence.info.strip().startswith("console"):
            errors.append(BlockError(fence.path, fence.line, str(exc)))
        return None


def _session(
    fence: Fence, info: FenceInfo, errors: list[BlockError], scenarios: Collection[str] | None
) -> SessionBlock | None:
    attributes = info.attributes
    problems: list[str] = []
    unknown = [a for a in attributes if a.startswith("data-") and a not in SESSION_ATTRIBUTES]
    if unknown:
        close = difflib.get_close_matches(unknown[0], SESSION_ATTRIBUTES, n=1)
        hint = (
            f"did you mean {close[0]}?"
            if close
            else f"known: {', '.join(sorted(SESSION_ATTRIBUTES))}"
        )
        problems.append(f"unknown attribute {unknown[0]} on a session block ({hint})")
    if not fence.closed:
        problems.append("the fence is never closed")
    elide = attributes.get("data-elide", "on")
    if elide not in {"on", "off"}:
        problems.append(f'data-elide must be "on" or "off", not {elide!r}')
    seed: int | None = None
    if "data-seed" in attributes:
        try:
            seed = int(attributes["data-seed"])
        except ValueError:
            problems.append(f"data-seed must be an integer, not {attributes['data-seed']!r}")
    scenario = attributes.get("data-scenario")
    if scenario is not None and scenarios is not None and scenario not in scenarios:
        problems.append(f"unknown scenario {scenario!r} (known: {', '.join(sorted(scenarios))})")
    for key in ("data-setup", "data-meanwhile", "data-host", "data-platform", "data-cpu"):
        if key in attributes and not attributes[key].strip():
            problems.append(f"{key} is empty")
    if problems:
        errors.extend(BlockError(fence.path, fence.line, problem) for problem in problems)
        return None
    fresh = HostSpec(
        scenario=scenario,
        platform=attributes.get("data-platform"),
        cpu=attributes.get("data-cpu"),
        seed=seed,
    )
    return SessionBlock(
        fence=fence,
        host=attributes.get("data-host", DEFAULT_HOST),
        fresh=fresh if fresh != HostSpec() else None,
        setup=split_commands(attributes.get("data-setup", "")),
        meanwhile=split_commands(attributes.get("data-meanwhile", "")),
        elide=elide == "on",
    )


def _classify(
    fence: Fence, errors: list[BlockError], scenarios: Collection[str] | None
) -> Block | None:
    info = _fence_info(fence, errors)
    if info is None:
        return None
    session = SESSION in info.classes
    static = STATIC in info.classes
    if info.language in {SESSION, STATIC}:
        errors.append(
            BlockError(
                fence.path,
                fence.line,
                f"the language class comes first: ``` {{ .console .{info.language} ... }}",
            )
        )
        return None
    if session and static:
        errors.append(
            BlockError(fence.path, fence.line, f"a block is .{SESSION} or .{STATIC}, not both")
        )
        return None
    if session and info.language != "console":
        errors.append(
            BlockError(
                fence.path,
                fence.line,
                f"a .{SESSION} block is a console session, not {info.language or 'unnamed'}: "
                f"write ``` {{ .console .{SESSION} ... }} (a Python example is a plain ```python "
                "fence)",
            )
        )
        return None
    if static:
        unknown = [
            a for a in info.attributes if a.startswith("data-") and a not in STATIC_ATTRIBUTES
        ]
        if unknown:
            errors.append(
                BlockError(
                    fence.path, fence.line, f"unknown attribute {unknown[0]} on a static block"
                )
            )
            return None
        reason = info.attributes.get("data-reason", "").strip()
        if not reason:
            errors.append(
                BlockError(
                    fence.path,
                    fence.line,
                    f'a .{STATIC} block needs data-reason="why it is not run"',
                )
            )
            return None
        return StaticBlock(fence=fence, reason=reason)
    if session:
        return _session(fence, info, errors, scenarios)
    if info.language == "console":
        if info.extra:
            message = (
                f"console fence with options {info.extra!r}: pymdownx.superfences renders a fence "
                "with options it does not know as plain paragraphs; write "
                '``` { .console .hvmdoc data-... } (or .hvmdoc-static data-reason="...")'
            )
        else:
            message = (
                "console block is neither executable ({ .console .hvmdoc }) nor static "
                '({ .console .hvmdoc-static data-reason="..." })'
            )
        errors.append(BlockError(fence.path, fence.line, message))
        return None
    if info.language.lower() in PYTHON_LANGUAGES and not _only_snippets(fence):
        return PythonBlock(fence=fence)
    return None


def _only_snippets(fence: Fence) -> bool:
    """True for a fence that only includes files (``--8<-- "examples/x.py"``): nothing to run."""
    lines = [line.strip() for line in fence.lines if line.strip()]
    return not lines or all(line.startswith("--8<--") for line in lines)


def _replaces_host(command: str) -> bool:
    """True when ``command`` runs ``reboot`` or ``reset`` (a pipeline's or list's command)."""
    return any(
        part.split()[0].rsplit("/", 1)[-1] in {"reboot", "reset"}
        for part in re.split(r"[;&|]", command)
        if part.split()
    )


def load(page: Page, scenarios: Collection[str] | None = None) -> tuple[Document, list[BlockError]]:
    """Classify ``page``'s fences and split its sessions into steps; collect every error."""
    errors: list[BlockError] = []
    host = _front_matter_host(page, errors)
    if host.scenario is not None and scenarios is not None and host.scenario not in scenarios:
        line = next(
            (n for n, text in enumerate(split_lines(page.text), 1) if "scenario:" in text), 1
        )
        errors.append(
            BlockError(
                page.path,
                line,
                f"unknown scenario {host.scenario!r} (known: {', '.join(sorted(scenarios))})",
            )
        )
    blocks: list[Block] = []
    for fence in page.fences:
        block = _classify(fence, errors, scenarios)
        if block is not None:
            blocks.append(block)
    modes: dict[str, transcript.Mode] = {}
    named: set[str] = set()
    for block in blocks:
        if not isinstance(block, SessionBlock):
            continue
        # A reboot or reset in data-setup (another terminal's, recorded by
        # `hvmdoc shell --record`) ends an mdb an earlier block left open, as it
        # does in the replay (HostSession.rebooted/reset end every terminal's).
        restarted = block.fresh is not None or any(map(_replaces_host, block.setup))
        mode = transcript.Mode.SHELL if restarted else modes.get(block.host, transcript.Mode.SHELL)
        try:
            block.steps, modes[block.host] = transcript.split(
                block.fence.lines, block.fence.first_content_line, mode
            )
        except transcript.TranscriptError as exc:
            errors.append(BlockError(page.path, exc.line, exc.message))
            continue
        if host.scenario or (block.fresh is not None and block.fresh.scenario):
            named.add(block.host)
        if block.meanwhile and not any(
            step.kind is transcript.StepKind.HOST and transcript.is_long_running(step.command)
            for step in block.steps
        ):
            errors.append(
                BlockError(
                    page.path,
                    block.line,
                    "data-meanwhile needs a long-running command in the block "
                    "(a foreground dtrace)",
                )
            )
        needs_host = any(step.kind is transcript.StepKind.HOST for step in block.steps)
        if needs_host and block.host not in named:
            errors.append(
                BlockError(
                    page.path,
                    block.line,
                    "no host for this session: name one in the front matter "
                    "(hvmdoc: {scenario: NAME}) or with data-scenario",
                )
            )
    return Document(page=page, host=host, blocks=blocks), errors


def load_path(
    path: Path, scenarios: Collection[str] | None = None
) -> tuple[Document | None, list[BlockError]]:
    """Read ``path`` and `load` it; front matter errors leave no document."""
    try:
        page = read_page(path)
    except BlockError as exc:
        return None, [exc]
    return load(page, scenarios)
