"""A Pygments lexer for SmartOS terminal sessions as the hvmdoc site shows them.

Alias ``hvmdoc-session`` (also ``hvmdoc`` and ``smartos-console``). The site maps
every ``console`` fence to it (``extend_pygments_lang`` in ``mkdocs.yml``).

What it recognises, line by line:

- shell prompts: ``# ``, ``$ `` and ``[user@host dir]# `` (the SmartOS global
  zone's ``PS1``), as ``Generic.Prompt``; the rest of the line is a command;
- inside an interactive ``mdb -k`` (until ``$q``), mdb's ``> `` prompt, and
  dcmds such as ``::print``, ``::whatis``, ``::walk``, ``$q``; a block that
  starts at ``> `` is taken to continue an mdb session (issue 4 allows this);
- a quoted program after ``dtrace -n`` is lexed as D (`.dtrace`);
  ``echo 'SYM::print' | mdb -k`` lexes the echoed text as an mdb command;
- every other line is output, ``Generic.Output`` or one of its subtypes
  (``Address``, ``Symbol``, ``String``, ``Header``, ``Error``, ``Info``,
  ``Elision``), which the HTML formatter renders as ``go`` / ``go-Address`` ...

Every prompt is a ``Generic.Prompt`` token and nothing else is, and no command
text is ever a ``Generic.Output`` token: ``docs/javascripts/hvmdoc-copy.js``
relies on both to copy commands only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from pygments.lexer import Lexer  # type: ignore[import-untyped]  # no stubs for Pygments
from pygments.token import (  # type: ignore[import-untyped]
    Comment,
    Generic,
    Name,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Whitespace,
    _TokenType,
)

from hvmdoc.highlight.dtrace import DtraceLexer

#: Token types of output lines; all are ``Generic.Output`` or below it.
OUTPUT = Generic.Output
OUTPUT_ADDRESS = Generic.Output.Address
OUTPUT_SYMBOL = Generic.Output.Symbol
OUTPUT_STRING = Generic.Output.String
OUTPUT_HEADER = Generic.Output.Header
OUTPUT_ERROR = Generic.Output.Error
OUTPUT_INFO = Generic.Output.Info
OUTPUT_ELISION = Generic.Output.Elision

Token = tuple[int, _TokenType, str]

#: Shell prompts: ``[root@emy-17 /root]# ``, ``# ``, ``$ ``.
SHELL_PROMPT = re.compile(r"(?:\[[^\]\n]*\][#$%>]|[#$%]) ")
#: mdb's prompt.
MDB_PROMPT = re.compile(r"> ")

#: Commands a SmartOS global zone (and this project) runs in the site's sessions.
KNOWN_COMMANDS = frozenset(
    {
        "bash",
        "cat",
        "cd",
        "dtrace",
        "echo",
        "grep",
        "hvmdoc",
        "imgadm",
        "jobs",
        "kill",
        "ls",
        "make",
        "mdb",
        "pip",
        "ps",
        "python",
        "python3",
        "reboot",
        "svcs",
        "sysinfo",
        "uname",
        "vm",
        "vmadm",
        "zlogin",
        "zoneadm",
    }
)

#: Commands whose first argument is a subcommand (``vmadm start``, ``hvmdoc race``).
SUBCOMMAND_TOOLS = frozenset({"hvmdoc", "imgadm", "svcadm", "vmadm", "zoneadm"})

_SHELL_TOKEN = re.compile(
    r"""
    (?P<space>[ \t]+)
  | (?P<comment>\#.*)
  | (?P<subst>\$\((?:[^()]|\([^()]*\))*\)|`[^`]*`)
  | (?P<var>\$\{[^}]*\}|\$[A-Za-z_?#@!$0-9]\w*)
  | (?P<single>'[^']*'?)
  | (?P<double>"(?:\\.|[^"\\])*"?)
  | (?P<operator>&&|\|\||[|;&]|\d?>>?&?\d?|<)
  | (?P<word>(?:\\.|[^\s'"|;&<>$`])+|\$)
    """,
    re.VERBOSE,
)

_MDB_TOKEN = re.compile(
    r"""
    (?P<space>[ \t]+)
  | (?P<dcmd>::[A-Za-z_][\w-]*|\$[A-Za-z<>?][\w]*|/[A-Za-z]+|\?[A-Za-z]+|=[A-Za-z]+)
  | (?P<hex>0[xX][0-9a-fA-F]+|[0-9a-fA-F]{8,16}\b)
  | (?P<number>\d+)
  | (?P<type>[A-Za-z_]\w*_t\b)
  | (?P<string>"[^"]*"?)
  | (?P<operator>[|!,+*-])
  | (?P<option>-[A-Za-z]+)
  | (?P<symbol>[A-Za-z_.][\w.`]*)
  | (?P<other>.)
    """,
    re.VERBOSE,
)

_OUTPUT_TOKEN = re.compile(
    r"""
    (?P<symbol>\(\w+\+0x[0-9a-fA-F]+\)|\b\w+`\w+(?:\+0x[0-9a-fA-F]+)?)
  | (?P<address>\b0x[0-9a-fA-F]+\b)
  | (?P<string>"[^"\n]*")
    """,
    re.VERBOSE,
)

#: A line of column names: dtrace's ``CPU ID FUNCTION:NAME``, vmadm's ``UUID TYPE ...``.
_HEADER_LINE = re.compile(r"\s*[A-Z][A-Z_:]+(?:\s+[A-Z][A-Z_:]+)+\s*")
_ERROR_LINE = re.compile(
    r"(?:Unable to |Invalid or missing |Could not |open /dev/|mdb: "
    r"|dtrace: (?:failed|invalid|error)|panic\[|hvmdoc: |sh: |bash: "
    r"|.*: command not found|.*: not found|Error|ERROR)"
)
_INFO_LINE = re.compile(r"(?:dtrace: description |Loading modules: )")


class HvmdocSessionLexer(Lexer):  # type: ignore[misc]  # Pygments is untyped
    """Lexer for SmartOS global-zone sessions: shell, ``mdb -k`` and dtrace."""

    name = "hvmdoc session"
    aliases: ClassVar[list[str]] = ["hvmdoc-session", "hvmdoc", "smartos-console"]
    filenames: ClassVar[list[str]] = []
    mimetypes: ClassVar[list[str]] = ["text/x-hvmdoc-session"]

    def get_tokens_unprocessed(self, text: str) -> Iterator[Token]:
        """Yield ``(offset, token type, text)`` for ``text``, one line at a time."""
        in_mdb = False
        continued = False  # the previous command line ended with a backslash
        first = True
        offset = 0
        for line in text.splitlines(keepends=True):
            body = line.rstrip("\n")
            newline = line[len(body) :]
            if first and body.strip():
                in_mdb = MDB_PROMPT.match(body) is not None
                first = False
            if continued:
                yield from self._shell_command(offset, body)
                continued = body.endswith("\\")
            elif in_mdb and (prompt := MDB_PROMPT.match(body)):
                yield offset, Generic.Prompt, prompt.group()
                command = body[prompt.end() :]
                yield from _mdb_command(offset + prompt.end(), command)
                if command.strip() in {"$q", "::quit", "$Q"}:
                    in_mdb = False
            elif prompt := SHELL_PROMPT.match(body):
                yield offset, Generic.Prompt, prompt.group()
                command = body[prompt.end() :]
                yield from self._shell_command(offset + prompt.end(), command)
                in_mdb = in_mdb or _opens_mdb(command)
                continued = command.endswith("\\")
            else:
                yield from _output_line(offset, body)
            if newline:
                yield offset + len(body), Whitespace, newline
            offset += len(line)

    def _shell_command(self, base: int, command: str) -> Iterator[Token]:
        """Tokens of one shell command line (pipelines, quotes, ``$(...)``)."""
        expect_command = True
        expect_subcommand = False
        current = ""  # the command word of the current pipeline stage
        previous_word = ""
        for match in _SHELL_TOKEN.finditer(command):
            kind = match.lastgroup
            value = match.group()
            start = base + match.start()
            if kind == "space":
                yield start, Whitespace, value
                continue
            if kind == "comment":
                yield start, Comment.Single, value
                continue
            if kind == "operator":
                yield start, Operator, value
                expect_command = value in {"|", "||", "&&", ";", "&"}
                previous_word = ""
                continue
            if kind == "subst" or kind == "var":
                yield start, String.Interpol, value
            elif kind in {"single", "double"}:
                yield from self._quoted(start, value, current, previous_word)
            elif expect_command and "=" in value and not value.startswith("="):
                yield start, Name.Variable, value  # VAR=value before a command
                continue
            elif expect_command:
                current = value.rsplit("/", 1)[-1]
                token = Name.Builtin if current in KNOWN_COMMANDS else Name.Function
                yield start, token, value
                expect_command = False
                expect_subcommand = current in SUBCOMMAND_TOOLS
            elif value.startswith("-"):
                yield start, Name.Attribute, value
            elif current == "echo" and "::" in value:
                yield from _mdb_command(start, value)
            elif current == "dtrace" and previous_word == "-n":
                yield from self._dtrace(start, value)
            elif expect_subcommand:
                yield start, Name.Function, value
                expect_subcommand = False
            elif "=" in value and current in SUBCOMMAND_TOOLS:
                key, _, rest = value.partition("=")
                yield start, Name.Attribute, key
                yield start + len(key), Operator, "="
                if rest:
                    yield start + len(key) + 1, String, rest
            else:
                yield start, Text, value
            previous_word = value

    def _quoted(self, start: int, value: str, command: str, previous: str) -> Iterator[Token]:
        """A quoted word: D after ``dtrace -n``, an mdb command after ``echo``, else a string."""
        quote = value[0]
        closed = len(value) > 1 and value.endswith(quote)
        inner = value[1:-1] if closed else value[1:]
        if command == "dtrace" and previous in {"-n", "-qn", "-wn"}:
            yield start, String.Single, quote
            yield from self._dtrace(start + 1, inner)
            if closed:
                yield start + len(value) - 1, String.Single, quote
        elif command == "echo" and "::" in inner:
            yield start, String.Single, quote
            yield from _mdb_command(start + 1, inner)
            if closed:
                yield start + len(value) - 1, String.Single, quote
        else:
            yield start, String.Single if quote == "'" else String.Double, value

    def _dtrace(self, start: int, program: str) -> Iterator[Token]:
        """The D program of ``dtrace -n``, lexed by `DtraceLexer`."""
        dtrace = DtraceLexer(stripnl=False, ensurenl=False)
        for index, token, value in dtrace.get_tokens_unprocessed(program):
            yield start + index, token, value


def _opens_mdb(command: str) -> bool:
    """Whether a shell command line opens an interactive ``mdb`` (not fed by a pipe)."""
    stages = [stage.strip() for stage in command.split("|")]
    words = stages[0].split() if len(stages) == 1 else []
    return bool(words) and words[0].rsplit("/", 1)[-1] == "mdb"


def _mdb_command(base: int, command: str) -> Iterator[Token]:
    """Tokens of one mdb command line (``ADDR::dcmd args | ::dcmd``)."""
    for match in _MDB_TOKEN.finditer(command):
        kind = match.lastgroup
        value = match.group()
        start = base + match.start()
        if kind == "space":
            yield start, Whitespace, value
        elif kind == "dcmd":
            yield start, Name.Function, value
        elif kind == "hex":
            yield start, Number.Hex, value
        elif kind == "number":
            yield start, Number.Integer, value
        elif kind == "type":
            yield start, Name.Class, value
        elif kind == "string":
            yield start, String.Double, value
        elif kind == "operator":
            yield start, Operator, value
        elif kind == "option":
            yield start, Name.Attribute, value
        elif kind == "symbol":
            yield start, Name.Variable, value
        else:
            yield start, Punctuation, value


def _output_line(base: int, line: str) -> Iterator[Token]:
    """Tokens of one output line; every one is ``Generic.Output`` or a subtype."""
    if not line:
        return
    if line.strip() == "...":
        yield base, OUTPUT_ELISION, line
        return
    if _ERROR_LINE.match(line):
        yield base, OUTPUT_ERROR, line
        return
    if _INFO_LINE.match(line):
        yield base, OUTPUT_INFO, line
        return
    if _HEADER_LINE.fullmatch(line):
        yield base, OUTPUT_HEADER, line
        return
    position = 0
    for match in _OUTPUT_TOKEN.finditer(line):
        if match.start() > position:
            yield base + position, OUTPUT, line[position : match.start()]
        kind = match.lastgroup
        token = {"symbol": OUTPUT_SYMBOL, "address": OUTPUT_ADDRESS}.get(kind or "", OUTPUT_STRING)
        yield base + match.start(), token, match.group()
        position = match.end()
    if position < len(line):
        yield base + position, OUTPUT, line[position:]
