"""Text <-> records for what real ``mdb``, ``dtrace`` and ``vmadm`` print.

Pure text code: nothing here knows the model. Each format module
(`mdb`, `dtrace`,
`vmadm`) has frozen dataclass records, a streaming
``parse(lines, source="<stdin>")`` that yields records and raises only
`ParseError`, and ``render(records)`` yielding
lines without newlines. `fold` folds DTrace stacks the
way FlameGraph's ``stackcollapse.pl`` does; `symbolize`
names bare-address frames from a symbol table.
"""

from hvmdoc.formats.errors import ParseError

__all__ = ["ParseError"]
