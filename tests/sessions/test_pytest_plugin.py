"""The pytest plugin, driven in a subprocess on a small project with a fake host."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from .pages import fence

HERE = Path(__file__).resolve().parent
FRONT = "---\nhvmdoc:\n  scenario: box\n---\n\n"
PAGE = (
    FRONT
    + fence("# vmadm start a\nSuccessfully started VM a")  # line 6
    + fence("# vmadm start b\nSuccessfully started VM b")  # line 11
    + fence("# vmadm list\na  running\nb  running")  # line 16
    + "```python\nprint(2 + 2)\n#> 4\n```\n"  # line 22
)


def project(tmp_path: Path, pages: dict[str, str]) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.pytest.ini_options]\naddopts = "-p no:cacheprovider"\npythonpath = ["."]\n'
        'hvmdoc_host_factory = "fakehost:fake_host"\n'
    )
    (tmp_path / "fakehost.py").write_text((HERE / "fakes.py").read_text())
    for name, text in pages.items():
        path = tmp_path / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "notes.md").write_text("```console\n# not collected: outside docs/\n```\n")
    return tmp_path


def pytest_run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:hypothesispytest", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_items_are_named_by_line_and_pass(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.md": PAGE})
    result = pytest_run(root, "--collect-only")
    items = re.findall(r"^docs/\S+", result.stdout, re.M)
    assert items == [
        "docs/a.md::session_6",
        "docs/a.md::session_11",
        "docs/a.md::session_16",
        "docs/a.md::python_22",
    ]
    assert pytest_run(root).returncode == 0


def test_one_item_alone_replays_the_earlier_blocks_first(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.md": PAGE})
    result = pytest_run(root, "docs/a.md::session_16")
    assert result.returncode == 0, result.stdout
    assert "1 passed" in result.stdout


def test_a_mismatch_fails_with_a_report_and_update_fixes_it(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.md": PAGE.replace("b  running", "c  running")})
    failed = pytest_run(root)
    assert failed.returncode == 1
    assert "docs/a.md:17: # vmadm list" in failed.stdout
    assert "Traceback" not in failed.stdout
    assert pytest_run(root, "--hvmdoc-update").returncode == 0
    assert (root / "docs" / "a.md").read_text() == PAGE


def test_bad_input_is_one_failing_item_with_file_and_line(tmp_path: Path) -> None:
    root = project(tmp_path, {"bad.md": FRONT + fence("# a", 'data-nope="1" ')})
    result = pytest_run(root)
    assert result.returncode == 1
    assert "docs/bad.md:6: unknown attribute data-nope" in result.stdout
    assert "Traceback" not in result.stdout


def test_pages_stay_on_one_xdist_worker_and_updates_from_workers_land(tmp_path: Path) -> None:
    stale = PAGE.replace("b  running", "c  running")
    root = project(tmp_path, {"p0.md": stale, "p1.md": PAGE, "p2.md": stale})
    result = pytest_run(root, "-n", "2", "--dist", "loadgroup", "-v", "-v", "--hvmdoc-update")
    assert result.returncode == 0, result.stdout
    workers: dict[str, set[str]] = {}
    for worker, page in re.findall(r"\[(gw\d)\].*?(docs/p\d\.md)::", result.stdout):
        workers.setdefault(page, set()).add(worker)
    assert len(workers) == 3
    assert all(len(found) == 1 for found in workers.values()), workers
    assert all((root / "docs" / f"p{i}.md").read_text() == PAGE for i in range(3))


def test_ordinary_tests_in_one_xdist_group_stay_on_one_worker(tmp_path: Path) -> None:
    # tests/site shares one session-scoped site build among the tests of a group;
    # with xdist 3.8 under pytest 9 the group was ignored and both workers built it.
    root = project(tmp_path, {})
    (root / "test_grouped.py").write_text(
        "import pytest\n"
        "pytestmark = pytest.mark.xdist_group('build')\n"
        "@pytest.mark.parametrize('i', range(8))\n"
        "def test_a(i): pass\n"
        "@pytest.mark.xdist_group(name='other')\n"
        "@pytest.mark.parametrize('i', range(8))\n"
        "def test_b(i): pass\n"
    )
    result = pytest_run(root, "-n", "2", "--dist", "loadgroup", "-v", "-v", "test_grouped.py")
    assert result.returncode == 0, result.stdout
    workers: dict[str, set[str]] = {}
    for worker, test, group in re.findall(
        r"\[(gw\d)\].*?test_grouped\.py::(test_\w)\[\d\]@(\w+)", result.stdout
    ):
        workers.setdefault(f"{test}@{group}", set()).add(worker)
    assert set(workers) == {"test_a@build", "test_b@other"}, result.stdout
    assert all(len(found) == 1 for found in workers.values()), workers


def test_update_leaves_a_block_with_a_problem_alone(tmp_path: Path) -> None:
    # Stale output in the first step, a wrong prompt in the second: the block
    # still fails, and none of it is rewritten.
    page = FRONT + fence("# echo a\nstale\n[root@elsewhere /root]# echo b\nb")
    root = project(tmp_path, {"a.md": page})
    result = pytest_run(root, "--hvmdoc-update")
    assert result.returncode == 1, result.stdout
    assert "the host's prompt is" in result.stdout
    assert (root / "docs" / "a.md").read_text() == page


def test_a_failing_setup_command_fails_the_item_and_update_keeps_the_page(tmp_path: Path) -> None:
    page = FRONT + fence("# vmadm list\nstale", 'data-setup="vmadm start a; nosuch" ')
    root = project(tmp_path, {"a.md": page})
    result = pytest_run(root, "--hvmdoc-update")
    assert result.returncode == 1, result.stdout
    assert "docs/a.md:6: data-setup 'nosuch' failed (exit 127): sh: nosuch: not found" in (
        result.stdout
    )
    assert "Traceback" not in result.stdout
    assert (root / "docs" / "a.md").read_text() == page
