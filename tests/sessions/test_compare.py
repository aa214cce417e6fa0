"""Output comparison: whitespace, elision, and the merge --update writes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hvmdoc.sessions.compare import line_matches, matches, merge, unified_diff


def test_trailing_whitespace_is_ignored_but_not_leading() -> None:
    assert line_matches("hvm_excl_hold:entry", "hvm_excl_hold:entry ")
    assert not line_matches("x", " x")


def test_inline_elision_matches_any_text() -> None:
    assert line_matches("Loading modules: [ ... ]", "Loading modules: [ unix genunix specfs ]")
    assert not line_matches("Loading modules: [ ... ]", "Loading modules: unix")
    assert not line_matches("a...", "a.b", elide=False)
    assert line_matches("a...", "a...", elide=False)


def test_elision_line_matches_any_run_of_lines_including_none() -> None:
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert matches(["a", "...", "z"], ["a", "z"])
    assert matches(["...", "c"], ["a", "b", "c"])
    assert not matches(["a", "...", "z"], ["a", "b"])
    assert not matches(["a", "...", "z"], ["a", "b", "z", "q"])
    assert not matches(["a", "...", "z"], ["a", "b", "z"], elide=False)


def test_merge_keeps_matching_lines_and_elisions() -> None:
    expected = ["Loading modules: [ ... ]", "header", "...", "old tail"]
    actual = ["Loading modules: [ unix ]", "header", "x", "y", "new tail"]
    merged = merge(expected, actual)
    assert merged[:3] == ["Loading modules: [ ... ]", "header", "..."]
    assert "old tail" not in merged and merged[-1] == "new tail"
    assert matches(merged, actual)


def test_merge_of_a_match_changes_nothing() -> None:
    expected = ["a ", "...", "c"]
    assert merge(expected, ["a", "b", "c"]) is not expected
    assert merge(expected, ["a", "b", "c"]) == expected


def test_diff_shows_what_update_would_write() -> None:
    diff = unified_diff(["a", "b"], ["a", "c"], "p.md:3")
    assert "--- p.md:3 (page)" in diff and "-b" in diff and "+c" in diff


lines = st.lists(st.sampled_from(["a", "b", "c", "...", "a ...", "x"]), max_size=8)


@given(expected=lines, actual=st.lists(st.sampled_from(["a", "b", "c", "a b", "x"]), max_size=8))
def test_merge_always_matches_and_is_idempotent(expected: list[str], actual: list[str]) -> None:
    merged = merge(expected, actual)
    assert matches(merged, actual)
    assert merge(merged, actual) == merged


@given(actual=st.lists(st.sampled_from(["a", "b", "c"]), max_size=6))
def test_literal_lines_match_only_themselves(actual: list[str]) -> None:
    assert matches(actual, actual)
    assert not matches([*actual, "extra"], actual)


@pytest.mark.parametrize("n", [0, 1, 50])
def test_matches_scales_to_long_outputs(n: int) -> None:
    actual = [f"line {i}" for i in range(n)]
    assert matches(["...", *actual[-1:]], actual)
