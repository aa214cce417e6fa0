"""Text <-> records for what real ``mdb``, ``dtrace`` and ``vmadm`` print.

Pure text code: nothing here knows the model. Each format module
(:mod:`~hvmdoc.formats.mdb`, :mod:`~hvmdoc.formats.dtrace`,
:mod:`~hvmdoc.formats.vmadm`) has frozen dataclass records, a streaming
``parse(lines, source="<stdin>")`` that yields records and raises only
:class:`~hvmdoc.formats.errors.ParseError`, and ``render(records)`` yielding
lines without newlines. :mod:`~hvmdoc.formats.fold` folds DTrace stacks the
way FlameGraph's ``stackcollapse.pl`` does; :mod:`~hvmdoc.formats.symbolize`
names bare-address frames from a symbol table.
"""

from hvmdoc.formats.errors import ParseError

__all__ = ["ParseError"]
