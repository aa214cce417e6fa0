"""hvmdoc.tools.bre: POSIX basic regular expressions (regex(7)) for grep and mdb's '! grep'."""

from __future__ import annotations

import pytest

from hvmdoc.tools.bre import compile_bre, to_python


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("hvm_excl", ["hvm_excl_hold"], ["hvm_exc"]),
        ("^hvm", ["hvm_x"], ["x hvm"]),
        ("a^b", ["a^b"], ["ab"]),  # '^' not first is a character
        ("hold$", ["excl_hold"], ["holder"]),
        ("a$b", ["a$b"], ["ab"]),
        ("*x", ["*x"], ["x"]),  # '*' first is a character
        ("ab*c", ["ac", "abbc"], ["adc"]),
        ("a.c", ["abc"], ["ac"]),
        ("a+b", ["a+b"], ["aab"]),  # '+', '?', '|', '(' are characters
        ("a|b", ["a|b"], ["a"]),
        ("(x)", ["(x)"], ["x"]),
        ("\\(ab\\)\\1", ["abab"], ["ab"]),  # groups and back-references
        ("x\\{2,3\\}", ["xx"], ["x"]),
        ("[[:digit:]]\\{4\\}", ["2018"], ["201"]),
        ("[^a-z]", ["A"], ["a"]),
        ("[]x]", ["]"], ["y"]),  # ']' first in a bracket is a member
        ("\\.", ["."], ["a"]),
    ],
)
def test_bre_matches_as_regex7_says(pattern: str, matches: list[str], misses: list[str]) -> None:
    compiled = compile_bre(pattern)
    assert compiled is not None, to_python(pattern)
    for text in matches:
        assert compiled.search(text), (pattern, text)
    for text in misses:
        assert not compiled.search(text), (pattern, text)


@pytest.mark.parametrize("pattern", ["[abc", "\\(x", "x\\)", "[[:nosuch:]]", "\\{2\\}", "x\\"])
def test_invalid_bres_are_none(pattern: str) -> None:
    assert compile_bre(pattern) is None
