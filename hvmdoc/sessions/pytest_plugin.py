"""pytest plugin: every session block and Python example under ``docs/`` is a test item.

Items are named after their line (``docs/story/who-holds-it.md::session_30``,
``...::python_66``). Running one item replays the earlier session blocks of its
page first (silently), so ``pytest 'docs/x.md::session_40'`` works alone; in a
full run each page's host carries from item to item. Items of a page share an
``xdist_group``, so ``pytest -n 2 --dist loadgroup`` keeps them on one worker.
``--hvmdoc-update`` rewrites differing outputs, as ``hvmdoc check --update``.
Bad input on a page is one failing ``bad_input`` item listing ``FILE:LINE: message``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from hvmdoc.sessions.blocks import Document, PythonBlock, SessionBlock, load_path
from hvmdoc.sessions.errors import BlockError
from hvmdoc.sessions.find import read_exactly
from hvmdoc.sessions.python import run_python
from hvmdoc.sessions.real import repo_root
from hvmdoc.sessions.replay import (
    HostFactory,
    HostStartFailed,
    PageReplay,
    known_scenarios,
    tools_host,
)
from hvmdoc.sessions.update import Edit, update_file

_REPLAYS = pytest.StashKey[dict[Path, PageReplay]]()
_EDITS_PROPERTY = "hvmdoc-edits"


class CheckFailed(Exception):
    """A block differs from the model, or is bad input; the message is the report."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--hvmdoc-update`` and the ``hvmdoc_paths`` ini setting."""
    group = parser.getgroup("hvmdoc", "hvmdoc executable documentation")
    group.addoption(
        "--hvmdoc-update",
        action="store_true",
        default=False,
        help="Rewrite the output lines of session blocks (and #> lines) that differ.",
    )
    parser.addini(
        "hvmdoc_host_factory",
        type="string",
        default="",
        help="module:function making a host from a HostSpec (default: tools' HostSession).",
    )
    parser.addini(
        "hvmdoc_paths",
        type="linelist",
        default=["docs"],
        help="Folders (relative to the rootdir) whose Markdown pages are collected.",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Set up the page replays and (on the controller) the update writer."""
    config.stash[_REPLAYS] = {}
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Updates(), "hvmdoc-updates")
    if not config.pluginmanager.hasplugin("xdist"):
        config.addinivalue_line("markers", "xdist_group(name): keep items on one xdist worker")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> MarkdownPage | None:
    """Collect ``*.md`` files below the ``hvmdoc_paths`` folders."""
    if file_path.suffix != ".md":
        return None
    config = parent.config
    roots = [config.rootpath / entry for entry in config.getini("hvmdoc_paths")]
    if not any(file_path.is_relative_to(root) for root in roots):
        return None
    page: MarkdownPage = MarkdownPage.from_parent(parent, path=file_path)
    return page


class MarkdownPage(pytest.File):
    """A page: one item per session block and Python example."""

    def collect(self) -> Iterator[pytest.Item]:
        """Yield the page's items, all in the page's ``xdist_group``."""
        custom = bool(self.config.getini("hvmdoc_host_factory"))
        document, errors = load_path(self.path, None if custom else known_scenarios())
        group = pytest.mark.xdist_group(name=f"hvmdoc:{self.nodeid}")
        items: list[pytest.Item] = []
        if errors or document is None:
            items.append(BadInputItem.from_parent(self, name="bad_input", errors=errors))
        else:
            for block in document.blocks:
                if isinstance(block, SessionBlock):
                    items.append(
                        SessionItem.from_parent(
                            self, name=f"session_{block.line}", document=document, block=block
                        )
                    )
                elif isinstance(block, PythonBlock):
                    items.append(
                        PythonItem.from_parent(
                            self, name=f"python_{block.line}", document=document, block=block
                        )
                    )
        for item in items:
            item.add_marker(group)
            yield item


class _PageItem(pytest.Item):
    """Common reporting: failures print their report, never a traceback."""

    line = 0

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The report for a mismatch or bad input, pytest's usual output otherwise."""
        if isinstance(excinfo.value, CheckFailed | BlockError | HostStartFailed):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the block is."""
        return self.path, max(self.line - 1, 0), self.name


class BadInputItem(_PageItem):
    """Fails with every ``FILE:LINE: message`` of a page that cannot be read."""

    def __init__(self, *, errors: list[BlockError], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.errors = errors

    def runtest(self) -> None:
        """Fail with the messages."""
        raise CheckFailed("\n".join(error.message for error in self.errors))


class SessionItem(_PageItem):
    """One session block, replayed after the page's earlier blocks."""

    def __init__(self, *, document: Document, block: SessionBlock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.document = document
        self.block = block
        self.line = block.line

    def _replay(self) -> PageReplay:
        replays = self.config.stash[_REPLAYS]
        sessions = self.document.sessions
        position = next(i for i, block in enumerate(sessions) if block is self.block)
        replay = replays.get(self.path)
        if (
            replay is None
            or replay.document is not self.document
            or len(replay.done) != position
            or any(a is not b for a, b in zip(replay.done, sessions, strict=False))
        ):
            replay = PageReplay(self.document, _host_factory(self.config))
            for earlier in sessions[:position]:
                replay.advance(earlier)
            replays[self.path] = replay
        return replay

    def runtest(self) -> None:
        """Replay and compare; with ``--hvmdoc-update`` remember the new outputs."""
        result = self._replay().run(self.block)
        if result.ok:
            return
        if self.config.getoption("hvmdoc_update") and result.fixable:
            _remember(self, result.edits())
            return
        raise CheckFailed(result.report())


class PythonItem(_PageItem):
    """One Python example (``#>`` lines hold its print output)."""

    def __init__(self, *, document: Document, block: PythonBlock, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.document = document
        self.block = block
        self.line = block.line

    def runtest(self) -> None:
        """Run and compare; with ``--hvmdoc-update`` remember the new ``#>`` lines."""
        result = run_python(self.block, repo_root(self.path.parent))
        if result.ok:
            return
        if self.config.getoption("hvmdoc_update") and result.error is None:
            _remember(self, result.edits())
            return
        raise CheckFailed(result.report())


def _host_factory(config: pytest.Config) -> HostFactory:
    """The ``hvmdoc_host_factory`` ini setting, imported (tests use a fake host)."""
    spec = str(config.getini("hvmdoc_host_factory") or "")
    if not spec:
        return tools_host
    module, _, name = spec.partition(":")
    factory: HostFactory = getattr(importlib.import_module(module), name)
    return factory


def _remember(item: pytest.Item, edits: list[Edit]) -> None:
    """Attach ``edits`` to the item's report; the controller writes them (xdist-safe)."""
    rows = [[edit.line, edit.count, list(edit.lines), edit.indent] for edit in edits]
    item.user_properties.append((_EDITS_PROPERTY, [str(item.path), rows]))


class _Updates:
    """Collects the edits reported by items (from any worker) and writes each page once."""

    def __init__(self) -> None:
        self.pending: dict[Path, list[Edit]] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Pick up edits attached by `_remember`."""
        for name, value in report.user_properties:
            if name == _EDITS_PROPERTY and report.when == "call":
                path, rows = cast(list[Any], value)
                self.pending.setdefault(Path(path), []).extend(
                    Edit(line, count, tuple(lines), indent) for line, count, lines, indent in rows
                )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Apply every page's edits to the page as it is on disk, atomically."""
        for path, edits in self.pending.items():
            update_file(path, read_exactly(path), edits)
        self.pending.clear()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give every grouped item its ``@group`` suffix under ``--dist loadgroup``.

    pytest-xdist 3.8 sets ``item._nodeid``, which pytest 9 no longer reads (it
    keeps ``_id``), so groups are silently ignored; do it the pytest 9 way. Not
    only for our page items: tests/site groups the tests that share a
    session-scoped site build, which would otherwise be built on both workers.
    The group name is read as xdist reads it (first argument, else ``name=``).
    Harmless if xdist did it already. (pytest 9 re-renders a parametrized id
    from its parts in some reports, showing ``test[0]@group]``; scheduling uses
    the exact string.)
    """
    if not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # an older pytest: xdist's own suffix works there
        return
    for item in items:
        if "@" in item.nodeid:
            continue
        marker = item.get_closest_marker("xdist_group")
        if marker is not None:
            name = marker.args[0] if marker.args else marker.kwargs.get("name", "default")
            item._id = NodeId.parse(f"{item.nodeid}@{name}")
