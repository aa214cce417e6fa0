"""The subset of the D language that the emulated ``dtrace -n`` compiles.

A program is one or more clauses ``DESC[, DESC...] [/PREDICATE/] [{ ACTIONS }]``.
A description is ``[[[provider:]module:]function:]name`` with shell-style globs
(``*``, ``?``, ``[...]``), filled from the right as ``dtrace_xstr2desc()`` does
in libdtrace ``dt_subr.c``/``dt_parser.c``; an empty field matches anything.

Actions: ``stack()``, ``trace(EXPR)``, ``printf("FMT", EXPR, ...)``,
``exit(STATUS)`` and ``@[KEYS] = count()`` / ``@NAME = count()``. Expressions: ``arg0``..``arg9``,
``args[N]``, ``stringof(EXPR)``, ``probeprov``, ``probemod``, ``probefunc``,
``probename``, ``cpu``, ``pid``, ``execname``, ``zonename``, integer and string
literals, and ``==``/``!=``/``<``/``>``/``<=``/``>=``/``&&``/``||``/``!`` in
predicates.

Errors carry the D compiler's message text (libdtrace ``dt_parser.c``
``xyerror()`` and ``dt_lex.l``: ``syntax error near "TOKEN"``, ``failed to
resolve NAME: Unknown variable name``), prefixed with the compiler's context
(``in action list: ``, ``in predicate: ``) as ``dt_cc.c`` sets
``pcb_context``. What the emulation does not know is reported as D would report
an unknown identifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "Action",
    "Binary",
    "Call",
    "Clause",
    "DCompileError",
    "Expr",
    "Name",
    "Number",
    "ProbeSpec",
    "Program",
    "StringLit",
    "Unary",
    "crop_description",
    "parse_program",
]

#: D built-in variables the emulation knows (``dt_open.c`` ``_dtrace_globals``).
BUILTIN_VARIABLES = frozenset(
    {
        *(f"arg{i}" for i in range(10)),
        "probeprov",
        "probemod",
        "probefunc",
        "probename",
        "cpu",
        "pid",
        "tid",
        "execname",
        "zonename",
    }
)

#: Subroutines and actions the emulation implements.
FUNCTIONS = frozenset({"stack", "trace", "printf", "stringof", "count", "exit"})


class DCompileError(Exception):
    """A program the D compiler rejects; ``message`` is libdtrace's text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProbeSpec:
    """A probe description, each field a glob ("" matches anything)."""

    provider: str
    module: str
    function: str
    name: str

    @classmethod
    def parse(cls, text: str) -> ProbeSpec:
        """Fill fields from the right: ``a:b`` is function ``a``, name ``b``."""
        fields = text.split(":")
        if len(fields) > 4:
            raise DCompileError(
                f'invalid probe description "{text}": Overspecified probe description'
            )
        fields = [""] * (4 - len(fields)) + fields
        return cls(*fields)

    def __str__(self) -> str:
        return f"{self.provider}:{self.module}:{self.function}:{self.name}"

    def matches(self, provider: str, module: str, function: str, name: str) -> bool:
        """True when every field's glob matches (``gmatch(3GEN)`` semantics)."""
        return all(
            _glob_match(pattern, value)
            for pattern, value in (
                (self.provider, provider),
                (self.module, module),
                (self.function, function),
                (self.name, name),
            )
        )


_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def _glob_match(pattern: str, value: str) -> bool:
    if pattern == "" or pattern == "*":
        return True
    if not any(c in pattern for c in "*?["):
        return pattern == value
    regex = _GLOB_CACHE.get(pattern)
    if regex is None:
        out: list[str] = []
        i = 0
        while i < len(pattern):
            c = pattern[i]
            if c == "*":
                out.append(".*")
            elif c == "?":
                out.append(".")
            elif c == "[":
                end = pattern.find("]", i + 1)
                if end < 0:
                    out.append(re.escape(c))
                else:
                    body = pattern[i + 1 : end].replace("\\", "\\\\")
                    if body.startswith("!"):
                        body = "^" + body[1:]
                    out.append(f"[{body}]")
                    i = end
            else:
                out.append(re.escape(c))
            i += 1
        regex = re.compile("".join(out) + r"\Z", re.DOTALL)
        _GLOB_CACHE[pattern] = regex
    return regex.match(value) is not None


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Number:
    value: int


@dataclass(frozen=True)
class StringLit:
    value: str


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr


Expr = Number | StringLit | Name | Call | Unary | Binary


@dataclass(frozen=True)
class Action:
    """One statement: ``kind`` is ``stack``, ``trace``, ``printf`` or ``aggregate``."""

    kind: str
    args: tuple[Expr, ...] = ()
    #: for ``aggregate``: the aggregation's name ("" for ``@``) and its keys.
    aggregation: str = ""
    keys: tuple[Expr, ...] = ()


@dataclass(frozen=True)
class Clause:
    probes: tuple[ProbeSpec, ...]
    predicate: Expr | None
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class Program:
    clauses: tuple[Clause, ...]
    aggregations: tuple[str, ...] = field(default=())


def crop_description(text: str) -> str:
    """The program text up to the first ``{``, ``/`` or ``;``, as ``dtrace.c``
    ``compile_str()`` crops ``dc_arg`` "for reporting" (trailing blanks kept)."""
    cut = min((i for i in (text.find(c) for c in "{/;") if i >= 0), default=len(text))
    return text[:cut]


# --------------------------------------------------------------------------- lexer

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>/\*.*?\*/)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<number>0[xX][0-9a-fA-F]+|\d+)
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%<>!=(){}\[\],;@])
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<bad>.)
    """,
    re.VERBOSE | re.DOTALL,
)

_PROBE_DESC_RE = re.compile(r"[A-Za-z0-9_.*?\[\]!:$-]+")


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str


def _lex(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    for match in _TOKEN_RE.finditer(text):
        kind = match.lastgroup or "bad"
        if kind in {"ws", "comment"}:
            continue
        tokens.append(_Tok(kind, match.group()))
    return tokens


def _syntax_error(near: str) -> DCompileError:
    return DCompileError(f'syntax error near "{near}"')


class _Parser:
    """Recursive descent over the action and predicate token stream."""

    def __init__(self, tokens: list[_Tok], context: str) -> None:
        self.tokens = tokens
        self.i = 0
        self.context = context

    def peek(self) -> _Tok | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.peek()
        if tok is None:
            raise DCompileError("syntax error near end of input")
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.take()
        if tok.text != text:
            raise _syntax_error(tok.text)

    def at(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.text == text and tok.kind != "string"

    # expressions, lowest precedence first
    def expression(self) -> Expr:
        left = self.logical_and()
        while self.at("||"):
            self.take()
            left = Binary("||", left, self.logical_and())
        return left

    def logical_and(self) -> Expr:
        left = self.comparison()
        while self.at("&&"):
            self.take()
            left = Binary("&&", left, self.comparison())
        return left

    def comparison(self) -> Expr:
        left = self.additive()
        while any(self.at(op) for op in ("==", "!=", "<", ">", "<=", ">=")):
            op = self.take().text
            left = Binary(op, left, self.additive())
        return left

    def additive(self) -> Expr:
        left = self.unary()
        while self.at("+") or self.at("-"):
            op = self.take().text
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Expr:
        if self.at("!") or self.at("-"):
            op = self.take().text
            return Unary(op, self.unary())
        return self.primary()

    def primary(self) -> Expr:
        tok = self.take()
        if tok.kind == "number":
            return Number(int(tok.text, 0) if not tok.text.startswith("0x") else int(tok.text, 16))
        if tok.kind == "string":
            return StringLit(_unescape(tok.text[1:-1]))
        if tok.text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if tok.kind == "ident":
            if self.at("("):
                return self.call(tok.text)
            if tok.text == "args" and self.at("["):
                self.take()
                index = self.take()
                if index.kind != "number":
                    raise _syntax_error(index.text)
                self.expect("]")
                return Name(f"arg{int(index.text)}")
            if tok.text not in BUILTIN_VARIABLES:
                raise DCompileError(f"failed to resolve {tok.text}: Unknown variable name")
            return Name(tok.text)
        raise _syntax_error(tok.text)

    def call(self, name: str) -> Call:
        self.expect("(")
        args: list[Expr] = []
        if not self.at(")"):
            args.append(self.expression())
            while self.at(","):
                self.take()
                args.append(self.expression())
        self.expect(")")
        if name not in FUNCTIONS:
            raise DCompileError(f"failed to resolve {name}: Unknown function name")
        return Call(name, tuple(args))

    # statements
    def actions(self) -> tuple[Action, ...]:
        out: list[Action] = []
        while self.peek() is not None:
            if self.at(";"):
                self.take()
                continue
            out.append(self.statement())
            if self.peek() is not None and not self.at(";"):
                raise _syntax_error(self.take().text)
        return tuple(out)

    def statement(self) -> Action:
        if self.at("@"):
            return self.aggregation()
        expr = self.expression()
        if not isinstance(expr, Call) or expr.name not in {"stack", "trace", "printf", "exit"}:
            # D accepts a bare expression statement as trace(); keep it simple.
            return Action("trace", (expr,))
        if expr.name == "stack":
            if expr.args:
                raise DCompileError("stack( ) prototype mismatch: too many arguments")
            return Action("stack")
        if expr.name == "exit":
            if len(expr.args) != 1:
                raise DCompileError(
                    "exit( ) prototype mismatch: "
                    + ("too many arguments" if expr.args else "too few arguments")
                )
            return Action("exit", expr.args)
        if expr.name == "trace":
            if len(expr.args) != 1:
                raise DCompileError(
                    "trace( ) prototype mismatch: "
                    + ("too many arguments" if expr.args else "too few arguments")
                )
            return Action("trace", expr.args)
        if not expr.args or not isinstance(expr.args[0], StringLit):
            raise DCompileError(
                "printf( ) argument #1 is incompatible with prototype:\n"
                "\tprototype: string\n\t argument: " + ("<none>" if not expr.args else "int")
            )
        return Action("printf", expr.args)

    def aggregation(self) -> Action:
        self.take()  # @
        name = ""
        tok = self.peek()
        if tok is not None and tok.kind == "ident":
            name = self.take().text
        keys: list[Expr] = []
        if self.at("["):
            self.take()
            keys.append(self.expression())
            while self.at(","):
                self.take()
                keys.append(self.expression())
            self.expect("]")
        self.expect("=")
        func = self.expression()
        if not isinstance(func, Call) or func.name != "count" or func.args:
            raise _syntax_error("=")
        return Action("aggregate", (), name, tuple(keys))


def _unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"').replace("\\\\", "\\")


def _split_clause(text: str, start: int) -> tuple[str, str | None, str | None, int]:
    """Cut one clause at ``start``: descriptions, predicate, action body, end."""
    i = start
    n = len(text)
    while i < n and text[i] not in "/{":
        i += 1
    descs = text[start:i]
    predicate: str | None = None
    body: str | None = None
    if i < n and text[i] == "/":
        end = text.find("/", i + 1)
        if end < 0:
            raise DCompileError('syntax error near "/"')
        predicate = text[i + 1 : end]
        i = end + 1
        while i < n and text[i].isspace():
            i += 1
    if i < n and text[i] == "{":
        depth = 0
        j = i
        in_string = False
        while j < n:
            c = text[j]
            if in_string:
                if c == "\\":
                    j += 1
                elif c == '"':
                    in_string = False
            elif c == '"':
                in_string = True
            elif c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= n:
            raise DCompileError("syntax error near end of input")
        body = text[i + 1 : j]
        i = j + 1
    return descs, predicate, body, i


def parse_program(text: str) -> Program:
    """Compile ``-n`` program text, or raise `DCompileError`."""
    clauses: list[Clause] = []
    aggregations: list[str] = []
    i = 0
    while True:
        while i < len(text) and (text[i].isspace() or text[i] == ";"):
            i += 1
        if i >= len(text):
            break
        descs, predicate_text, body, i = _split_clause(text, i)
        specs: list[ProbeSpec] = []
        for raw in descs.split(","):
            desc = raw.strip()
            if not desc:
                raise _syntax_error("," if "," in descs else "{")
            if not _PROBE_DESC_RE.fullmatch(desc):
                bad = next((c for c in desc if not _PROBE_DESC_RE.fullmatch(c)), desc)
                raise _syntax_error(bad)
            specs.append(ProbeSpec.parse(desc))
        predicate: Expr | None = None
        if predicate_text is not None:
            parser = _Parser(_lex(predicate_text), "in predicate")
            if parser.peek() is None:
                raise _syntax_error("/")
            try:
                predicate = parser.expression()
                if parser.peek() is not None:
                    raise _syntax_error(parser.take().text)
            except DCompileError as exc:
                raise DCompileError(f"in predicate: {exc.message}") from None
        actions: tuple[Action, ...] = ()
        if body is not None:
            bad_tok = next((t for t in _lex(body) if t.kind == "bad"), None)
            if bad_tok is not None:
                raise _syntax_error(bad_tok.text)
            try:
                actions = _Parser(_lex(body), "in action list").actions()
            except DCompileError as exc:
                if exc.message.startswith("syntax error"):
                    raise
                raise DCompileError(f"in action list: {exc.message}") from None
        for action in actions:
            if action.kind == "aggregate" and action.aggregation not in aggregations:
                aggregations.append(action.aggregation)
        clauses.append(Clause(tuple(specs), predicate, actions))
        if body is None and predicate_text is None and i < len(text):
            break
    if not clauses:
        raise DCompileError("syntax error near end of input")
    return Program(tuple(clauses), tuple(aggregations))
