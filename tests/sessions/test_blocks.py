"""Classifying fences and rejecting bad blocks with FILE:LINE."""

from __future__ import annotations

import pytest

from hvmdoc.sessions.blocks import PythonBlock, SessionBlock, StaticBlock, split_commands

from .pages import FRONT, document, errors_of, fence


def test_blocks_are_classified_in_order() -> None:
    text = (
        FRONT
        + fence("# uname -v\nx", 'data-platform="new" data-setup="vmadm start a; echo b" ')
        + '``` { .console .hvmdoc-static data-reason="needs a real disk" }\n# zpool list\n```\n\n'
        + "```python\nprint(1)\n#> 1\n```\n\n"
        + '```python\n--8<-- "examples/x.py"\n```\n\n'
        + "```c\nint x;\n```\n"
    )
    doc = document(text)
    kinds = [type(block) for block in doc.blocks]
    assert kinds == [SessionBlock, StaticBlock, PythonBlock]
    session = doc.sessions[0]
    assert session.line == 6
    assert session.fresh is not None and session.fresh.platform == "new"
    assert session.setup == ("vmadm start a", "echo b")
    assert doc.host.scenario == "emy-17"


def test_split_commands_keeps_semicolons_in_quotes_and_d_clauses() -> None:
    assert split_commands("dtrace -n 'a:entry { stack(); trace(1); }' ; vmadm stop x;") == (
        "dtrace -n 'a:entry { stack(); trace(1); }'",
        "vmadm stop x",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (fence("# a", 'data-scenario="mars" '), "6: unknown scenario 'mars'"),
        (fence("# a", 'data-colour="red" '), "6: unknown attribute data-colour"),
        (fence("# a", 'data-stup="x" '), "data-stup on a session block (did you mean data-setup?)"),
        (fence("# a", 'data-elide="maybe" '), 'data-elide must be "on" or "off"'),
        (fence("# a", 'data-seed="x" '), "data-seed must be an integer"),
        (fence("# a", 'data-meanwhile="vmadm start x" '), "data-meanwhile needs"),
        ("```console\n# a\n```\n", "6: console block is neither executable"),
        ('```console scenario="x"\n# a\n```\n', "pymdownx.superfences"),
        ("``` { .hvmdoc .console }\n# a\n```\n", "language class comes first"),
        ("``` { .console .hvmdoc .hvmdoc-static }\n# a\n```\n", "not both"),
        ("``` { .python .hvmdoc }\nprint(1)\n```\n", "6: a .hvmdoc block is a console session"),
        ("``` { .bash .hvmdoc }\n# a\n```\n", "not bash: write ``` { .console .hvmdoc"),
        ("``` { .console .hvmdoc-static }\n# a\n```\n", "needs data-reason"),
        ('``` { .console .hvmdoc-static data-reason="x" data-cpu="amd" }\n```\n', "static block"),
        ("``` { .console .hvmdoc\n# a\n```\n", "does not end"),
        ("``` { .console .hvmdoc }\n# a\n", "never closed"),
        (fence("> ::help"), "7: the block begins at mdb's '> ' prompt"),
    ],
)
def test_bad_blocks_report_file_and_line(text: str, message: str) -> None:
    errors = errors_of(FRONT + text)
    assert errors, "expected bad input"
    assert errors[0].startswith("page.md:")
    assert any(message in error for error in errors), errors


def test_front_matter_errors() -> None:
    assert (
        "unknown front matter key hvmdoc.scenery"
        in errors_of("---\nhvmdoc:\n  scenery: x\n---\n")[0]
    )
    assert "hvmdoc.seed must be an integer" in errors_of("---\nhvmdoc:\n  seed: x\n---\n")[0]
    assert errors_of("---\ntitle: t\nhvmdoc:\n  scenario: mars\n---\n") == [
        "page.md:4: unknown scenario 'mars' (known: emy-17)"
    ]


def test_a_session_needs_a_host_unless_it_only_runs_real_commands() -> None:
    assert "no host for this session" in errors_of(fence("# uname -v"))[0]
    assert errors_of(fence("$ hvmdoc --version")) == []
    assert errors_of(fence("# uname -v", 'data-scenario="emy-17" ')) == []


def test_mdb_left_open_carries_to_the_next_block_of_the_same_host_only() -> None:
    text = FRONT + fence("# mdb -k") + fence("> $q") + fence("> ::help", 'data-host="b" ')
    errors = errors_of(text)
    assert len(errors) == 1 and "no earlier block left mdb -k open" in errors[0]
    fresh = FRONT + fence("# mdb -k") + fence("# uname -v", 'data-platform="x" ')
    assert errors_of(fresh) == []
