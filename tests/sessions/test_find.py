"""Scanning pages: front matter, fences at any indentation, nesting."""

from __future__ import annotations

from pathlib import Path

import pytest

from hvmdoc.sessions.errors import BlockError
from hvmdoc.sessions.find import markdown_files, scan, split_lines

PAGE = """---
title: x
hvmdoc:
  scenario: emy-17
---

# Heading

=== "Before"

    ``` { .console .hvmdoc }
    # uname -v
    joyent_old
    ```

````markdown
``` { .console .hvmdoc }
# not a fence of its own
```
````

~~~python
print(1)
~~~
"""


def test_front_matter_and_fences_in_tabs_and_nested_fences() -> None:
    page = scan(Path("p.md"), PAGE)
    assert page.front_matter["hvmdoc"] == {"scenario": "emy-17"}
    assert [(f.line, f.info.strip()) for f in page.fences] == [
        (11, "{ .console .hvmdoc }"),
        (16, "markdown"),
        (22, "python"),
    ]
    tab = page.fences[0]
    assert tab.indent == "    "
    assert tab.lines == ("# uname -v", "joyent_old")
    assert page.fences[1].lines[0] == "``` { .console .hvmdoc }"


def test_unclosed_fence_runs_to_the_end() -> None:
    page = scan(Path("p.md"), "```console\n# a\n")
    assert not page.fences[0].closed
    assert page.fences[0].lines == ("# a",)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("---\nhvmdoc: [\n---\n", 2, "not valid YAML"),
        ("---\n- a\n---\n", 1, "must be a YAML mapping"),
        ("---\nhvmdoc: {}\n", 1, "never ends"),
    ],
)
def test_bad_front_matter_is_located(text: str, line: int, message: str) -> None:
    with pytest.raises(BlockError) as caught:
        scan(Path("p.md"), text)
    assert caught.value.line == line
    assert message in caught.value.message


def test_markdown_files_lists_pages_once_and_rejects_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.md").write_text("x")
    (tmp_path / "y.md").write_text("y")
    (tmp_path / "z.txt").write_text("z")
    found = markdown_files([tmp_path, tmp_path / "y.md"])
    assert found == [tmp_path / "a" / "x.md", tmp_path / "y.md"]
    with pytest.raises(BlockError, match="no such file"):
        markdown_files([tmp_path / "missing"])


def test_scanner_agrees_with_commonmark_on_top_level_fences() -> None:
    """Where markdown-it-py (CommonMark) sees a fence, the scanner sees the same one.

    The scanner also finds fences that CommonMark reads as indented code (inside
    content tabs and admonitions), as pymdownx.superfences does.
    """
    from markdown_it import MarkdownIt

    text = PAGE + "\n- item\n\n  ```console\n  # in a list\n  ```\n"
    tokens = MarkdownIt("commonmark").parse(text)
    commonmark = {
        (token.map[0] + 1, token.info.strip())
        for token in tokens
        if token.type == "fence" and token.map is not None
    }
    ours = {(fence.line, fence.info.strip()) for fence in scan(Path("p.md"), text).fences}
    assert commonmark and commonmark <= ours
    assert (11, "{ .console .hvmdoc }") in ours - commonmark  # the one inside the tab


def test_lines_end_where_commonmark_ends_them() -> None:
    # str.splitlines() would also split at a form feed, U+0085 or U+2028
    # (pasted from a web page): line numbers would drift from the editor's.
    text = "---\nhvmdoc:\n  scenario: x\n---\r\na\x0cb\u2028c\rd\r\n```console\ne\x85f\n```\n"
    page = scan(Path("p.md"), text)
    (fence,) = page.fences
    assert fence.line == 7
    assert fence.lines == ("e\x85f",)
    assert split_lines(text)[4:7] == ["a\x0cb\u2028c", "d", "```console"]
    assert "".join(split_lines(text, keepends=True)) == text
