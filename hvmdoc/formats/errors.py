"""The one error a parser in `hvmdoc.formats` may raise.

Every parser reports bad input as a `ParseError` that names the source
(``<stdin>`` for standard input), the 1-based line and column, the offending
text and what the parser expected there; no other exception escapes a parser,
whatever its input (the fuzz tests in ``tests/fuzz`` hold them to that).
"""

from __future__ import annotations

from hvmdoc.errors import BadInput

__all__ = ["ParseError"]


class ParseError(BadInput):
    """Input that is not the format a parser reads.

    ``str(error)`` is the one-line ``SOURCE:LINE:COL: message`` form the CLI prints.
    """

    def __init__(self, source: str, line: int, column: int, text: str, expected: str) -> None:
        self.source = source
        self.line = line
        self.column = column
        self.text = text
        self.expected = expected
        shown = text if len(text) <= 60 else text[:57] + "..."
        super().__init__(f"{source}:{line}:{column}: expected {expected}, found {shown!r}")

    def __reduce__(self) -> tuple[type[ParseError], tuple[str, int, int, str, str]]:
        return (ParseError, (self.source, self.line, self.column, self.text, self.expected))
