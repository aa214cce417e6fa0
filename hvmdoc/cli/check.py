"""``hvmdoc check``: replay every session block and Python example in the docs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hvmdoc.cli import CONTEXT_SETTINGS


@click.command(name="check", context_settings=CONTEXT_SETTINGS)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--update",
    is_flag=True,
    help="Rewrite differing outputs from the model (only output lines change; '...' kept "
    "where it still matches).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print failures only, no summary line.")
def command(paths: tuple[Path, ...], update: bool, quiet: bool) -> None:
    """Replay the session blocks and Python examples of the Markdown under PATHS (default: docs).

    Exit status: 0 all match, 1 some output differs, 2 bad input (a malformed
    block, an unknown scenario or attribute), reported as FILE:LINE: message.
    """
    from hvmdoc.sessions.checker import check

    report = check(list(paths) or [Path("docs")], update=update)
    for error in report.errors:
        click.echo(error.message, err=True)
    for failure in report.failures:
        click.echo(failure)
    for path in report.updated:
        click.echo(f"updated {path}")
    if not quiet:
        click.echo(report.summary(), err=bool(report.errors))
    if report.exit_code:
        # SystemExit, not ctx.exit: it reaches the shell however the CLI was entered
        # (``python -m hvmdoc`` ignores main()'s return value).
        sys.exit(report.exit_code)
