"""Python examples on pages: run with pytest-examples' machinery, '#>' output checked."""

from __future__ import annotations

from pathlib import Path

from hvmdoc.sessions.checker import check

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
