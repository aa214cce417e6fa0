"""``hvmdoc symbolize [--symbols FILE | --scenario NAME [--platform P] [--cpu V]] [FILE|-]``.

Names bare frames. The symbol table is mdb ``::nm`` output (``--symbols``) or
the kernel of an emulated host (``--scenario``, default ``emy-17``, the seed's
host), on the platform and CPU ``--platform``/``--cpu`` choose as for ``hvmdoc
run`` (the platform decides which kernel symbols exist: HMA's only after
OS-7080). Only this CLI layer touches the model; `hvmdoc.formats.symbolize`
knows nothing of it.
"""

from __future__ import annotations

import sys

import click

from hvmdoc.cli import CONTEXT_SETTINGS
from hvmdoc.errors import EXIT_BAD_INPUT, BadInput
from hvmdoc.formats.errors import ParseError
from hvmdoc.formats.symbolize import Symbol, SymbolTable, symbolize


def scenario_table(name: str, platform: str | None = None, cpu: str | None = None) -> SymbolTable:
    """The symbols of scenario ``name``'s kernel (hvmdoc.model.scenarios) on
    ``platform`` and ``cpu`` (the scenario's defaults when None)."""
    from hvmdoc.model.errors import ModelError
    from hvmdoc.model.scenarios import load_scenario

    try:
        host = load_scenario(name, platform, cpu)
    except ModelError as exc:
        raise BadInput(exc.message) from None
    return SymbolTable(Symbol(s.name, s.module, s.address, s.size) for s in host.kernel.symbols())


@click.command(name="symbolize", context_settings=CONTEXT_SETTINGS)
@click.argument("file", default="-", required=False)
@click.option("--symbols", "symbols_file", metavar="FILE", help="mdb ::nm output to name from.")
@click.option(
    "--scenario",
    metavar="NAME",
    help="Name from an emulated host's kernel (default emy-17 when --symbols is not given).",
)
@click.option(
    "--platform",
    default=None,
    help="Platform of the emulated host (alias or build stamp, as for hvmdoc run).",
)
@click.option("--cpu", default=None, help="CPU vendor of the emulated host: intel or amd.")
@click.pass_context
def command(
    ctx: click.Context,
    file: str,
    symbols_file: str | None,
    scenario: str | None,
    platform: str | None,
    cpu: str | None,
) -> None:
    """Write bare-address stack frames of DTrace output as 0xADDR (function+0xOFF).

    Exit status: 0 success, 2 bad input (FILE:LINE:COL: message) or unreadable file.
    """
    from hvmdoc.cli.parse import open_text, read_lines, reader_may_leave

    if symbols_file is not None and scenario is not None:
        raise BadInput("give --symbols or --scenario, not both")
    if symbols_file is not None and (platform is not None or cpu is not None):
        raise BadInput("--platform and --cpu choose an emulated host's kernel: not with --symbols")
    try:
        if symbols_file is not None:
            nm, nm_name = open_text(symbols_file)
            with nm:
                table = SymbolTable.from_nm(read_lines(nm, nm_name), nm_name)
        else:
            table = scenario_table(scenario or "emy-17", platform, cpu)
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
