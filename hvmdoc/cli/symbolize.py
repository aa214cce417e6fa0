"""``hvmdoc symbolize [--symbols FILE | --scenario NAME] [FILE|-]``: name bare frames.

The symbol table is mdb ``::nm`` output (``--symbols``) or the kernel of an
emulated host (``--scenario``, default ``emy-17``, the seed's host). Only this
CLI layer touches the model; `hvmdoc.formats.symbolize` knows nothing of it.
"""

from __future__ import annotations

import sys

import click

from hvmdoc.errors import EXIT_BAD_INPUT, BadInput
from hvmdoc.formats.errors import ParseError
from hvmdoc.formats.symbolize import Symbol, SymbolTable, symbolize


def scenario_table(name: str) -> SymbolTable:
    """The symbols of scenario ``name``'s kernel (hvmdoc.model.scenarios)."""
    from hvmdoc.model.errors import ModelError
    from hvmdoc.model.scenarios import load_scenario

    try:
        host = load_scenario(name)
    except ModelError as exc:
        raise BadInput(exc.message) from None
    return SymbolTable(Symbol(s.name, s.module, s.address, s.size) for s in host.kernel.symbols())


@click.command(name="symbolize")
@click.argument("file", default="-", required=False)
@click.option("--symbols", "symbols_file", metavar="FILE", help="mdb ::nm output to name from.")
@click.option(
    "--scenario",
    metavar="NAME",
    help="Name from an emulated host's kernel (default emy-17 when --symbols is not given).",
)
@click.pass_context
def command(ctx: click.Context, file: str, symbols_file: str | None, scenario: str | None) -> None:
    """Write bare-address stack frames of DTrace output as 0xADDR (function+0xOFF).

    Exit status: 0 success, 2 bad input (FILE:LINE:COL: message) or unreadable file.
    """
    from hvmdoc.cli.parse import open_text, read_lines, reader_may_leave

    if symbols_file is not None and scenario is not None:
        raise BadInput("give --symbols or --scenario, not both")
    try:
        if symbols_file is not None:
            nm, nm_name = open_text(symbols_file)
            with nm:
                table = SymbolTable.from_nm(read_lines(nm, nm_name), nm_name)
        else:
            table = scenario_table(scenario or "emy-17")
        stream, source = open_text(file)
        out = sys.stdout
        try:
            with reader_may_leave():
                for line in symbolize(read_lines(stream, source), table, source):
                    out.write(line + "\n")
        finally:
            if source != "<stdin>":
                stream.close()
    except ParseError as error:
        sys.stdout.flush()
        click.echo(error.message, err=True)
        sys.exit(EXIT_BAD_INPUT)  # not ctx.exit: `python -m hvmdoc` ignores main()'s return
