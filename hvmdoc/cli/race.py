"""``hvmdoc race``: who gets the CPU's virtualization hardware when a host reboots.

Prints the exact outcome distribution of the autoboot race for N bhyve and M
KVM VMs (`hvmdoc.model.race.race`), as a small table or ``--json``.
"""

from __future__ import annotations

import json

import click

from hvmdoc.cli import CONTEXT_SETTINGS
from hvmdoc.errors import BadInput
from hvmdoc.model.errors import ModelError
from hvmdoc.model.race import RaceResult, race


def _count(value: str, name: str) -> int:
    try:
        number = int(value, 10)
    except ValueError:
        raise BadInput(f"--{name} must be a whole number >= 0, not {value!r}") from None
    if number < 0:
        raise BadInput(f"--{name} must be a whole number >= 0, not {value!r}")
    if number > 1_000_000:
        raise BadInput(f"--{name} must be at most 1000000, not {value!r}")
    return number


def render_table(result: RaceResult) -> list[str]:
    """The text table: a heading line, then one row per outcome."""
    state = result.platform.label + (", OS-7080" if result.fixed else "")
    lines = [
        f"platform {result.platform.stamp} ({state}), cpu {result.cpu}: "
        f"{result.bhyve} bhyve + {result.kvm} kvm autoboot VMs, every start order equally likely",
    ]
    rows = [("HOLDER", "FRACTION", "PROBABILITY", "UNACCELERATED", "FAILED")]
    for o in result.outcomes:
        rows.append(
            (
                o.holder if o.holder is not None else "-",
                o.fraction_text,
                f"{o.probability:.6f}",
                str(o.unaccelerated),
                str(o.failed),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return lines


@click.command(name="race", context_settings=CONTEXT_SETTINGS)
@click.option("--bhyve", "bhyve", required=True, metavar="N", help="Autoboot bhyve VMs.")
@click.option("--kvm", "kvm", required=True, metavar="M", help="Autoboot KVM VMs.")
@click.option(
    "--platform",
    default=None,
    metavar="P",
    help="Build stamp (20180315T000000Z) or alias: pre-fix (default), post-fix, hma-v2.",
)
@click.option("--cpu", default=None, metavar="V", help="CPU vendor: intel (default) or amd.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON document instead of a table.")
def command(bhyve: str, kvm: str, platform: str | None, cpu: str | None, as_json: bool) -> None:
    """Exact outcome distribution of the HVM race at host reboot.

    Assumes every start order of the autoboot VMs is equally likely (see the
    assumptions page, reboot-order-uniform).
    """
    n = _count(bhyve, "bhyve")
    m = _count(kvm, "kvm")
    if n + m > 1_000_000:
        raise BadInput("--bhyve plus --kvm must be at most 1000000")
    try:
        result = race(n, m, platform=platform, cpu=cpu)
    except ModelError as exc:
        raise BadInput(exc.message) from None
    if as_json:
        click.echo(json.dumps(result.as_json()))
    else:
        for line in render_table(result):
            click.echo(line)
