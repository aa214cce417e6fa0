"""Compare a page's expected output with what the model printed.

Rules: exact, except trailing whitespace on each line (editors strip it, dtrace
prints it) and blank lines at the end of a block. With elision on (the
default), a line that is only ``...`` matches any run of lines, including none,
and ``...`` inside a line matches any text. `merge` is what ``--update``
writes: the model's output, keeping the page's own lines (and its ``...``)
wherever they still match.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Sequence

ELLIPSIS = "..."


@functools.lru_cache(maxsize=4096)
def _line_pattern(pattern: str) -> re.Pattern[str]:
    return re.compile(".*?".join(re.escape(part) for part in pattern.split(ELLIPSIS)), re.DOTALL)


def is_elision(line: str, elide: bool) -> bool:
    """True for a line that is only ``...`` (when elision is on)."""
    return elide and line.strip() == ELLIPSIS


def line_matches(pattern: str, actual: str, elide: bool = True) -> bool:
    """Whether one expected line matches one printed line."""
    pattern = pattern.rstrip()
    actual = actual.rstrip()
    if pattern == actual:
        return True
    if not elide or ELLIPSIS not in pattern:
        return False
    return _line_pattern(pattern).fullmatch(actual) is not None


def trim_blank_tail(lines: Sequence[str]) -> list[str]:
    """``lines`` without the blank lines at their end."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return list(lines[:end])


def matches(expected: Sequence[str], actual: Sequence[str], elide: bool = True) -> bool:
    """Whether ``actual`` lines match the ``expected`` lines (with their elisions).

    Glob matching over lines, where an elision line plays ``*``: linear in the
    usual case, never worse than ``len(expected) * len(actual)``.
    """
    p = e = 0
    star = -1
    mark = 0
    while e < len(actual):
        if p < len(expected) and is_elision(expected[p], elide):
            star, mark = p, e
            p += 1
        elif p < len(expected) and line_matches(expected[p], actual[e], elide):
            p += 1
            e += 1
        elif star >= 0:
            p = star + 1
            mark += 1
            e = mark
        else:
            return False
    while p < len(expected) and is_elision(expected[p], elide):
        p += 1
    return p == len(expected)


def merge(expected: Sequence[str], actual: Sequence[str], elide: bool = True) -> list[str]:
    """The expected lines ``--update`` writes: ``actual``, keeping the page's matching lines.

    An alignment of least cost (a line added, dropped or replaced costs 1; a
    page line that still matches, or an elision absorbing a printed line, costs 0).
    The result always matches ``actual``, and merging again changes nothing.
    """
    if matches(expected, actual, elide):
        return list(expected)
    m, n = len(expected), len(actual)
    cost = [[0] * (n + 1) for _ in range(m + 1)]
    for j in range(n + 1):
        cost[m][j] = n - j
    for i in range(m - 1, -1, -1):
        row, below = cost[i], cost[i + 1]
        row[n] = below[n] if is_elision(expected[i], elide) else 1 + below[n]
        for j in range(n - 1, -1, -1):
            if is_elision(expected[i], elide):
                row[j] = min(below[j], row[j + 1])
                continue
            best = 1 + min(below[j], row[j + 1], below[j + 1])
            if line_matches(expected[i], actual[j], elide):
                best = below[j + 1]
            row[j] = best
    merged: list[str] = []
    i = j = 0
    while i < m:
        here = cost[i][j]
        if is_elision(expected[i], elide):
            if cost[i + 1][j] == here:
                merged.append(expected[i])
                i += 1
            else:
                j += 1
        elif j < n and cost[i + 1][j + 1] == here and line_matches(expected[i], actual[j], elide):
            merged.append(expected[i])
            i += 1
            j += 1
        elif j < n and cost[i + 1][j + 1] + 1 == here:
            merged.append(actual[j])
            i += 1
            j += 1
        elif j < n and cost[i][j + 1] + 1 == here:
            merged.append(actual[j])
            j += 1
        else:
            i += 1
    merged.extend(actual[j:])
    return merged


def unified_diff(expected: Sequence[str], merged: Sequence[str], where: str) -> str:
    """A unified diff from the page's lines to the lines ``--update`` would write."""
    return "\n".join(
        difflib.unified_diff(
            [line.rstrip() for line in expected],
            [line.rstrip() for line in merged],
            fromfile=f"{where} (page)",
            tofile=f"{where} (model)",
            lineterm="",
        )
    )
