"""The info string of a fence: language, classes and ``key="value"`` attributes.

Session blocks use the attribute-list form that pymdownx.superfences renders
and Material highlights, the language first:

    ``` { .console .hvmdoc data-setup="vmadm start test" }

Anything else after ``console`` (for instance ``console scenario="x"``) is
refused: superfences silently turns a fence with an option it does not know
into paragraphs, and ``mkdocs build --strict`` does not notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""\s*(?:
        \.(?P<cls>[A-Za-z0-9_-]+)
      | \#(?P<id>[A-Za-z0-9_:-]+)
      | (?P<key>[A-Za-z_][A-Za-z0-9_:-]*)
        (?:=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=}]+)))?
    )""",
    re.VERBOSE,
)


class InfoStringError(ValueError):
    """An info string that cannot be read; the message says why."""


@dataclass(frozen=True)
class FenceInfo:
    """What the opening line of a fence says about the block."""

    text: str
    """The info string as written (after the backticks)."""
    language: str
    """The first class or word (``console``, ``python``), ``""`` if none."""
    classes: tuple[str, ...] = ()
    """Classes after the language (``hvmdoc``, ``hvmdoc-static``)."""
    attributes: dict[str, str] = field(default_factory=dict)
    """``key="value"`` pairs, in the order written."""
    braced: bool = False
    """True for the attribute-list form ``{ ... }``."""
    extra: str = ""
    """Words after the language in the plain form (``console foo="x"``)."""


def parse_info(text: str) -> FenceInfo:
    """Read a fence's info string; raise `InfoStringError` when malformed."""
    stripped = text.strip()
    if not stripped.startswith("{"):
        if "{" in stripped:
            language, _, rest = stripped.partition("{")
            raise InfoStringError(
                f"write the language inside the braces: ``` {{ .{language.strip()} {rest.strip()}"
            )
        language, _, extra = stripped.partition(" ")
        return FenceInfo(text=text, language=language.strip(), extra=extra.strip())
    if not stripped.endswith("}"):
        raise InfoStringError(f"attribute list {stripped!r} does not end with '}}'")
    body = stripped[1:-1]
    classes: list[str] = []
    attributes: dict[str, str] = {}
    position = 0
    while position < len(body):
        if body[position:].strip() == "":
            break
        match = _TOKEN.match(body, position)
        if match is None or match.end() == position:
            raise InfoStringError(f"cannot read the attribute list at {body[position:].strip()!r}")
        position = match.end()
        if match["cls"] is not None:
            classes.append(match["cls"])
        elif match["key"] is not None:
            key = match["key"]
            value = next(
                (v for v in (match["dq"], match["sq"], match["bare"]) if v is not None), None
            )
            if value is None and body[position : position + 1] == "=":
                raise InfoStringError(
                    f"cannot read the attribute list at {body[position:].strip()!r} "
                    "(a quote left open?)"
                )
            if value is None:
                raise InfoStringError(f'attribute {key!r} has no value (write {key}="...")')
            if key in attributes:
                raise InfoStringError(f"attribute {key!r} is given twice")
            attributes[key] = value
        if position < len(body) and not body[position].isspace():
            raise InfoStringError(f"cannot read the attribute list at {body[position:].strip()!r}")
    language = classes[0] if classes else ""
    return FenceInfo(
        text=text,
        language=language,
        classes=tuple(classes[1:]),
        attributes=attributes,
        braced=True,
    )
