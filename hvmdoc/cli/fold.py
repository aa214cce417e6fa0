"""``hvmdoc fold [FILE|-] [--offsets]``: DTrace stacks to flame-graph folded lines.

What FlameGraph's ``stackcollapse.pl`` prints, byte for byte on its kind of
input; see `hvmdoc.formats.fold` for where (and why) it does better.
Kept light: only click and the fold module are imported, so the command
starts fast on big traces.
"""

from __future__ import annotations

import sys
from typing import BinaryIO

import click

from hvmdoc.cli import CONTEXT_SETTINGS
from hvmdoc.errors import EXIT_BAD_INPUT, BadInput
from hvmdoc.formats.errors import ParseError


@click.command(name="fold", context_settings=CONTEXT_SETTINGS)
@click.argument("file", default="-", required=False)
@click.option("--offsets", is_flag=True, help="Keep +0xOFFSET on every frame but the leaf.")
@click.pass_context
def command(ctx: click.Context, file: str, offsets: bool) -> None:
    """Fold DTrace stack output (aggregations or probe firings) from FILE or stdin.

    Exit status: 0 success, 2 unreadable FILE or binary input (FILE:LINE:COL: message).
    """
    from hvmdoc.formats.fold import fold_bytes, folded_lines

    source: BinaryIO
    if file == "-":
        if sys.stdin is None:  # started with stdin closed (`hvmdoc fold <&-`)
            raise BadInput("<stdin>: cannot read: standard input is closed")
        source, name = sys.stdin.buffer, "<stdin>"
    else:
        try:
            source, name = open(file, "rb"), file  # noqa: SIM115
        except OSError as exc:
            raise BadInput(f"{file}: cannot read: {exc.strerror or exc}") from None
    try:
        folded = fold_bytes(source, name, offsets=offsets)
    except ParseError as error:
        click.echo(error.message, err=True)
        sys.exit(EXIT_BAD_INPUT)  # not ctx.exit: `python -m hvmdoc` ignores main()'s return
    except OSError as exc:  # the open worked, a read did not (EIO, a device): bad input
        raise BadInput(f"{name}: cannot read: {exc.strerror or exc}") from None
    finally:
        if source is not sys.stdin.buffer:
            source.close()
    from hvmdoc.cli.parse import reader_may_leave

    with reader_may_leave():
        sys.stdout.buffer.writelines(folded_lines(folded))
        sys.stdout.buffer.flush()
