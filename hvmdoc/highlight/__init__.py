"""Pygments lexers for the sessions on the hvmdoc site.

Two lexers, registered through the ``pygments.lexers`` entry point (see
``pyproject.toml``), so Pygments, pymdownx.highlight and Zensical find them by
alias:

- `DtraceLexer` (``dtrace``): DTrace's D
  language. Pygments' own ``d`` lexer is for the D *programming language*,
  which has neither probe descriptions, predicates nor aggregations.
- `HvmdocSessionLexer` (``hvmdoc-session``):
  a SmartOS global-zone terminal as the site shows it: shell prompts and
  commands, ``mdb -k`` at its ``> `` prompt, dtrace programs inside quotes,
  and the output of vmadm, mdb and dtrace.

The session lexer marks every prompt as ``Generic.Prompt`` and every output
line as ``Generic.Output`` (or a subtype of it), which is what the site's
copy button relies on to copy commands only.
"""

from __future__ import annotations

from hvmdoc.highlight.dtrace import DtraceLexer
from hvmdoc.highlight.session import HvmdocSessionLexer

__all__ = ["DtraceLexer", "HvmdocSessionLexer"]
