"""A terminal on an emulated host: type a line, get what the screen shows.

`Terminal` is the one interface every user of the tools drives: the docs
checker replays a page's sessions through `Terminal.execute`, ``hvmdoc
run`` prints ``prompt + line`` and then that output, and the workshop shell adds
`Terminal.start` (a live ``dtrace`` read as it fires, stopped with
`ForegroundJob.interrupt`), `Terminal.pending` and
`Terminal.complete`.

Everything a terminal shows goes through one screen buffer, in the order it
happens: a background ``dtrace``'s firings land there while the ``vmadm start``
that caused them runs, so they appear before vmadm's own message, as on a real
terminal.

Decision (``^C``): the ``^C`` a real terminal shows when dtrace is interrupted
is the tty echoing the key, not program output, and the seed's transcript has
none; `execute` and `ForegroundJob.interrupt` return only what the
program prints (dtrace's two closing newlines and aggregations). An interactive
shell that wants the echo prints `CTRL_C_ECHO` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hvmdoc.tools.process import LongRunning
from hvmdoc.tools.script import Unseen, run_unseen

if TYPE_CHECKING:
    from hvmdoc.model.host import Host
    from hvmdoc.tools.mdb import MdbSession
    from hvmdoc.tools.session import HostSession

__all__ = ["CTRL_C_ECHO", "MDB_PROMPT", "ForegroundJob", "Job", "Terminal"]

#: What a tty echoes for Ctrl-C (ECHOCTL); not part of any program's output.
CTRL_C_ECHO = "^C"
#: The prompt of an interactive ``mdb`` (mdb's default ``-P`` prompt, ``"> "``).
MDB_PROMPT = "> "

#: bash ``jobs.c``: ``LONGEST_SIGNAL_DESC`` pads the status column of ``jobs``.
_STATUS_WIDTH = 24


@dataclass
class Job:
    """A background job: ``[number] pid``, the command as typed, its state."""

    number: int
    pid: int
    text: str
    run: LongRunning
    state: str = "Running"

    def line(self, current: bool, *, long: bool = False) -> str:
        """The job as bash's ``jobs`` prints it (``print_pipeline()`` in
        ``jobs.c``): ``[N]+  Running                 CMD &``; ``long`` (``jobs
        -l``) adds the PID as ``%5ld``."""
        mark = "+" if current else "-"
        suffix = " &" if self.state == "Running" else ""
        pid = f"{self.pid:>5}" if long else ""
        return f"[{self.number}]{mark} {pid} {self.state:<{_STATUS_WIDTH}}{self.text}{suffix}"


class ForegroundJob:
    """A long-running command holding the terminal (a ``dtrace`` tracing)."""

    def __init__(self, terminal: Terminal, run: LongRunning, line: str) -> None:
        self._terminal = terminal
        self._run = run
        self.line = line
        self.running = True

    def read(self) -> str:
        """What the terminal printed since the last read (probe firings); once
        the command ended by itself (``exit()``), `running` is False."""
        text = self._terminal.drain()
        if self.running and self._run.done:
            self.running = False
            self._terminal.foreground_done(self, self._run.status)
        return text

    def interrupt(self) -> str:
        """Stop the command as Ctrl-C does; return the rest of its output.

        Returns what the program prints on the way out (dtrace: two newlines, then
        any aggregations), not the tty's ``^C`` echo (see `CTRL_C_ECHO`).
        """
        if self.running:
            self.running = False
            status = self._run.stop("INT")
            self._terminal.foreground_done(self, status)
        return self._terminal.drain()


class Terminal:
    """One login shell on a `HostSession`'s host."""

    def __init__(self, session: HostSession, ident: int) -> None:
        self.session = session
        self.ident = ident
        self.exit_status = 0
        home = getattr(session.host, "prompt_dir", "/root")
        self.env: dict[str, str] = {"HOME": "/root", "PWD": home, "USER": "root"}
        self._screen: list[str] = []
        self._jobs: list[Job] = []
        self._foreground: ForegroundJob | None = None
        self._mdb: MdbSession | None = None
        self.closed = False
        #: How the ``meanwhile`` lines of the last `execute` ended (`run_unseen`).
        self.meanwhile_results: list[Unseen] = []

    # -- state ----------------------------------------------------------------
    @property
    def host(self) -> Host:
        """The emulated host (replaced by ``reset`` and ``reboot``)."""
        return self.session.host

    @property
    def prompt(self) -> str:
        """The prompt the next line is typed at: the host's shell prompt
        (``[root@emy-17 /root]# ``), or ``> `` while an ``mdb -k`` is open."""
        if self._mdb is not None:
            return MDB_PROMPT
        return f"[root@{self.host.hostname} {self.env['PWD']}]# "

    @property
    def in_mdb(self) -> bool:
        """True while an interactive ``mdb -k`` reads this terminal's lines."""
        return self._mdb is not None

    @property
    def jobs(self) -> list[Job]:
        """Background jobs still known to the shell."""
        return list(self._jobs)

    @property
    def foreground(self) -> ForegroundJob | None:
        """The running foreground job, if any."""
        return self._foreground

    # -- screen -----------------------------------------------------------------
    def write(self, text: str) -> None:
        """Print ``text`` on this terminal (commands and jobs call this)."""
        if text:
            self._screen.append(text)

    def mark(self) -> int:
        """A position in the screen buffer, for `insert`."""
        return len(self._screen)

    def insert(self, mark: int, text: str) -> None:
        """Print ``text`` as if it had come at ``mark`` (bash's ``[1] PID`` line
        precedes what the background command printed)."""
        self._screen.insert(min(mark, len(self._screen)), text)

    def drain(self) -> str:
        """Everything printed since the last drain."""
        text = "".join(self._screen)
        self._screen.clear()
        return text

    def pending(self) -> str:
        """Output background jobs printed since the last command (e.g. probes
        fired by a command typed in another terminal), with bash's notice for a
        job that ended."""
        self.reap_jobs()
        return self.drain()

    # -- running lines ----------------------------------------------------------
    def execute(self, line: str, meanwhile: Sequence[str] = ()) -> str:
        """Run one line typed at `prompt`; return what the terminal shows.

        The returned text is ``""`` or ends in a newline and does not include
        the prompt or the line. A long-running foreground command (``dtrace``)
        runs while each ``meanwhile`` line runs to completion in another
        terminal of the same host (its output is not shown here), then stops as
        on Ctrl-C. The ``meanwhile`` lines run by `run_unseen`: they stop at
        the first that fails, and `meanwhile_results` says how each ended.
        Output background jobs printed before this line (caused from elsewhere)
        comes first.
        """
        self.meanwhile_results = []
        result = self.start(line)
        if isinstance(result, str):
            if meanwhile:
                self._run_meanwhile(meanwhile)
                return result + self.drain()
            return result
        self._run_meanwhile(meanwhile)
        return result.read() + result.interrupt()

    def _run_meanwhile(self, lines: Sequence[str]) -> None:
        self.meanwhile_results = []
        if not lines:
            return
        sibling = self.session.terminal()
        try:
            self.meanwhile_results = run_unseen(sibling, lines)
        finally:
            sibling.close()

    def start(self, line: str) -> ForegroundJob | str:
        """Run one line; a long-running command returns a `ForegroundJob`
        (read its output as it comes, stop it with ``interrupt()``), anything
        else the text the terminal shows, as `execute`."""
        if self._foreground is not None:
            self.write(self._foreground.interrupt())
        if self.closed:
            return ""
        if self._mdb is not None:
            mdb = self._mdb
            if not mdb.execute(line):
                self._mdb = None
            self.exit_status = mdb.status
            return self.drain()
        from hvmdoc.tools.shell import run_line

        outcome = run_line(self, line)
        if isinstance(outcome, int):
            self.exit_status = outcome
            self.reap_jobs()
            return self.drain()
        job = ForegroundJob(self, outcome, line)
        self._foreground = job
        return job

    def foreground_done(self, job: ForegroundJob, status: int) -> None:
        """The foreground job ended with ``status``."""
        if self._foreground is job:
            self._foreground = None
        self.exit_status = status

    # -- interactive mdb ----------------------------------------------------------
    def open_mdb(self, session: MdbSession) -> None:
        """Hand the following lines to an interactive debugger until it quits."""
        self._mdb = session

    # -- jobs -----------------------------------------------------------------
    def add_job(self, text: str, run: LongRunning, pid: int) -> Job:
        """Register a background job (``CMD &``); bash numbers from 1 upwards,
        reusing numbers once the list is empty."""
        number = max((job.number for job in self._jobs), default=0) + 1
        job = Job(number, pid, text, run)
        self._jobs.append(job)
        return job

    def find_job(self, spec: str) -> Job | None:
        """``%N``, ``%+``/``%%`` (current), ``%-`` (previous) or ``%STRING``."""
        if not self._jobs:
            return None
        body = spec[1:]
        if body in {"", "+", "%"}:
            return self._jobs[-1]
        if body == "-":
            return self._jobs[-2] if len(self._jobs) > 1 else self._jobs[-1]
        if body.isdigit():
            return next((job for job in self._jobs if job.number == int(body)), None)
        return next((job for job in self._jobs if job.text.startswith(body)), None)

    def take_job(self, job: Job) -> None:
        """Remove ``job`` from the job list: ``fg`` brought it to the foreground."""
        self._jobs.remove(job)

    def end_job(self, job: Job, signal: str) -> None:
        """Stop a background job with ``signal``; bash reports it before the next
        prompt (``[1]+  Done                    CMD`` for a dtrace, which exits 0
        on SIGTERM; ``Killed`` after ``kill -9``)."""
        if job.state != "Running":
            return
        status = job.run.stop(signal)
        # dtrace catches SIGINT and SIGTERM and exits 0 (dtrace.c main():
        # sigaction(SIGINT/SIGTERM, intr)), so bash reports it "Done".
        if status == 0:
            job.state = "Done"
        elif status == 137:
            job.state = "Killed"
        elif status == 143:
            job.state = "Terminated"
        else:
            job.state = f"Exit {status}"
        current = self._jobs[-1] is job
        self.write(job.line(current) + "\n")
        self._jobs.remove(job)

    def reap_jobs(self) -> None:
        """Report background jobs that ended by themselves, as bash does before
        its next prompt (``[1]+  Done                    CMD``)."""
        for job in list(self._jobs):
            if job.state == "Running" and job.run.done:
                status = job.run.status
                job.state = "Done" if status == 0 else f"Exit {status}"
                self.write(job.line(self._jobs[-1] is job) + "\n")
                self._jobs.remove(job)

    def forget_jobs(self) -> None:
        """Remove jobs that ended (after ``jobs`` showed them)."""
        self._jobs = [job for job in self._jobs if job.state == "Running"]

    # -- life cycle -------------------------------------------------------------
    def host_replaced(self, *, clear_screen: bool = True) -> None:
        """The host was reset or rebooted: jobs and debugger are gone (and, for
        a reset, whatever was waiting to be shown)."""
        for job in self._jobs:
            if job.state == "Running":
                job.run.stop("KILL")
        self._jobs.clear()
        if self._foreground is not None:
            self._foreground.running = False
            self._foreground._run.stop("KILL")
            self._foreground = None
        self._mdb = None
        if clear_screen:
            self._screen.clear()

    def close(self) -> None:
        """Log out: background jobs end (bash sends SIGHUP to its jobs)."""
        for job in self._jobs:
            if job.state == "Running":
                job.run.stop("HUP")
        self._jobs.clear()
        if self._foreground is not None:
            self._foreground.interrupt()
        self._mdb = None
        self.closed = True

    # -- completion ---------------------------------------------------------------
    def complete(self, text: str) -> list[str]:
        """Tab-completion candidates for the word ending ``text`` (the text
        before the cursor): commands, vmadm subcommands and fields, VM aliases
        and UUIDs, dtrace probe functions, job specs, and mdb dcmds and symbols
        while ``mdb`` is open. Each candidate replaces that whole word."""
        from hvmdoc.tools.completion import complete

        return complete(self, text)
