"""Python examples on pages: run with pytest-examples' machinery, '#>' output checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmdoc.sessions import python
from hvmdoc.sessions.blocks import PythonBlock, load_path
from hvmdoc.sessions.checker import check
from hvmdoc.sessions.python import PythonResult

GOOD = '```python\nx = [1, 2]\nprint(len(x), "items")\n#> 2 items\n```\n'
STALE = '```python\nprint("now")\n#> then\n```\n'
RAISES = "```python\nx = 1\nraise ValueError('no')\n```\n"


def test_print_output_matches(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_text(GOOD)
    report = check([tmp_path])
    assert (report.python, report.exit_code) == (1, 0)


def test_stale_print_output_fails_then_updates(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("Intro.\n\n" + STALE)
    report = check([page])
    assert report.exit_code == 1
    assert "p.md:3: the Python example printed something else" in report.failures[0]
    assert "+#> now" in report.failures[0]
    assert check([page], update=True).updated == [page]
    assert page.read_text() == 'Intro.\n\n```python\nprint("now")\n#> now\n```\n'
    assert check([page]).exit_code == 0


def test_an_exception_names_the_page_line(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(RAISES)
    report = check([page], update=True)
    assert report.exit_code == 1 and report.updated == []
    assert "raised ValueError: no (line 3)" in report.failures[0]


def test_the_worker_runs_examples_in_a_child_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "p.md"
    page.write_text(
        GOOD + "\n" + STALE + "\n" + '```python\nimport sys\nsys.stdout.write("x")\n```\n'
    )
    document, errors = load_path(page)
    assert document is not None and not errors
    blocks = [b for b in document.blocks if isinstance(b, PythonBlock)]

    def not_here(block: PythonBlock, root: Path) -> PythonResult:
        raise AssertionError("ran in-process")

    monkeypatch.setattr(python, "run_python", not_here)
    worker = python.PythonWorker(blocks, tmp_path)
    results = [worker.result(block) for block in blocks]
    worker.close()
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].updated is not None and "#> now" in results[1].updated
