"""Every script in ``examples/`` runs, exits 0, and prints what its page says.

A page shows an example with pymdownx.snippets (``--8<-- "examples/NAME.py"``
inside a ``python`` fence) and runs it in a ``$ python examples/NAME.py``
session block whose output is the example's printed output. These tests hold
each example to that: it must be shown on a page, run there, exit 0, and print
output matching every block that runs it (same rules as ``hvmdoc check``:
``...`` elides). ``hvmdoc check`` replays the same blocks; this suite makes an
example that is never shown, never run, or failing visible by name.
"""

from __future__ import annotations

import difflib
import functools
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import ROOT, shared_file

from hvmdoc.sessions import compare, transcript
from hvmdoc.sessions.find import markdown_files, read_page

EXAMPLES = ROOT / "examples"
DOCS = ROOT / "docs"
SCRIPTS = sorted(path.name for path in EXAMPLES.glob("*.py"))
_SNIPPET = re.compile(r"""^\s*--8<--\s+["']examples/(?P<name>[^"']+)["']\s*$""")
_RUN = re.compile(r"^python3? examples/(?P<name>[A-Za-z0-9_.-]+\.py)\s*$")


@dataclass(frozen=True)
class Shown:
    """A page's ``$ python examples/NAME.py`` step: where, and the output it shows."""

    page: Path
    line: int
    output: tuple[str, ...]
    elide: bool


def _session_fences(page_path: Path) -> list[tuple[int, tuple[str, ...], bool]]:
    """(first content line, lines, elision on) of every ``.hvmdoc`` fence of a page."""
    fences = []
    for fence in read_page(page_path).fences:
        info = fence.info
        if "hvmdoc" in info and "hvmdoc-static" not in info:
            fences.append((fence.first_content_line, fence.lines, 'data-elide="off"' not in info))
    return fences


@functools.cache
def _pages() -> tuple[Path, ...]:
    return tuple(markdown_files([DOCS]))


@functools.cache
def _included() -> dict[str, list[Path]]:
    """Example file name -> pages that include it with a snippet."""
    found: dict[str, list[Path]] = {}
    for page in _pages():
        for line in page.read_text(encoding="utf-8").splitlines():
            match = _SNIPPET.match(line)
            if match:
                found.setdefault(match["name"], []).append(page)
    return found


@functools.cache
def _runs() -> dict[str, list[Shown]]:
    """Example script name -> the session steps that run it."""
    found: dict[str, list[Shown]] = {}
    for page in _pages():
        for first_line, lines, elide in _session_fences(page):
            for index, line in enumerate(lines):
                if not line.startswith("$ "):
                    continue
                match = _RUN.match(line[2:])
                if match is None:
                    continue
                end = index + 1
                while end < len(lines) and not re.match(r"^(\$|#|\[[^\]]*\]#) ", lines[end]):
                    end += 1
                found.setdefault(match["name"], []).append(
                    Shown(page, first_line + index, tuple(lines[index + 1 : end]), elide)
                )
    return found


@functools.cache
def _run(name: str) -> subprocess.CompletedProcess[str]:
    """Run ``python examples/NAME`` from the repository root, as the page's block does."""
    return subprocess.run(
        [sys.executable, f"examples/{name}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_there_are_at_least_five_examples() -> None:
    assert len(SCRIPTS) >= 5, SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_is_shown_on_a_page(name: str) -> None:
    assert _included().get(name), f"examples/{name} is not included in any page (--8<--)"


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_is_run_by_a_session_block(name: str) -> None:
    shown = _runs().get(name, [])
    assert shown, f"no '$ python examples/{name}' session block on any page"
    for step in shown:
        concrete = [line for line in step.output if line.strip() and line.strip() != "..."]
        assert concrete, (
            f"{step.page.relative_to(ROOT)}:{step.line}: the block shows no output line of "
            f"examples/{name}, so it could never fail"
        )


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_exits_0_quietly(name: str) -> None:
    completed = _run(name)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == "", completed.stderr
    assert completed.stdout.strip(), f"examples/{name} printed nothing"


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_prints_what_its_page_says(name: str) -> None:
    completed = _run(name)
    actual = compare.trim_blank_tail(completed.stdout.splitlines())
    shown = _runs().get(name, [])
    assert shown, f"no page runs examples/{name}"
    for step in shown:
        expected = compare.trim_blank_tail(step.output)
        assert compare.matches(expected, actual, step.elide), (
            f"{step.page.relative_to(ROOT)}:{step.line}: examples/{name} printed something else\n"
            + "\n".join(difflib.unified_diff(expected, actual, "page", "printed", lineterm=""))
        )


def test_session_steps_are_found_like_the_checker_finds_them() -> None:
    """This file's own block reading agrees with hvmdoc.sessions.transcript on every run."""
    ours = {(s.page, s.line): s.output for shown in _runs().values() for s in shown}
    for page in _pages():
        for first_line, lines, _ in _session_fences(page):
            if not any(_RUN.match(line[2:]) for line in lines if line.startswith("$ ")):
                continue
            steps, _ = transcript.split(lines, first_line, transcript.Mode.SHELL)
            for step in steps:
                if _RUN.match(step.command):
                    assert ours[(page, step.line)] == step.output


def test_sample_inputs_are_our_own() -> None:
    """Nothing under ../shared/data is copied into examples/ (team rule)."""
    shared = shared_file("data").parent / "data"
    originals = [p.read_bytes() for p in shared.iterdir() if p.is_file()]
    for sample in sorted(EXAMPLES.iterdir()):
        if sample.suffix == ".py" or not sample.is_file():
            continue
        data = sample.read_bytes()
        assert data not in originals, f"{sample.name} is a copy of a file in ../shared/data"
        for original in originals:
            assert len(data) < 200 or data not in original, f"{sample.name} is cut from shared data"
