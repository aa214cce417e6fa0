"""POSIX basic regular expressions (``regex(7)``), as Python's `re` reads them.

One translation for every emulated command that takes a BRE: the shell's
``grep`` and mdb's ``! grep PATTERN`` shell escape. What BREs mean follows
illumos ``regex(7)`` (the man page of ``regcomp(3C)``'s basic syntax): ``.``,
``*`` (literal first in the expression or a group), ``^`` an anchor only first,
``$`` only last, ``\\(`` ``\\)`` groups, ``\\{m,n\\}`` intervals, ``\\1``-``\\9``
back-references, ``[...]`` bracket expressions with ``[:class:]`` names; the
characters ``+ ? | ( ) { }`` are plain characters.
"""

from __future__ import annotations

import re

#: ``[:name:]`` inside a bracket expression, as a Python class body.
_CLASSES = {
    "alpha": "a-zA-Z",
    "digit": "0-9",
    "alnum": "a-zA-Z0-9",
    "upper": "A-Z",
    "lower": "a-z",
    "xdigit": "0-9A-Fa-f",
    "space": " \\t\\n\\r\\f\\v",
    "blank": " \\t",
    "punct": re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    "cntrl": "\\x00-\\x1f\\x7f",
    "print": "\\x20-\\x7e",
    "graph": "\\x21-\\x7e",
}


def to_python(pattern: str) -> str | None:
    """``pattern`` as a Python regular expression, or None when it is not a
    valid BRE (an unclosed bracket or group, an unknown class, a bad interval)."""
    out: list[str] = []
    depth = 0
    index = 0
    start_of_group = True  # where '*' is literal and '^' anchors
    while index < len(pattern):
        char = pattern[index]
        at_start = start_of_group
        start_of_group = False
        if char == "\\":
            following = pattern[index + 1 : index + 2]
            if not following:
                return None
            index += 2
            if following == "(":
                depth += 1
                out.append("(")
                start_of_group = True
            elif following == ")":
                if depth == 0:
                    return None
                depth -= 1
                out.append(")")
            elif following == "{":
                end = pattern.find("\\}", index)
                if end < 0 or not out or not re.fullmatch(r"\d+(,\d*)?", pattern[index:end]):
                    return None
                out.append("{" + pattern[index:end] + "}")
                index = end + 2
            elif following.isdigit() and following != "0":
                out.append("\\" + following)
            else:
                out.append(re.escape(following))
            continue
        if char == "[":
            bracket = _bracket(pattern, index)
            if bracket is None:
                return None
            text, index = bracket
            out.append(text)
            continue
        if char == "*":
            out.append("\\*" if at_start else "*")
        elif char == "^":
            out.append("^" if at_start else "\\^")
            start_of_group = at_start  # '^*' : the star is still literal
        elif char == "$":
            last = index == len(pattern) - 1 or pattern.startswith("\\)", index + 1)
            out.append("$" if last else "\\$")
        elif char == ".":
            out.append(".")
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out) if depth == 0 else None


def _bracket(pattern: str, index: int) -> tuple[str, int] | None:
    """The bracket expression at ``pattern[index] == '['``: (Python text, index after)."""
    position = index + 1
    negate = pattern.startswith("^", position)
    if negate:
        position += 1
    body: list[str] = []
    first = True
    while position < len(pattern):
        char = pattern[position]
        if char == "]" and not first:
            return f"[{'^' if negate else ''}{''.join(body)}]", position + 1
        first = False
        if pattern.startswith("[:", position):
            end = pattern.find(":]", position + 2)
            name = pattern[position + 2 : end] if end >= 0 else ""
            if name not in _CLASSES:
                return None
            body.append(_CLASSES[name])
            position = end + 2
            continue
        if pattern.startswith(("[=", "[."), position):
            return None  # equivalence classes and collating symbols: not modelled
        body.append("\\" + char if char in "\\[]^" else char)
        position += 1
    return None


def compile_bre(pattern: str, flags: int = 0) -> re.Pattern[str] | None:
    """`to_python`, compiled; None when the pattern is not a valid BRE."""
    translated = to_python(pattern)
    if translated is None:
        return None
    try:
        return re.compile(translated, flags)
    except re.error:
        return None
