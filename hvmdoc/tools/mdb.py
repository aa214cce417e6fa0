"""The emulated ``mdb -k``: the kernel debugger over the model's kernel.

Interactive (``mdb -k`` at a terminal) it prints the ``Loading modules: [ ... ]``
banner and reads ``> `` lines until ``$q``; piped (``echo CMD | mdb -k``) it
runs standard input's lines and prints no banner (as the seed shows). Commands:

- ``SYMBOL::print`` (a data symbol's value: ``0`` for NULL, ``0xADDR "text"``
  for a ``char *``), ``ADDR::print TYPE [MEMBER...]`` (``zone_t``),
- ``ADDR::whatis``, ``::walk zone`` (and ``| ::print zone_t zone_name zone_id``),
- ``::nm [-h] [-n]`` and ``SYMBOL::nm``, ``$q``/``$Q``/``::quit``,
- ``::help`` (mdb's own text) and ``::dcmds`` (the emulated dcmds).

Expressions: symbols (``module`name`` too), ``0x`` hex, ``0t`` decimal,
``0o``/``0i``, bare numbers in mdb's default radix 16, ``+``/``-``.

Error texts are mdb's (illumos-gate ``usr/src/cmd/mdb/common/mdb/``):
``mdb_lex.l`` ``yyperror("invalid command '%s'", ...)`` with ``vwarn()``'s
``": %s"`` errno text from ``mdb_err.c`` (``unknown dcmd name``);
``mdb_grammar.y`` ``yyperror("failed to dereference symbol")`` (``unknown
symbol name``); ``mdb_cmds.c`` ``cmd_walk()`` ``mdb_warn("failed to perform
walk")`` (``unknown walk name``) and ``walk_step()`` (``"%lr\\n"``: each address
in hex without ``0x``); ``yyerror()``'s ``syntax error near "TEXT"`` (with ``on
line N of (stdin)`` when the input is not a terminal: ``mdb_fdio.c`` names fd 0
``(stdin)``). A dcmd mdb has but this emulation does not is reported as such
(``mdb: ::dmods is not emulated by hvmdoc``), never faked.

Options: each emulated dcmd reads its options as ``mdb_getopts()`` does
(``mdb_argvec.c`` ``argvec_getopts()``: ``mdb: illegal option -- z``, ``mdb:
option requires an argument -- c``), and a dcmd that returns ``DCMD_USAGE``
prints ``mdb_dcmd_usage()``'s lines (``mdb.c``): ``Usage: [address]::print
...`` from the dcmd's usage string in ``mdb_cmds.c`` and, when the dcmd has
help, ``mdb: try '::help print' for more information``. When ``::print``,
``::nm``, ``::whatis`` and ``::walk`` return ``DCMD_USAGE`` follows their
``cmd_*()`` functions (``mdb_print.c``, ``mdb_nm.c``, ``mdb_whatis.c``,
``mdb_cmds.c``). An option mdb knows but whose effect is not modelled is
reported as not emulated (assumption ``tools-mdb-options``).

Shell escapes: ``DCMD ! CMD`` hands the dcmd's output to ``$SHELL -c CMD``; the
command runs to the next ``;`` or newline (``mdb_lex.l``, state
``S_SHELLCMD``). Only ``! grep PATTERN`` is emulated (a basic regular
expression, `hvmdoc.tools.bre`, as the shell's ``grep`` reads it); any other
command is reported as not emulated.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hvmdoc.formats import mdb as fmt
from hvmdoc.tools import bre
from hvmdoc.tools.process import Context, Write

if TYPE_CHECKING:
    from hvmdoc.model.kernel import Kernel, KList
    from hvmdoc.tools.terminal import Terminal

__all__ = ["DCMDS", "REAL_DCMDS", "WALKERS", "MdbSession", "mdb_command"]

#: The emulated dcmds with their descriptions from ``mdb_cmds.c``'s dcmd table.
_DCMD_DESCRIPTIONS = {
    "dcmds": "list available debugger commands",
    "help": "list commands/command help",
    "nm": "print symbols",
    "print": "print the contents of a data structure",
    "quit": "quit debugger",
    "walk": "walk data structure",
    "whatis": "given an address, return information",
}
#: dcmds this emulation runs.
DCMDS = tuple(sorted(_DCMD_DESCRIPTIONS))
#: Walkers this emulation knows.
WALKERS = ("list", "zone")
#: A few more dcmds a real ``mdb -k`` has (``mdb_cmds.c`` builtins and the
#: genunix module): reported as not emulated instead of "unknown".
REAL_DCMDS = frozenset(
    {
        "cat",
        "context",
        "dcmds",
        "dis",
        "dmods",
        "dump",
        "echo",
        "eval",
        "formats",
        "grep",
        "help",
        "list",
        "load",
        "log",
        "map",
        "mappings",
        "modinfo",
        "nmadd",
        "nmdel",
        "objects",
        "offsetof",
        "ps",
        "set",
        "sizeof",
        "stack",
        "stacks",
        "status",
        "threadlist",
        "typeset",
        "unset",
        "vars",
        "version",
        "vtop",
        "walkers",
        "whence",
        "which",
        "zone",
    }
)
_QUIT = {"$q", "$Q", "$%"}
#: mdb's own ``$x``/``:x`` builtins (``mdb_dcmd_builtins[]`` in ``mdb_cmds.c``).
_OLD_STYLE = frozenset(
    [
        "$<",
        "$>",
        "$?",
        "$a",
        "$c",
        "$C",
        "$d",
        "$D",
        "$e",
        "$f",
        "$m",
        "$p",
        "$P",
        "$r",
        "$s",
        "$v",
        "$V",
        "$w",
        "$W",
        "$x",
        "$X",
        "$y",
        "$Y",
        ":A",
        ":R",
    ]
)

#: Struct members ``::print zone_t`` knows (the rest of ``zone_t`` is not modelled).


class _MdbError(Exception):
    """An error mdb prints as ``mdb: TEXT`` and that ends the statement."""


@dataclass
class _Stage:
    """One dcmd of a pipeline: ``[addr[,count]]::name args``."""

    address: str
    name: str
    args: list[str]


class MdbSession:
    """One ``mdb -k`` process: reads statements, prints to ``write``."""

    def __init__(self, terminal: Terminal, write: Write, *, interactive: bool) -> None:
        self._terminal = terminal
        self._write = write
        #: Where errors and usage go: never through a ``! grep`` (they are
        #: mdb's standard error).
        self._write_error = write
        self.interactive = interactive
        self.status = 0
        self.line_number = 0

    @property
    def kernel(self) -> Kernel:
        """The kernel of the host mdb was started on."""
        return self._terminal.host.kernel

    def banner(self) -> None:
        """``Loading modules: [ unix genunix ... ]`` (``mdb_main.c``): the kernel's
        modules in load order."""
        self._emit(fmt.Banner(tuple(self.kernel.modules)))

    def _emit(self, *records: fmt.Record) -> None:
        self._write("".join(fmt.render_record(r) + "\n" for r in records))

    def _error(self, text: str) -> None:
        # a piped mdb exits 1 once any command failed (assumption tools-mdb-exit-status)
        self._write_error(fmt.render_record(fmt.Error(text)) + "\n")
        self.status = 1

    def _usage(self, exc: _UsageError) -> None:
        """``mdb_dcmd_usage()`` after the option warning, if any; the command failed."""
        if exc.warning:
            self._write_error(fmt.render_record(fmt.Error(exc.warning)) + "\n")
        self._write_error(exc.dcmd.usage_text())
        self.status = 1

    def execute(self, line: str) -> bool:
        """Run one input line; False once mdb has quit."""
        self.line_number += 1
        for statement in _split_statements(line):
            text = statement.strip()
            if not text:
                continue
            if text in _QUIT or text == "::quit":
                if self.interactive:
                    self.status = 0
                return False
            try:
                self._statement(text)
            except _MdbError as exc:
                self._error(str(exc))
            except _UsageError as exc:
                self._usage(exc)
            except _QuitError:
                if self.interactive:
                    self.status = 0
                return False
        return True

    def _syntax_error(self, near: str) -> _MdbError:
        where = "" if self.interactive else f" on line {self.line_number} of (stdin)"
        return _MdbError(f'syntax error{where} near "{near}"')

    # -- statements -------------------------------------------------------------
    def _statement(self, text: str) -> None:
        """Run ``stage | stage ... [! CMD]``: a stage's addresses feed the next
        one's dcmd, one call per address (``mdb_frame.c`` pipelines); a shell
        escape filters what the pipeline printed (only ``! grep PATTERN``)."""
        pipeline, shell = _split_shell_escape(text)
        if shell is None:
            self._pipeline(pipeline)
            return
        grep = _simple_grep(shell) if pipeline.strip() else None
        if grep is None:
            raise _MdbError(
                f"shell escape '! {shell.strip()}' is not emulated by hvmdoc "
                "(only '! grep PATTERN')"
            )
        captured: list[str] = []
        write = self._write
        self._write = captured.append
        try:
            self._pipeline(pipeline)
        finally:
            self._write = write
            lines = "".join(captured).splitlines(keepends=True)
            write("".join(line for line in lines if grep.search(line.rstrip("\n"))))

    def _pipeline(self, text: str) -> None:
        stages = [self._stage(part) for part in text.split("|")]
        piped: list[int] | None = None
        for index, stage in enumerate(stages):
            if stage.name == "":
                self._expression(stage.address)  # a bare expression sets dot
                return
            sink: list[int] | None = None if index == len(stages) - 1 else []
            inputs: list[int | None]
            if stage.address:
                inputs = [self._expression(stage.address)]
            elif piped is not None:
                inputs = list(piped)
            else:
                inputs = [None]
            for address in inputs:
                self._dcmd(stage, address, sink)
            piped = sink

    def _stage(self, text: str) -> _Stage:
        text = text.strip()
        match = re.search(r"::|\$[A-Za-z%?<>]|(?<![:])[:](?=[A-Za-z])", text)
        if match is None:
            words = text.split()
            if len(words) > 1:
                self._expression(words[0])
                raise self._syntax_error(words[1])
            if re.search(r"[/=?\\]", text):
                verb = re.search(r"[/=?\\]", text)
                assert verb is not None
                raise _MdbError(f"format verbs ({verb.group()}) are not emulated by hvmdoc")
            return _Stage(text, "", [])
        address = text[: match.start()].strip()
        rest = text[match.start() :]
        if rest.startswith("::"):
            name_match = re.match(r"::([A-Za-z_.][0-9A-Za-z_.`]*)", rest)
            if name_match is None:
                raise self._syntax_error(rest[2:3] or "\\n")
            name = name_match.group(1)
            args = rest[name_match.end() :].split()
        else:
            token = rest[:2]
            if token in _QUIT:
                return _Stage(address, "quit", [])
            if token in _OLD_STYLE:
                raise _MdbError(f"{token} is not emulated by hvmdoc")
            raise _MdbError(f"invalid command '{token}': unknown dcmd name")
        return _Stage(address, name, args)

    def _dcmd(self, stage: _Stage, address: int | None, sink: list[int] | None) -> None:
        name = stage.name
        handler = _HANDLERS.get(name)
        if handler is None:
            if name in REAL_DCMDS:
                raise _MdbError(f"::{name} is not emulated by hvmdoc")
            raise _MdbError(f"invalid command '::{name}': unknown dcmd name")
        handler(self, stage, address, sink)

    # -- expressions ----------------------------------------------------------------
    def _expression(self, text: str) -> int:
        tokens = re.findall(r"[+-]|[^+\s-]+", text.replace(" ", ""))
        if not tokens:
            raise self._syntax_error(text)
        total = 0
        sign = 1
        expect_term = True
        for token in tokens:
            if token in {"+", "-"}:
                if expect_term and token == "-":
                    sign = -sign
                    continue
                if expect_term:
                    raise self._syntax_error(token)
                sign = 1 if token == "+" else -1
                expect_term = True
                continue
            if not expect_term:
                raise self._syntax_error(token)
            total += sign * self._term(token)
            expect_term = False
            sign = 1
        if expect_term:
            raise self._syntax_error(tokens[-1])
        return total & ((1 << 64) - 1)

    def _term(self, token: str) -> int:
        prefixes = {"0x": 16, "0X": 16, "0t": 10, "0T": 10, "0o": 8, "0O": 8, "0i": 2, "0I": 2}
        base = prefixes.get(token[:2])
        if base is not None:
            try:
                return int(token[2:].replace("_", ""), base)
            except ValueError:
                raise self._syntax_error(token) from None
        if re.fullmatch(r"[0-9a-fA-F][0-9a-fA-F_]*", token):
            if token[0].isdigit():
                return int(token.replace("_", ""), 16)
            symbol = self.kernel.lookup_symbol(token)
            if symbol is not None:
                return symbol.address
            return int(token.replace("_", ""), 16)
        if re.fullmatch(r"[A-Za-z_.][0-9A-Za-z_.`]*", token):
            if token == ".":
                return 0
            symbol = self.kernel.lookup_symbol(token)
            if symbol is None:
                raise _MdbError("failed to dereference symbol: unknown symbol name")
            return symbol.address
        raise self._syntax_error(token[:1])

    # -- dcmds ------------------------------------------------------------------------
    def _print(self, stage: _Stage, address: int | None, sink: list[int] | None) -> None:
        """``::print`` (``mdb_print.c`` ``cmd_print()``): a data symbol by its C
        type, or ``ADDR::print TYPE [MEMBER...]`` for the structures the model
        allocates (``zone_t``, ``list_t``, ``struct hma_reg``). Without an
        address, or with an operand starting ``+``/``-`` where the type goes,
        ``DCMD_USAGE``."""
        _, args = _getopts(_DCMD_SPECS["print"], stage.args)
        if address is None or (args and args[0][:1] in {"+", "-"}):
            raise _UsageError(_DCMD_SPECS["print"])
        kernel = self.kernel
        if args:
            ctype, members = (
                (f"struct {args[1]}", args[2:])
                if args[0] == "struct" and len(args) > 1
                else (args[0], args[1:])
            )
            canonical = _TYPE_ALIASES.get(ctype)
            if canonical is None:  # assumption tools-mdb-errors
                raise _MdbError(f"failed to look up type {ctype}: unknown type")
            tree = self._struct_at(canonical, address)
            if tree is None:
                raise _MdbError(f"failed to read {ctype} at {address:x}: no mapping for address")
            self._emit(*_struct_records(ctype, tree, members))
            return
        symbol = kernel.whatis(address)
        if symbol is None or symbol.address != address:
            raise _MdbError(f"no symbol information for address {address:x}")
        if symbol.kind != "data":
            # assumption tools-mdb-errors
            raise _MdbError(f"no type information for {symbol.name}")
        canonical = _TYPE_ALIASES.get(symbol.ctype)
        if canonical is not None:
            tree = self._struct_at(canonical, address)
            if tree is not None:
                self._emit(*_struct_records(symbol.ctype, tree, []))
                return
        try:
            value = kernel.read_variable(symbol.name)
        except KeyError:
            raise _MdbError(f"no type information for {symbol.name}") from None
        self._emit(*_typed_value(symbol.name, symbol.ctype, value))

    def _lists(self) -> list[KList]:
        """The ``list_t`` variables the model publishes."""
        from hvmdoc.model.kernel import KList

        found: list[KList] = []
        for name in self.kernel.variables():
            value = self.kernel.read_variable(name)
            if isinstance(value, KList):
                found.append(value)
        return found

    def _struct_at(self, ctype: str, address: int) -> _Tree | None:
        """The members of the ``ctype`` the model has at ``address`` (None: none)."""
        from hvmdoc.model.hma import HmaReg

        kernel = self.kernel
        if ctype == "zone_t":
            zone = kernel.zone_by_address(address)
            if zone is None:
                return None
            name = zone.zone_name
            # assumption tools-mdb-zone-members: only the members the model knows
            return [
                ("zone_name", fmt.format_string_pointer(name.address, name.text)),
                ("zone_id", fmt.format_integer(zone.zone_id)),
            ]
        if ctype == "list_t":
            for klist in self._lists():
                if klist.address == address:
                    return _list_tree(klist)
            return None
        if ctype == "struct hma_reg":
            found = kernel.object_at(address)
            if found is None or not isinstance(found[1], HmaReg):
                return None
            reg = found[1]
            next_node, prev_node = next(
                (klist.links(reg.node) for klist in self._lists() if reg.node in klist.nodes),
                (0, 0),
            )
            return [
                ("hr_name", fmt.format_string_pointer(reg.name.address, reg.name.text)),
                (
                    "hr_node",
                    [
                        ("list_next", fmt.format_integer(next_node)),
                        ("list_prev", fmt.format_integer(prev_node)),
                    ],
                ),
            ]
        return None

    def _whatis(self, stage: _Stage, address: int | None, sink: list[int] | None) -> None:
        """``::whatis`` (``mdb_whatis.c`` ``cmd_whatis()``, genunix's module
        callback): ``DCMD_USAGE`` for an operand or no address."""
        _, args = _getopts(_DCMD_SPECS["whatis"], stage.args)
        if args or address is None:
            raise _UsageError(_DCMD_SPECS["whatis"])
        kernel = self.kernel
        module = kernel.module_at(address)
        symbol = kernel.whatis(address)
        if symbol is not None:
            segment = "text" if symbol.kind == "func" else "data"
            if module is not None:
                segment = module.segment(address) or segment
            self._emit(
                fmt.whatis_symbol(
                    address, symbol.name, address - symbol.address, symbol.module, segment
                )
            )
            return
        if module is not None:
            segment = module.segment(address) or "text"
            self._emit(fmt.Whatis(address, f"in {module.name}'s {segment} segment"))
            return
        self._emit(fmt.Whatis(address, "unknown"))

    def _walk(self, stage: _Stage, address: int | None, sink: list[int] | None) -> None:
        """``::walk NAME`` (``mdb_cmds.c`` ``cmd_walk()``/``walk_step()``): ``zone``,
        and ``ADDR::walk list`` (genunix ``list.c``: the elements of a ``list_t``;
        ``list_walk_init_range()`` warns ``failed to read list_t at %#lx``).
        ``cmd_walk()`` takes no options: a name and an optional variable, else
        ``DCMD_USAGE``."""
        if not 1 <= len(stage.args) <= 2:
            raise _UsageError(_DCMD_SPECS["walk"])
        if len(stage.args) == 2:
            raise _MdbError(f"::walk into a variable ({stage.args[1]}) is not emulated by hvmdoc")
        name = stage.args[0]
        found: list[int]
        if name == "zone":
            found = [zone.address for zone in self.kernel.zones()]
        elif name == "list":
            start = address or 0
            klist = next((k for k in self._lists() if k.address == start), None)
            if klist is None:
                shown = f"{start:#x}" if start else "0"
                raise _MdbError(f"failed to read list_t at {shown}: no mapping for address")
            found = list(klist.elements)
        else:
            raise _MdbError("failed to perform walk: unknown walk name")
        for element in found:
            if sink is not None:
                sink.append(element)
            else:
                self._emit(fmt.Value(f"{element:x}"))

    def _nm(self, stage: _Stage, address: int | None, sink: list[int] | None) -> None:
        """``::nm`` (``mdb_nm.c`` ``cmd_nm()``): the symbol table, or one
        symbol's row. Operands: none with an address, at most one object name
        (not emulated) without, else ``DCMD_USAGE``."""
        spec = _DCMD_SPECS["nm"]
        flags, args = _getopts(spec, stage.args)
        if args and (address is not None or len(args) > 1 or args[0].startswith("-")):
            raise _UsageError(spec)
        if args:
            raise _MdbError(f"::nm of one object ({args[0]}) is not emulated by hvmdoc")
        kernel = self.kernel
        symbols = kernel.symbols()
        if address is not None:
            found = kernel.whatis(address)
            symbols = [found] if found is not None else []
        elif "n" in flags:
            symbols = sorted(symbols, key=lambda s: s.name)
        records: list[fmt.Record] = [] if "h" in flags else [fmt.NmHeader()]
        # Bind/Shndx: functions GLOB in section 1, data LOCL in 3 (assumption
        # tools-mdb-nm-columns)
        for symbol in symbols:
            kind = "FUNC" if symbol.kind == "func" else "OBJT"
            bind = "GLOB" if symbol.kind == "func" else "LOCL"
            shndx = "1" if symbol.kind == "func" else "3"
            records.append(
                fmt.NmSymbol(symbol.address, symbol.size, kind, bind, 0, shndx, symbol.name)
            )
        self._emit(*records)

    def _quit(self, stage: _Stage, address: int | None, sink: list[int] | None) -> None:
        raise _QuitError

    def _help(self, stage: _Stage, address: int | None, sink: list[int] | None) -> None:
        """``::help`` (``mdb_help.c`` ``cmd_help()``): no argument prints
        ``_mdb_help``, the verb syntax and where to look next."""
        if address is not None or len(stage.args) > 1:
            raise _MdbError("::help [cmd] takes one command name and no address")
        if not stage.args:
            self._write(_MDB_HELP)
            return
        name = stage.args[0].removeprefix("::")
        if name not in _DCMD_DESCRIPTIONS and name not in REAL_DCMDS:
            raise _MdbError(f"unknown command: {stage.args[0]}")
        raise _MdbError(f"::help {name} is not emulated by hvmdoc (::dcmds lists what is)")

    def _dcmds(self, stage: _Stage, address: int | None, sink: list[int] | None) -> None:
        """``::dcmds`` (``mdb_help.c`` ``print_ddesc()``: ``"%-24s - %s\n"``,
        sorted): the dcmds this emulation runs, with mdb's descriptions
        (assumption ``tools-mdb-dcmds``)."""
        if address is not None or stage.args:
            raise _MdbError("::dcmds with a pattern is not emulated by hvmdoc")
        self._write(
            "".join(f"{name:<24} - {text}\n" for name, text in sorted(_DCMD_DESCRIPTIONS.items()))
        )


#: ``_mdb_help`` in ``mdb_help.c``, with ``mdb.m_pname`` "mdb".
_MDB_HELP = (
    "\nEach debugger command in mdb is structured as follows:\n\n"
    "      [ address [, count]] verb [ arguments ... ]\n"
    "             ^       ^      ^      ^\n"
    " the start --+       |      |      +-- arguments are strings which can be\n"
    " address can be an   |      |          quoted using \"\" or '' or\n"
    " expression          |      |          expressions enclosed in $[ ]\n"
    "                     |      |\n"
    " the repeat count  --+      +--------- the verb is a name which begins\n"
    " is also an expression                 with either $, :, or ::.  it can also\n"
    "                                       be a format specifier (/ \\ ? or =)\n\n"
    "For information on debugger commands (dcmds) and walkers, type:\n\n"
    "      ::help cmdname ... for more detailed information on a command\n"
    "      ::dcmds        ... for a list of dcmds and their descriptions\n"
    "      ::walkers      ... for a list of walkers and their descriptions\n"
    "      ::dmods -l     ... for a list of modules and their dcmds and walkers\n"
    "      ::formats      ... for a list of format characters for / \\ ? and =\n\n"
    "For information on command-line options, type:\n\n"
    "      $ mdb -?      ... in your shell for a complete list of options\n\n"
)


class _QuitError(Exception):
    pass


@dataclass(frozen=True)
class _DcmdSpec:
    """What ``mdb_cmds.c``'s dcmd table and the dcmd's ``mdb_getopts()`` call say."""

    name: str
    usage: str
    """``idc_usage``: a leading ``:`` means an address is required, ``?`` optional."""
    options: str
    """The option letters ``mdb_getopts()`` takes, ``:`` after one with an argument."""
    emulated: str = ""
    """The letters whose effect the emulation models (or that change nothing here)."""
    help: bool = True
    """Whether the dcmd has a help function (``mdb: try '::help NAME' ...``)."""

    def usage_text(self) -> str:
        """``mdb_dcmd_usage()``: ``Usage: [address]::NAME USAGE`` and the help hint."""
        prefix = {":": "address::", "?": "[address]::"}.get(self.usage[:1], "")
        usage = self.usage[1:] if prefix else self.usage
        text = f"Usage: {prefix}{self.name} {usage}\n"
        if self.help:
            text += f"mdb: try '::help {self.name}' for more information\n"
        return text


#: The emulated dcmds' usage strings (``mdb_cmds.c``) and options (``cmd_print()``,
#: ``cmd_nm()``, ``cmd_whatis()`` with its hidden ``-D -b -l``; ``cmd_walk()``
#: takes none). Which options are modelled: assumption ``tools-mdb-options``.
_DCMD_SPECS = {
    spec.name: spec
    for spec in (
        _DcmdSpec(
            "print",
            "?[-aCdhiLptx] [-c lim] [-l lim] [type] [member|offset ...]",
            "aCc:dhiLl:nps:Ttx",
            emulated="CcLlx",
        ),
        _DcmdSpec(
            "nm",
            "?[-DPdghnopuvx] [-f format] [-t types] [object]",
            "DPdghnopuvxf:t:",
            emulated="hnx",
        ),
        _DcmdSpec("whatis", ":[-aikqv]", "Dblaikqv", emulated="kq"),
        _DcmdSpec("walk", "?name [variable]", "", help=False),
    )
}


class _UsageError(Exception):
    """A dcmd returned ``DCMD_USAGE``, after ``mdb_getopts()`` warned (or not)."""

    def __init__(self, dcmd: _DcmdSpec, warning: str = "") -> None:
        super().__init__(warning)
        self.dcmd = dcmd
        self.warning = warning


def _getopts(spec: _DcmdSpec, args: list[str]) -> tuple[set[str], list[str]]:
    """``mdb_getopts()`` (``mdb_argvec.c`` ``argvec_getopts()``): the option
    letters given and the operands after them.

    An unknown letter or a missing option argument is mdb's warning and
    ``DCMD_USAGE`` (every emulated dcmd returns it then); a known option the
    emulation does not model is reported as not emulated. ``--`` stops option
    processing but stays an operand, as in mdb.
    """
    flags: set[str] = set()
    index = 0
    while index < len(args):
        arg = args[index]
        if not arg.startswith("-") or arg == "-" or arg.startswith("--"):
            break
        position = 1
        while position < len(arg):
            letter = arg[position]
            found = spec.options.find(letter) if letter != ":" else -1
            if found < 0:
                raise _UsageError(spec, f"illegal option -- {letter}")
            flags.add(letter)
            if spec.options[found + 1 : found + 2] == ":":
                if position + 1 == len(arg):  # the argument is the next word
                    if index + 1 == len(args):
                        raise _UsageError(spec, f"option requires an argument -- {letter}")
                    index += 1
                break  # the rest of this word is the argument
            position += 1
        index += 1
    for letter in sorted(flags, key=spec.options.find):
        if letter not in spec.emulated:
            raise _MdbError(f"::{spec.name} -{letter} is not emulated by hvmdoc")
    return flags, args[index:]


def _split_shell_escape(text: str) -> tuple[str, str | None]:
    """``DCMDS ! CMD`` split at the first ``!`` outside quotes (``!=`` is an
    operator, not an escape); ``(text, None)`` when there is none."""
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "!" and text[index + 1 : index + 2] != "=":
            return text[:index], text[index + 1 :]
    return text, None


def _simple_grep(command: str) -> re.Pattern[str] | None:
    """``grep PATTERN`` (a basic regular expression, `hvmdoc.tools.bre`)
    compiled; None for any other command, an option, or an invalid pattern."""
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if len(words) != 2 or words[0] != "grep" or words[1].startswith("-"):
        return None
    return bre.compile_bre(words[1])


def _typed_value(name: str, ctype: str, value: object) -> list[fmt.Record]:
    """A variable as ``::print`` shows it for its C type (``mdb_print.c``):
    pointers and integers in hex, ``char *`` with its string, an enum as its
    value and constant (``print_enum()``: ``boolean_t``'s values are powers of
    two, so ``%#x`` then the name: ``0x1 (B_TRUE)``, ``0 (B_FALSE)``; assumption
    ``tools-mdb-enum-print``), ``kmutex_t`` as its one-member struct
    ``{ _opaque = [ ADDR ] }``, a ``list_t`` as its three members."""
    from hvmdoc.model.kernel import KList

    if ctype == "boolean_t" and isinstance(value, int | bool) and int(value) in {0, 1}:
        return [fmt.Value("0x1 (B_TRUE)" if value else "0 (B_FALSE)")]
    if ctype == "kmutex_t":
        owner = _value_text(value) if isinstance(value, int | bool) or value is None else "0"
        return [fmt.Value("{"), fmt.member("_opaque", f"[ {owner} ]", 1), fmt.Value("}")]
    if isinstance(value, KList):
        return _struct_records(ctype or "list_t", _list_tree(value), [])
    return [fmt.Value(_value_text(value, ctype or name))]


def _value_text(value: object, ctype: str = "") -> str:
    """A scalar variable's value as ``::print`` prints it; anything else is
    reported as not emulated (never a Python representation)."""
    if value is None:
        return "0"
    if isinstance(value, bool):
        return fmt.format_integer(int(value))
    if isinstance(value, int):
        return fmt.format_integer(value & ((1 << 64) - 1))
    address = getattr(value, "address", None)
    text = getattr(value, "text", None)
    if isinstance(address, int):
        return fmt.format_string_pointer(address, text if isinstance(text, str) else None)
    raise _MdbError(f"::print of {ctype or 'this type'} is not emulated by hvmdoc")


#: A struct's members: ``(name, value text)`` or ``(name, nested members)``.
_Tree = list[tuple[str, "str | _Tree"]]

#: The types ``ADDR::print TYPE`` knows, by every name mdb accepts for them.
_TYPE_ALIASES = {
    "zone_t": "zone_t",
    "zone": "zone_t",
    "struct zone": "zone_t",
    "list_t": "list_t",
    "struct list": "list_t",
    "struct hma_reg": "struct hma_reg",
    "hma_reg_t": "struct hma_reg",
}


def _list_tree(klist: KList) -> _Tree:
    """A ``list_t``'s members (``sys/list_impl.h``)."""
    return [
        ("list_size", fmt.format_integer(klist.size)),
        ("list_offset", fmt.format_integer(klist.offset)),
        (
            "list_head",
            [
                ("list_next", fmt.format_integer(klist.first)),
                ("list_prev", fmt.format_integer(klist.last)),
            ],
        ),
    ]


def _tree_records(tree: _Tree, depth: int) -> list[fmt.Record]:
    out: list[fmt.Record] = []
    for name, value in tree:
        if isinstance(value, str):
            out.append(fmt.member(name, value, depth))
        else:
            out.append(fmt.member(name, "{", depth))
            out.extend(_tree_records(value, depth + 1))
            out.append(fmt.Value("}", None, depth))
    return out


def _struct_records(ctype: str, tree: _Tree, members: list[str]) -> list[fmt.Record]:
    """``print_sou()``: the whole struct in braces, or the named members at the
    top level (``ADDR::print TYPE MEMBER...``)."""
    if not members:
        return [fmt.Value("{"), *_tree_records(tree, 1), fmt.Value("}")]
    fields = dict(tree)
    chosen: _Tree = []
    for member in members:
        if member not in fields:
            # assumption tools-mdb-errors
            raise _MdbError(f"failed to find member {member} of {ctype}: no such member")
        chosen.append((member, fields[member]))
    return _tree_records(chosen, 0)


_Handler = Callable[[MdbSession, _Stage, "int | None", "list[int] | None"], None]
_HANDLERS: dict[str, _Handler] = {
    "print": MdbSession._print,
    "whatis": MdbSession._whatis,
    "walk": MdbSession._walk,
    "nm": MdbSession._nm,
    "quit": MdbSession._quit,
    "help": MdbSession._help,
    "dcmds": MdbSession._dcmds,
}


def _split_statements(line: str) -> list[str]:
    """Split at ``;`` outside quotes; ``//`` starts a comment."""
    out: list[str] = []
    current: list[str] = []
    quote = ""
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            current.append(c)
            if c == quote:
                quote = ""
        elif c in "'\"":
            quote = c
            current.append(c)
        elif c == ";":
            out.append("".join(current))
            current = []
        elif line.startswith("//", i):
            break
        else:
            current.append(c)
        i += 1
    out.append("".join(current))
    return out


# --------------------------------------------------------------------------- command

_USAGE = (
    "Usage: mdb [-fkmuwyAFKMSUW] [+/-o option] [-p pid] [-s dist] [-I path] [-L path]\n"
    "\t[-P prompt] [-R root] [-V dis-version] [-e expr] [object [core] | core | suffix]\n"
)


def mdb_command(ctx: Context) -> int:
    """``mdb -k``: interactive when nothing is piped in, else run standard input."""
    args = ctx.argv[1:]
    kernel = False
    for arg in args:
        if not arg.startswith("-") or arg == "-":
            ctx.err(f"mdb: failed to open {arg}: No such file or directory\n")
            return 1
        for flag in arg[1:]:
            if flag == "k":
                kernel = True
            elif flag not in "fmuwyAFKMSUW":
                ctx.err(f"mdb: illegal option -- {flag}\n")
                ctx.err(_USAGE)
                return 2
    if not kernel:
        ctx.err("mdb: hvmdoc emulates only the kernel target: use mdb -k\n")
        return 1
    terminal = ctx.terminal
    if ctx.stdin is None:
        if ctx.background:
            return 0
        session = MdbSession(terminal, terminal.write, interactive=True)
        session.banner()
        terminal.open_mdb(session)
        return 0
    session = MdbSession(terminal, ctx.out, interactive=False)
    for line in ctx.stdin.splitlines():
        if not session.execute(line):
            break
    return session.status
