"""``hvmdoc run``: type commands at an emulated host and print the transcript.

Each input line is run by `hvmdoc.tools.terminal.Terminal.execute` and
printed as a page shows it: the prompt and the line, then what the terminal
printed. Lines after an interactive ``mdb -k`` go to mdb (shown at its ``> ``
prompt) until ``$q``. Blank input lines are skipped. ``--setup CMD``
(repeatable) runs commands first, unseen, from another terminal of the host --
what a page block's ``data-setup`` does. A command's failure is part
of the transcript; ``hvmdoc run`` itself exits 0 when all input ran and 2 on
bad usage (an unknown scenario, platform or CPU, an unreadable FILE) or when a
``--setup`` command fails, since its error would be seen nowhere.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hvmdoc.cli import CONTEXT_SETTINGS
from hvmdoc.errors import BadInput

__all__ = ["command", "transcript"]


def transcript(
    lines: list[str],
    *,
    scenario: str = "emy-17",
    platform: str | None = None,
    cpu: str | None = None,
    seed: int | None = None,
    prompt: str | None = None,
    setup: tuple[str, ...] | list[str] = (),
) -> str:
    """The transcript of ``lines`` typed at a fresh host of ``scenario``, after
    the ``setup`` commands ran unseen in another terminal (like a block's
    ``data-setup``).

    A setup command that fails (a non-zero exit status, a logout, an ``mdb -k``
    left open) raises `BadInput` naming it and what it printed: nobody would
    see its error otherwise.
    """
    from hvmdoc.tools.script import first_failure, replay, run_unseen
    from hvmdoc.tools.session import HostSession

    session = HostSession(scenario, platform, cpu, seed)
    if setup:
        other = session.terminal()
        failed = first_failure(run_unseen(other, setup))
        other.close()
        if failed is not None:
            raise BadInput(failed.describe("--setup"))
    terminal = session.terminal()
    text = "".join(replay(terminal, lines, prompt))
    terminal.close()
    return text


@click.command(name="run", context_settings=CONTEXT_SETTINGS)
@click.option("--scenario", default="emy-17", show_default=True, help="Host scenario to start.")
@click.option("--platform", default=None, help="Platform (alias or build stamp).")
@click.option("--cpu", default=None, help="CPU vendor: intel or amd.")
@click.option("--seed", type=int, default=None, help="Seed for the reboot race.")
@click.option(
    "--prompt",
    default=None,
    help="Shell prompt to print (default: the host's, e.g. '[root@emy-17 /root]# ').",
)
@click.option(
    "--setup",
    multiple=True,
    metavar="CMD",
    help="Run CMD first, unseen, as from another terminal (repeatable); exit 2 if it fails.",
)
@click.argument("file", required=False, default="-")
def command(
    scenario: str,
    platform: str | None,
    cpu: str | None,
    seed: int | None,
    prompt: str | None,
    setup: tuple[str, ...],
    file: str,
) -> None:
    """Run commands (one per line, from FILE or standard input) on an emulated
    SmartOS host and print the transcript: prompt, command, output."""
    from hvmdoc.tools.script import input_lines

    try:
        if file == "-":
            if sys.stdin is None:  # started with stdin closed (`hvmdoc run <&-`)
                raise BadInput("<stdin>: standard input is closed")
            raw = sys.stdin.read()
        else:
            raw = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise BadInput(f"{'<stdin>' if file == '-' else file}: {reason}") from None
    lines = list(input_lines(raw))
    text = transcript(
        lines,
        scenario=scenario,
        platform=platform,
        cpu=cpu,
        seed=seed,
        prompt=prompt,
        setup=setup,
    )
    sys.stdout.write(text)
    sys.stdout.flush()
