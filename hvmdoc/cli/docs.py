"""``hvmdoc docs``: write (or ``--check``) the site's generated pages and diagrams.

See `hvmdoc.docsgen` for what is generated. Exit 0 when everything was
written or (with ``--check``) is up to date, 1 when ``--check`` finds a file
that differs, 2 on bad usage (e.g. no ``docs/`` directory).
"""

from __future__ import annotations

from pathlib import Path

import click

from hvmdoc.cli import CONTEXT_SETTINGS
from hvmdoc.errors import EXIT_DIFFERENCE, BadInput, HvmdocError


@click.command(name="docs", context_settings=CONTEXT_SETTINGS)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 if any generated file is missing or differs.",
)
@click.option(
    "--docs-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs"),
    show_default=True,
    help="The site's docs directory.",
)
def command(check: bool, docs_dir: Path) -> None:
    """Write the generated pages: assumptions, CLI reference, API pages, diagrams.

    The assumptions page comes from the model's registry, the CLI reference
    from the click definitions, the API pages from the package's modules and
    the diagrams from hvmdoc/docsgen/diagrams.py. Writes are atomic and only
    files that change are touched.
    """
    from hvmdoc import docsgen

    if not docs_dir.is_dir():
        raise BadInput(f"{docs_dir}: no such directory (run from the repository root)")
    if check:
        stale = docsgen.check(docs_dir)
        for relative in stale:
            click.echo(f"{docs_dir / relative}: differs from `hvmdoc docs`", err=True)
        if stale:
            raise HvmdocError(
                f"{len(stale)} generated file(s) out of date; run `hvmdoc docs`",
                exit_code=EXIT_DIFFERENCE,
            )
        click.echo("generated files are up to date")
        return
    written = docsgen.write(docs_dir)
    for relative in written:
        click.echo(f"wrote {docs_dir / relative}")
    if not written:
        click.echo("generated files are up to date")
