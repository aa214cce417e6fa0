"""Executable sessions: find them in Markdown, replay them on the model, compare, update.

Stages, one module each (after Sybil and pytest-examples): :mod:`.find` scans a
page for fences and front matter, :mod:`.attributes` reads a fence's info
string, :mod:`.blocks` classifies fences and checks their attributes,
:mod:`.transcript` splits a session into prompt/command/output steps,
:mod:`.replay` runs them on emulated hosts (:mod:`.real` runs ``$ hvmdoc`` and
``$ python examples/...`` for real), :mod:`.compare` matches outputs with
elision, :mod:`.update` rewrites pages atomically, :mod:`.python` runs Python
examples, :mod:`.checker` ties them together, and :mod:`.pytest_plugin` makes
each block a pytest item.
"""

from __future__ import annotations

from hvmdoc.sessions.blocks import Document, HostSpec, PythonBlock, SessionBlock, StaticBlock
from hvmdoc.sessions.checker import CheckReport, check
from hvmdoc.sessions.errors import BlockError

__all__ = [
    "BlockError",
    "CheckReport",
    "Document",
    "HostSpec",
    "PythonBlock",
    "SessionBlock",
    "StaticBlock",
    "check",
]
