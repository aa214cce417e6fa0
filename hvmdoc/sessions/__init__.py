"""Executable sessions: find them in Markdown, replay them on the model, compare, update.

Stages, one module each (after Sybil and pytest-examples): `.find` scans a
page for fences and front matter, `.attributes` reads a fence's info
string, `.blocks` classifies fences and checks their attributes,
`.transcript` splits a session into prompt/command/output steps,
`.replay` runs them on emulated hosts (`.real` runs ``$ hvmdoc`` and
``$ python examples/...`` for real), `.compare` matches outputs with
elision, `.update` rewrites pages atomically, `.python` runs Python
examples, `.checker` ties them together, and `.pytest_plugin` makes
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
