"""The ``hvmdoc`` command line: one subcommand per job.

Subcommands live in their own modules under `hvmdoc.cli` and are imported
only when run, so ``hvmdoc --help`` stays fast. Every error reaches the user as
one line on stderr (no traceback; ``HVMDOC_DEBUG=1`` shows one), with exit 0
on success, 1 when a check found a difference, 2 on bad usage or bad input.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from hvmdoc import __version__
from hvmdoc.errors import HvmdocError

#: name -> (module under hvmdoc.cli, one-line help). The module defines ``command``.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "check": ("check", "Replay every session block and Python example in the docs."),
    "run": ("run", "Run commands on an emulated host and print the transcript."),
    "shell": ("shell", "An interactive SmartOS global zone simulator (workshops)."),
    "race": ("race", "Outcome distribution of the autoboot race for the lock at reboot."),
    "parse": ("parse", "Parse real mdb, dtrace or vmadm output into records."),
    "fold": ("fold", "Fold DTrace stacks for flame graphs (like stackcollapse.pl)."),
    "symbolize": ("symbolize", "Name bare-address stack frames from a symbol table."),
    "docs": ("docs", "Write the generated pages (assumptions, CLI reference)."),
}


#: Context settings of the group *and of every subcommand*. Click (8.1.8 on)
#: builds a command's help option once, from the first context it sees, and
#: keeps it on the command object; a subcommand that relied on inheriting
#: ``help_option_names`` from the group would get plain ``--help`` for good
#: the first time it ran on its own (``CliRunner().invoke(command)``), and
#: every later ``--help`` and the generated CLI page would lose ``-h``.
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}


class ReaderGone(Exception):
    """Standard output's reader went away (``hvmdoc fold big.txt | head``).

    Raised in place of ``BrokenPipeError``, which click would turn into exit 1
    ("a difference was found"); `main` exits 0 quietly instead.
    """


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:  # --help and --version print while the context is made
            return super().make_context(info_name, args, parent, **extra)
        except BrokenPipeError as exc:
            raise ReaderGone() from exc

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            raise ReaderGone() from exc

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = SUBCOMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(f"hvmdoc.cli.{entry[0]}")
        command: click.Command = module.command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUBCOMMANDS[name][1]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="hvmdoc")
def cli() -> None:
    """hvmdoc: SmartOS's bhyve/KVM HVM exclusion, as executable documentation.

    Exit status: 0 success, 1 a check found a difference, 2 bad usage or input.
    """


def _usage_line(exc: click.UsageError) -> str:
    """Click's four-line usage block as one line: ``hvmdoc race: Missing option ...``."""
    where = exc.ctx.command_path if exc.ctx is not None else "hvmdoc"
    message = " ".join(exc.format_message().split())
    return f"{where}: {message} (see '{where} --help')"


def main(argv: list[str] | None = None) -> int:
    """Console entry point: run the CLI and return its exit status.

    Every error becomes one line on stderr. With ``standalone_mode=False`` click
    returns the status a command passed to ``ctx.exit(n)``; anything else a
    command returns means success.
    """
    try:
        result: Any = cli.main(args=argv, prog_name="hvmdoc", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("hvmdoc: aborted", err=True)
        sys.exit(130)
    except click.UsageError as exc:
        click.echo(_usage_line(exc), err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except HvmdocError as exc:
        click.echo(f"hvmdoc: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except (BrokenPipeError, ReaderGone):
        # The reader went away (`hvmdoc fold big.txt | head`): not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("HVMDOC_DEBUG"):
            raise
        click.echo(
            f"hvmdoc: internal error: {type(exc).__name__}: {exc} (HVMDOC_DEBUG=1 shows more)",
            err=True,
        )
        sys.exit(70)  # EX_SOFTWARE (sysexits.h): a bug in hvmdoc, not in the input
    return result if isinstance(result, int) else 0
