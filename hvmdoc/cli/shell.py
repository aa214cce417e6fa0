"""``hvmdoc shell``: an interactive SmartOS global zone for workshops (issue 6).

A thin loop over the tools' terminal (`hvmdoc.workshop`). With stdin a
terminal it is interactive (line editor, or plain ``input()`` where that cannot
run) and serves its host to ``hvmdoc shell --attach`` in another window; with
stdin a pipe or file it prints the transcript exactly as ``hvmdoc run`` does.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hvmdoc.cli import CONTEXT_SETTINGS
from hvmdoc.errors import BadInput, HvmdocError
from hvmdoc.workshop import repl
from hvmdoc.workshop.api import Term
from hvmdoc.workshop.record import HostSpec, write_atomically
from hvmdoc.workshop.seed import choose_seed, replay_hint

if TYPE_CHECKING:
    from hvmdoc.workshop.attach import HostServer
    from hvmdoc.workshop.shared import SharedHost

DEFAULT_SCENARIO = "emy-17"


def _open_local(spec: HostSpec) -> tuple[Term, SharedHost]:
    """A terminal on a new host, and that host (kept for the attach server).

    An unknown scenario, platform or CPU is `BadInput` from the tools'
    ``HostSession``, naming what the model knows.
    """
    from hvmdoc.workshop.shared import SharedHost

    host = SharedHost(spec)
    return host.terminal(), host


def _save(record: Path | None, term: Term) -> None:
    """Write the session page; a failure is bad input (checked before the first prompt)."""
    if record is not None:
        try:
            write_atomically(record, term.record())
        except OSError as exc:
            raise BadInput(f"cannot write {record}: {exc.strerror or exc}") from exc


class _Saver:
    """Saves the page after each command; warns once instead of ending the session."""

    def __init__(self, record: Path | None, term: Term) -> None:
        self.record = record
        self.term = term
        self.warned = False

    def __call__(self) -> None:
        try:
            _save(self.record, self.term)
        except HvmdocError as exc:
            if not self.warned:
                click.echo(f"hvmdoc: {exc.message} (the session goes on)", err=True)
                self.warned = True


@click.command(
    "shell",
    context_settings=CONTEXT_SETTINGS,
    help="An interactive SmartOS global zone simulator for workshops.\n\n"
    "Type vmadm, mdb -k, dtrace and shell commands as on a SmartOS host; `help` lists "
    "them, `reset` returns to the scenario's start, `exit` or Ctrl-D leaves. With "
    "stdin not a terminal it prints the transcript like `hvmdoc run`.",
)
@click.option("--scenario", default=None, metavar="NAME", help="Host set-up [default: emy-17].")
@click.option("--platform", default=None, metavar="P", help="Platform stamp to run on.")
@click.option("--cpu", default=None, metavar="V", help="CPU vendor (intel or amd).")
@click.option(
    "--seed", type=int, default=None, help="Seed of the reboot race (picked and shown if absent)."
)
@click.option(
    "--record",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write the session as an executable block page (`hvmdoc check FILE`).",
)
@click.option(
    "--attach",
    is_flag=True,
    help="Open another terminal on the host of a running `hvmdoc shell`.",
)
@click.option(
    "--socket",
    "socket_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="PATH",
    help="With --attach: the socket of the shell to join [default: the newest].",
)
@click.option("--plain", is_flag=True, help="Plain line input instead of the line editor.")
def command(
    scenario: str | None,
    platform: str | None,
    cpu: str | None,
    seed: int | None,
    record: Path | None,
    attach: bool,
    socket_path: Path | None,
    plain: bool,
) -> None:
    """Run the simulator; exit 0 when the user leaves."""
    if sys.stdin is None:  # started with stdin closed (`hvmdoc shell <&-`)
        raise BadInput("standard input is closed: run the shell in a terminal or pipe commands")
    if attach or socket_path is not None:
        if scenario or platform or cpu or seed is not None:
            raise BadInput(
                "--attach joins the serving shell's host: drop --scenario/--platform/--cpu/--seed"
            )
        sys.exit(_attached(socket_path, record, plain))
    spec_seed, picked = choose_seed(seed)
    spec = HostSpec(scenario or DEFAULT_SCENARIO, platform, cpu, spec_seed)
    term, host = _open_local(spec)
    _save(record, term)  # an unwritable --record fails now, not after the lab
    hint = replay_hint(spec.seed, spec.scenario, platform, cpu)
    if not sys.stdin.isatty():
        if picked:
            click.echo(f"hvmdoc shell: seed {spec.seed} (repeat with: {hint})", err=True)
        from hvmdoc.cli.parse import reader_may_leave

        try:
            with reader_may_leave():  # `hvmdoc shell < lab.txt | head`: exit 0
                status = repl.scripted(term, repl.read_stdin(), sys.stdout)
        finally:
            _save(record, term)
        sys.exit(status)
    sys.exit(_interactive_local(term, host, spec, hint, record, plain))


def _serve(host: SharedHost) -> tuple[HostServer | None, str]:
    """Serve the host to ``--attach``: the server, or None and why not."""
    try:
        from hvmdoc.workshop.attach import HostServer
    except (ImportError, AttributeError):
        return None, "this system has no Unix sockets; use a background job (CMD &)"
    try:
        return HostServer.open(host), ""
    except HvmdocError as exc:
        return None, exc.message
    except OSError as exc:
        return None, str(exc.strerror or exc)


def _interactive_local(
    term: Term, host: SharedHost, spec: HostSpec, hint: str, record: Path | None, plain: bool
) -> int:
    server, why_not = _serve(host)
    click.echo(f"hvmdoc shell: an emulated SmartOS global zone, scenario {spec.scenario}")
    click.echo(f"Seed {spec.seed}; repeat this run with: {hint}")
    if server is not None:
        click.echo("Another terminal on this host: hvmdoc shell --attach")
    else:
        click.echo(f"No second terminal on this host: {why_not}")
    click.echo("`help` lists the commands, `reset` starts over, `exit` or Ctrl-D leaves.")
    try:
        return _loop(term, record, plain)
    finally:
        if server is not None:
            server.close()


def _attached(socket_path: Path | None, record: Path | None, plain: bool) -> int:
    try:
        from hvmdoc.workshop.attach import RemoteTerminal, find_socket
    except (ImportError, AttributeError):  # no AF_UNIX (Windows)
        raise BadInput(
            "--attach needs Unix sockets, which this system lacks: "
            "run dtrace in the background instead (dtrace -n '...' &)"
        ) from None

    path = socket_path or find_socket()
    term = RemoteTerminal(path)
    try:
        _save(record, term)
        if not sys.stdin.isatty():
            status = repl.scripted(term, repl.read_stdin(), sys.stdout)
            _save(record, term)
            return status
        click.echo(f"hvmdoc shell: attached to scenario {term.scenario} (seed {term.seed})")
        return _loop(term, record, plain)
    finally:
        term.close()


def _loop(term: Term, record: Path | None, plain: bool) -> int:
    read_line: repl.ReadLine = repl.plain_reader
    if not plain and repl.can_use_editor(sys.stdin, sys.stdout):
        try:
            read_line = repl.editor_reader(term)
        except Exception:  # no usable console (prompt_toolkit refuses): plain input
            read_line = repl.plain_reader
    saver = _Saver(record, term)
    status = repl.interactive(term, read_line, sys.stdout, after_command=saver)
    saver()
    return status
