"""``hvmdoc parse {mdb,dtrace,vmadm} [FILE|-] [--json] [-o FIELDS]``: text to records.

Records are printed as they are parsed (JSON lines with ``--json``, else one
readable line each), so records before a bad line stand; the bad line is
reported as ``FILE:LINE:COL: message`` on stderr with exit status 2.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

import click

from hvmdoc.cli import CONTEXT_SETTINGS
from hvmdoc.errors import EXIT_BAD_INPUT, BadInput
from hvmdoc.formats.errors import ParseError

TOOLS = ("mdb", "dtrace", "vmadm")
_HEX_FIELDS = frozenset({"address", "frame_pointer", "value", "size"})


def open_text(file: str) -> tuple[TextIO, str]:
    """The input stream and its name for messages (``<stdin>`` for ``-``)."""
    if file == "-":
        if sys.stdin is None:  # started with stdin closed (`hvmdoc parse mdb <&-`)
            raise BadInput("<stdin>: cannot read: standard input is closed")
        # Undecodable bytes must not end the run with a traceback.
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        return stdin, "<stdin>"
    try:
        return open(file, encoding="utf-8", errors="replace"), file
    except OSError as exc:
        raise BadInput(f"{file}: cannot read: {exc.strerror or exc}") from None


@contextlib.contextmanager
def reader_may_leave() -> Iterator[None]:
    """A reader that goes away (``hvmdoc parse mdb x | head``) ends the command
    with status 0, what a Unix filter does.

    click's ``main()`` turns a broken pipe escaping a command into exit status
    1, which here means "a check found a difference"; so it is handled here,
    stdout flushed inside so that no write fails later at interpreter exit.
    """
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


def read_lines(stream: Iterable[str], name: str) -> Iterator[str]:
    """The lines of ``stream``; a read that fails after the open (EIO, a
    device, a vanished NFS file) is `BadInput` naming ``name``, not a crash.

    Records printed before the failure stand: the caller has written them already.
    """
    iterator = iter(stream)
    while True:
        try:
            line = next(iterator)
        except StopIteration:
            return
        except OSError as exc:
            sys.stdout.flush()
            raise BadInput(f"{name}: cannot read: {exc.strerror or exc}") from None
        yield line


def _parser(tool: str, fields: str | None) -> Callable[[Iterable[str], str], Iterator[Any]]:
    if tool == "vmadm":
        from hvmdoc.formats import vmadm

        columns = tuple(f.strip() for f in fields.split(",")) if fields else None
        if columns is not None and not all(columns):
            raise BadInput(f"-o {fields}: empty field name")

        def parse_vmadm(lines: Iterable[str], source: str) -> Iterator[Any]:
            return vmadm.parse(lines, source, columns=columns)

        return parse_vmadm
    if tool == "mdb":
        from hvmdoc.formats import mdb

        return mdb.parse
    from hvmdoc.formats import dtrace

    return dtrace.parse


def _known_fields(tool: str) -> set[str]:
    import importlib

    module = importlib.import_module(f"hvmdoc.formats.{tool}")
    return {
        field.name
        for value in vars(module).values()
        if isinstance(value, type) and dataclasses.is_dataclass(value)
        for field in dataclasses.fields(value)
    }


def _selection(tool: str, fields: str | None) -> set[str] | None:
    """mdb/dtrace: the record fields ``-o`` keeps (None: all)."""
    if tool == "vmadm" or not fields:
        return None
    wanted = {f.strip() for f in fields.split(",")}
    unknown = wanted - _known_fields(tool)
    if unknown:
        known = ", ".join(sorted(_known_fields(tool)))
        raise BadInput(f"-o: no {tool} record has {', '.join(sorted(unknown))} (fields: {known})")
    return wanted


def record_dict(record: Any, only: set[str] | None = None) -> dict[str, Any]:
    """``{"record": NAME, field: value...}`` (vmadm rows also get ``"row"``)."""
    out: dict[str, Any] = {"record": type(record).__name__}
    out.update((k, v) for k, v in dataclasses.asdict(record).items() if only is None or k in only)
    as_dict = getattr(record, "as_dict", None)
    if callable(as_dict):
        out["row"] = as_dict()
    return out


def _show(name: str, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and name in _HEX_FIELDS:
        return hex(value)
    return json.dumps(value, ensure_ascii=False)


def readable(record: Any, only: set[str] | None = None) -> str:
    """One line: the record's name, then ``field=value`` pairs."""
    from hvmdoc.formats import dtrace

    parts = [type(record).__name__]
    for field in dataclasses.fields(record):
        if only is not None and field.name not in only:
            continue
        value = getattr(record, field.name)
        if field.name == "frames":
            shown = "[" + ", ".join(dtrace.render_frame(f) for f in value) + "]"
        else:
            shown = _show(field.name, value)
        parts.append(f"{field.name}={shown}")
    return " ".join(parts)


@click.command(name="parse", context_settings=CONTEXT_SETTINGS)
@click.argument("tool", type=click.Choice(TOOLS))
@click.argument("file", default="-", required=False)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per record, per line.")
@click.option(
    "-o",
    "fields",
    metavar="FIELDS",
    help="vmadm: the columns of headerless (-H, -p) input, default uuid,type,ram,state,alias; "
    "mdb, dtrace: the record fields to print.",
)
@click.pass_context
def command(ctx: click.Context, tool: str, file: str, as_json: bool, fields: str | None) -> None:
    """Parse real mdb, dtrace or vmadm output from FILE (or stdin) into records.

    Exit status: 0 all input parsed, 2 a line is not TOOL's output (reported as
    FILE:LINE:COL: message; the records before it are printed) or FILE is unreadable.
    """
    parse = _parser(tool, fields)
    only = _selection(tool, fields)
    stream, source = open_text(file)
    out = sys.stdout
    try:
        with reader_may_leave():
            for record in parse(read_lines(stream, source), source):
                if only is not None and not only.intersection(
                    f.name for f in dataclasses.fields(record)
                ):
                    continue
                shown = json.dumps(record_dict(record, only)) if as_json else readable(record, only)
                out.write(shown + "\n")
    except ParseError as error:
        with reader_may_leave():
            out.flush()
        click.echo(error.message, err=True)
        sys.exit(EXIT_BAD_INPUT)  # not ctx.exit: `python -m hvmdoc` ignores main()'s return
    finally:
        if source != "<stdin>":
            stream.close()
