"""--update: only output lines change, '...' kept, idempotent, atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hvmdoc.sessions.checker import check
from hvmdoc.sessions.update import Edit, apply_edits, write_atomically

from .fakes import fake_host
from .pages import FRONT, fence

STALE = (
    FRONT
    + "Some prose stays.\n\n"
    + '=== "Tab"\n\n'
    + "    ``` { .console .hvmdoc }\n"
    + "    # mdb -k\n"
    + "    Loading modules: [ ... ]\n"
    + "    > hvm_excl_holder::print\n"
    + '    0xdead "old"\n'
    + "    > $q\n"
    + "    ```\n\n"
    + fence("# vmadm start a\nSuccessfully started VM a\n# vmadm list\n...\nstale line")
)


def test_update_rewrites_only_output_lines_and_is_idempotent(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(STALE)
    first = check([page], update=True, host_factory=fake_host, python=False)
    assert first.updated == [page] and first.exit_code == 0
    updated = page.read_text()
    assert "    0\n    > $q" in updated  # indented like its tab
    assert "Loading modules: [ ... ]" in updated  # elision kept where it matches
    assert "stale line" not in updated and "a  running" in updated

    def kept(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.lstrip().startswith(("#", ">", "`"))]

    assert kept(updated) == kept(STALE)
    assert updated.startswith(FRONT + "Some prose stays.\n")
    assert check([page], host_factory=fake_host).exit_code == 0
    second = check([page], update=True, host_factory=fake_host)
    assert second.updated == [] and page.read_text() == updated


def test_without_update_a_stale_page_fails_and_is_untouched(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(STALE)
    report = check([page], host_factory=fake_host)
    assert report.exit_code == 1 and len(report.failures) == 2
    assert page.read_text() == STALE


def test_apply_edits_keeps_line_endings_and_missing_final_newline() -> None:
    text = "a\r\nb\r\nc"
    assert apply_edits(text, [Edit(2, 1, ("x", "y"))]) == "a\r\nx\r\ny\r\nc"
    assert apply_edits("a\nb\n", [Edit(2, 1, ("", "z"), "  ")]) == "a\n\n  z\n"


def test_write_is_atomic_when_replacing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "page.md"
    page.write_text("original\n")
    page.chmod(0o640)

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(page, "new\n")
    assert page.read_text() == "original\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.md"]
    monkeypatch.undo()
    write_atomically(page, "new\n")
    assert page.read_text() == "new\n" and page.stat().st_mode & 0o777 == 0o640


def test_output_that_reads_as_a_prompt_is_reported_not_written(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    text = FRONT + fence("# echo # not a prompt\nstale")
    page.write_text(text)
    report = check([page], update=True, host_factory=fake_host)
    assert report.exit_code == 1 and report.updated == []
    assert "reads as a prompt" in report.failures[0]
    assert page.read_text() == text


def test_update_of_a_crlf_page_keeps_every_line_end(tmp_path: Path) -> None:
    # A page saved by a Windows editor: --update must not turn it into LF
    # (a whole-file diff), only its stale output lines change.
    page = tmp_path / "page.md"
    page.write_bytes(STALE.replace("\n", "\r\n").encode())
    report = check([page], update=True, host_factory=fake_host, python=False)
    assert report.updated == [page] and report.exit_code == 0
    data = page.read_bytes()
    assert b"stale line" not in data
    assert data.count(b"\n") == data.count(b"\r\n") > 10
    again = check([page], update=True, host_factory=fake_host, python=False)
    assert again.updated == [] and page.read_bytes() == data


def test_a_byte_order_mark_does_not_hide_the_front_matter(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_bytes(b"\xef\xbb\xbf" + STALE.encode())
    report = check([page], update=True, host_factory=fake_host, python=False)
    assert not report.errors, [e.message for e in report.errors]
    assert report.updated == [page]
    assert page.read_bytes().startswith(b"\xef\xbb\xbf---\n")  # kept as it was


def test_a_block_with_any_problem_is_not_rewritten(tmp_path: Path) -> None:
    # The first step's output is stale (fixable), the second's prompt is wrong
    # (not): writing the first would hide a block that still fails.
    page = tmp_path / "page.md"
    text = FRONT + fence("# echo a\nstale\n[root@elsewhere /root]# echo b\nb")
    page.write_text(text)
    report = check([page], update=True, host_factory=fake_host)
    assert report.exit_code == 1 and report.updated == []
    assert "the host's prompt is" in report.failures[0]
    assert page.read_text() == text
