"""The emulated host shell's command-line grammar: words, quotes, pipes, lists.

A small, exact subset of what bash (the SmartOS global zone's root shell:
``smartos-live`` ``overlay/generic/etc/passwd`` gives root ``/usr/bin/bash``,
and ``overlay/generic/root/.bashrc`` sets the ``[\\u@\\h \\w]\\$`` prompt the
seed shows) does with one input line:

- words split on blanks; ``'single'`` quotes take everything literally;
  ``"double"`` quotes keep blanks and honour ``\\$ \\` \\" \\\\``; a bare
  backslash quotes the next character;
- ``$(...)`` and backquote command substitution (nested, quoted or not), and
  ``$NAME`` / ``${NAME}`` / ``$?`` parameter expansion;
- ``#`` at the start of an unquoted word begins a comment;
- ``|`` pipelines, ``;`` / ``&&`` / ``||`` lists (an unquoted newline ends a
  command as ``;`` does: several pasted lines), a trailing ``&`` for a
  background job; ``2>&1``, ``>/dev/null`` and ``2>/dev/null`` redirections;
- an unquoted ``(`` or ``)`` is ``syntax error near unexpected token`` (no
  subshells or function definitions).

Parsing never runs anything: `parse_line` returns a `CommandList`,
and the shell (`hvmdoc.tools.shell`) expands and runs it. Syntax errors
raise `ShellSyntaxError` carrying bash's own message text (bash
``parse.y``: ``unexpected EOF while looking for matching``, ``syntax error near
unexpected token``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CommandList",
    "Literal",
    "Parameter",
    "Pipeline",
    "Redirect",
    "ShellSyntaxError",
    "SimpleCommand",
    "Substitution",
    "Word",
    "parse_line",
]

_BLANKS = " \t"
#: bash's metacharacters (``parse.y``); an unquoted ``(`` or ``)`` outside
#: ``$(...)`` is a syntax error here (no subshells or function definitions).
_OPERATOR_CHARS = "|&;<>()\n"
_NAME_START = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"
_NAME_CHARS = _NAME_START + "0123456789"


class ShellSyntaxError(Exception):
    """A line bash would refuse; ``lines`` are bash's messages (without ``-bash: ``)."""

    def __init__(self, *lines: str) -> None:
        super().__init__(lines[0] if lines else "syntax error")
        self.lines: tuple[str, ...] = lines


@dataclass(frozen=True)
class Literal:
    """Text of a word as typed, after quote removal; ``quoted`` text is not split."""

    text: str
    quoted: bool


@dataclass(frozen=True)
class Substitution:
    """``$(source)`` or a backquoted command; its output replaces it."""

    source: str
    quoted: bool


@dataclass(frozen=True)
class Parameter:
    """``$NAME``, ``${NAME}`` or ``$?``."""

    name: str
    quoted: bool


Part = Literal | Substitution | Parameter


@dataclass(frozen=True)
class Word:
    """One shell word: a sequence of parts expanded and joined."""

    parts: tuple[Part, ...]

    @property
    def is_plain(self) -> bool:
        """True when nothing in the word needs expanding."""
        return all(isinstance(part, Literal) for part in self.parts)

    def plain_text(self) -> str:
        """The word's text when `is_plain` (substitutions shown as typed)."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, Literal):
                out.append(part.text)
            elif isinstance(part, Substitution):
                out.append(f"$({part.source})")
            else:
                out.append(f"${{{part.name}}}")
        return "".join(out)


@dataclass(frozen=True)
class Redirect:
    """A redirection this shell supports: ``fd`` to ``target`` (``&1`` or a path)."""

    fd: int
    target: str


@dataclass(frozen=True)
class SimpleCommand:
    """Words of one command and its redirections."""

    words: tuple[Word, ...]
    redirects: tuple[Redirect, ...] = ()


@dataclass(frozen=True)
class Pipeline:
    """Commands joined by ``|``; ``text`` is the pipeline as typed (for ``jobs``)."""

    commands: tuple[SimpleCommand, ...]
    background: bool
    text: str


@dataclass(frozen=True)
class CommandList:
    """Pipelines with the connector that precedes each (``""`` for the first)."""

    items: tuple[tuple[str, Pipeline], ...]

    @property
    def empty(self) -> bool:
        """True for a blank line or a line holding only a comment."""
        return not self.items


# --------------------------------------------------------------------------- lexer


@dataclass(frozen=True)
class _Op:
    text: str
    start: int


@dataclass(frozen=True)
class _WordTok:
    word: Word
    start: int
    end: int


_Token = _Op | _WordTok


def _find_closing_paren(line: str, start: int) -> int:
    """Index of the ``)`` closing a ``$(`` whose body starts at ``start``."""
    depth = 1
    i = start
    while i < len(line):
        c = line[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise _eof_looking_for("'")
            i = end + 1
            continue
        if c == '"':
            i = _skip_double_quoted(line, i + 1)
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise _eof_looking_for(")")


def _skip_double_quoted(line: str, i: int) -> int:
    """Index just past the ``"`` closing a double-quoted run starting at ``i``."""
    while i < len(line):
        c = line[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        if line.startswith("$(", i):
            i = _find_closing_paren(line, i + 2) + 1
            continue
        i += 1
    raise _eof_looking_for('"')


def _read_dollar(line: str, i: int, quoted: bool) -> tuple[Part | None, int]:
    """Parse an expansion at ``line[i] == "$"``; ``None`` when ``$`` is literal."""
    if line.startswith("$(", i):
        end = _find_closing_paren(line, i + 2)
        return Substitution(line[i + 2 : end], quoted), end + 1
    if line.startswith("${", i):
        end = line.find("}", i + 2)
        if end < 0:
            raise _eof_looking_for("}")
        name = line[i + 2 : end]
        if not name or not (
            name in {"?", "$", "#"}
            or (name[0] in _NAME_START and all(c in _NAME_CHARS for c in name))
        ):
            raise ShellSyntaxError(f"{line[i : end + 1]}: bad substitution")
        return Parameter(name, quoted), end + 1
    nxt = line[i + 1] if i + 1 < len(line) else ""
    if nxt in {"?", "$", "#"}:
        return Parameter(nxt, quoted), i + 2
    if nxt and nxt in _NAME_START:
        j = i + 1
        while j < len(line) and line[j] in _NAME_CHARS:
            j += 1
        return Parameter(line[i + 1 : j], quoted), j
    return None, i + 1


class _WordBuilder:
    """Collects a word's parts, merging adjacent literal text of one quotedness."""

    def __init__(self) -> None:
        self.parts: list[Part] = []
        self._buf: list[str] = []
        self._quoted = False

    def add(self, text: str, quoted: bool) -> None:
        if self._buf and self._quoted != quoted:
            self.flush()
        self._quoted = quoted
        self._buf.append(text)

    def flush(self) -> None:
        if self._buf:
            self.parts.append(Literal("".join(self._buf), self._quoted))
            self._buf = []

    def part(self, part: Part) -> None:
        self.flush()
        self.parts.append(part)

    def word(self) -> Word:
        self.flush()
        return Word(tuple(self.parts))


def _eof_looking_for(char: str) -> ShellSyntaxError:
    return ShellSyntaxError(
        f"unexpected EOF while looking for matching `{char}'",
        "syntax error: unexpected end of file",
    )


def _read_word(line: str, i: int) -> tuple[Word, int]:
    """Read one word starting at ``i``; return it and the index after it."""
    builder = _WordBuilder()
    while i < len(line):
        c = line[i]
        if c in _BLANKS or c in _OPERATOR_CHARS:
            break
        if c == "\\":
            if i + 1 < len(line):
                builder.add(line[i + 1], True)
            i += 2
        elif c == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise _eof_looking_for("'")
            if end == i + 1:
                builder.part(Literal("", True))  # '' still makes a word
            else:
                builder.add(line[i + 1 : end], True)
            i = end + 1
        elif c == '"':
            i = _read_double_quoted(line, i + 1, builder)
        elif c == "`":
            end = line.find("`", i + 1)
            if end < 0:
                raise _eof_looking_for("`")
            builder.part(Substitution(line[i + 1 : end], False))
            i = end + 1
        elif c == "$":
            part, i = _read_dollar(line, i, quoted=False)
            if part is None:
                builder.add("$", False)
            else:
                builder.part(part)
        else:
            builder.add(c, False)
            i += 1
    return builder.word(), i


def _read_double_quoted(line: str, i: int, builder: _WordBuilder) -> int:
    """Read a double-quoted run (body starts at ``i``); return the index after it."""
    start = i
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line) and line[i + 1] in '$`"\\':
            builder.add(line[i + 1], True)
            i += 2
        elif c == '"':
            if i == start:
                builder.part(Literal("", True))
            return i + 1
        elif c == "$":
            part, i = _read_dollar(line, i, quoted=True)
            if part is None:
                builder.add("$", True)
            else:
                builder.part(part)
        elif c == "`":
            end = line.find("`", i + 1)
            if end < 0:
                break
            builder.part(Substitution(line[i + 1 : end], True))
            i = end + 1
        else:
            builder.add(c, True)
            i += 1
    raise _eof_looking_for('"')


def _tokenize(line: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(line):
        c = line[i]
        if c in _BLANKS:
            i += 1
            continue
        if c == "#":  # a comment: '#' starting a word, to the end of the line
            end = line.find("\n", i)
            if end < 0:
                break
            i = end
            continue
        if c in _OPERATOR_CHARS:
            for op in ("&&", "||", "2>&1", ">>", "|", "&", ";", ">", "<", "(", ")", "\n"):
                if line.startswith(op, i):
                    tokens.append(_Op(op, i))
                    i += len(op)
                    break
            continue
        if line.startswith("2>&1", i) or line.startswith("2>", i):
            op = "2>&1" if line.startswith("2>&1", i) else "2>"
            tokens.append(_Op(op, i))
            i += len(op)
            continue
        word, end = _read_word(line, i)
        tokens.append(_WordTok(word, i, end))
        i = end
    return tokens


# --------------------------------------------------------------------------- parser


def _unexpected(token: str) -> ShellSyntaxError:
    return ShellSyntaxError(f"syntax error near unexpected token `{token}'")


def parse_line(line: str) -> CommandList:
    """Parse one input line into pipelines, or raise `ShellSyntaxError`."""
    tokens = _tokenize(line.rstrip("\n"))
    items: list[tuple[str, Pipeline]] = []
    connector = ""
    commands: list[SimpleCommand] = []
    words: list[Word] = []
    redirects: list[Redirect] = []
    pipeline_start: int | None = None
    i = 0

    def end_command(op: str) -> None:
        if not words:
            raise _unexpected(op)
        commands.append(SimpleCommand(tuple(words), tuple(redirects)))
        words.clear()
        redirects.clear()

    def end_pipeline(op: str, end: int, background: bool) -> None:
        nonlocal connector, pipeline_start
        end_command(op)
        assert pipeline_start is not None
        text = line[pipeline_start:end].strip()
        items.append((connector, Pipeline(tuple(commands), background, text)))
        commands.clear()
        pipeline_start = None

    while i < len(tokens):
        tok = tokens[i]
        if isinstance(tok, _WordTok):
            if pipeline_start is None:
                pipeline_start = tok.start
            words.append(tok.word)
            i += 1
            continue
        op = tok.text
        if op == "\n":
            # a newline ends a command as ";" does; after |, && or || (or on a
            # blank line) the command goes on
            if pipeline_start is not None and words:
                end_pipeline(op, tok.start, background=False)
                connector = ";"
            i += 1
            continue
        if op in {"(", ")"}:
            # `echo stack()`, a D program typed without its quotes: bash
            # refuses the line before anything runs
            raise _unexpected(op)
        if op in {">", ">>", "<", "2>"}:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if not isinstance(nxt, _WordTok):
                raise _unexpected("newline" if nxt is None else nxt.text)
            fd = {"<": 0, "2>": 2}.get(op, 1)
            redirects.append(Redirect(fd, nxt.word.plain_text()))
            if pipeline_start is None:
                pipeline_start = tok.start
            i += 2
            continue
        if op == "2>&1":
            redirects.append(Redirect(2, "&1"))
            i += 1
            continue
        if op == "|":
            if pipeline_start is None:
                raise _unexpected(op)
            end_command(op)
            if i + 1 >= len(tokens):
                raise ShellSyntaxError("syntax error: unexpected end of file")
            i += 1
            continue
        # ; & && ||
        if pipeline_start is None:
            raise _unexpected(op)
        end_pipeline(op, tok.start, background=op == "&")
        connector = op if op in {"&&", "||"} else ";"
        if op in {"&&", "||"} and i + 1 >= len(tokens):
            raise ShellSyntaxError("syntax error: unexpected end of file")
        i += 1
    if pipeline_start is not None:
        last = tokens[-1]
        end_pipeline("newline", last.end if isinstance(last, _WordTok) else len(line), False)
    return CommandList(tuple(items))
