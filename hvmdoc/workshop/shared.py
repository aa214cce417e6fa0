"""One emulated host, several terminals: the in-process side of ``hvmdoc shell``.

`SharedHost` owns a `hvmdoc.tools.session.HostSession` and a lock:
the model is not meant for two threads at once, and the terminal of an attached
shell is served from another thread. Every call into the tools takes the lock,
so a ``vmadm start`` typed in one terminal runs whole while a ``dtrace`` in
another waits to read what it fired. Each terminal's work goes to the shared
`Journal`, from which ``--record`` writes a page.

When one terminal reboots or resets the host, every other terminal loses its
``mdb``, its foreground ``dtrace`` and its background jobs (the tools'
``HostSession`` ends them). Each is told so in one ``hvmdoc:`` line, with
bash's report of each background job that ended, shown at its prompt and kept
out of the recording (a replay of the page does not print it); the terminal
that rebooted gets a line too (a real ``reboot`` prints nothing and ends the
login, so the simulator says what happened).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from hvmdoc.tools.session import HostSession
from hvmdoc.tools.terminal import ForegroundJob, Job, Terminal
from hvmdoc.workshop.journal import Command, JobStarted, Journal, Reset
from hvmdoc.workshop.record import HostSpec, render_page

_R = TypeVar("_R")


@dataclass(frozen=True)
class _Before:
    """A terminal's jobs before a line that may reboot or reset the host."""

    jobs: tuple[Job, ...]


class SharedHost:
    """A host from a scenario, shared by every terminal opened on it."""

    def __init__(self, spec: HostSpec) -> None:
        self.spec = spec
        self.lock = threading.RLock()
        self.journal = Journal()
        self.session = HostSession(spec.scenario, spec.platform, spec.cpu, spec.seed)
        self._terminals: list[SharedTerminal] = []

    def terminal(self) -> SharedTerminal:
        """Open a new terminal on this host (ids count from 0)."""
        with self.lock:
            shared = SharedTerminal(self, len(self._terminals), self.session.terminal())
            self._terminals.append(shared)
            return shared

    def reset(self, by: SharedTerminal | None = None) -> None:
        """Back to the scenario's start: every terminal sees the fresh host (the
        others are told, see `replaced`)."""
        with self.lock:
            before = self.snapshot()
            self.session.reset()
            self.journal.add(Reset(self.spec.scenario, self.spec.platform, self.spec.cpu))
            self.replaced(by, "reset", before)

    def snapshot(self) -> dict[int, _Before]:
        """Every open terminal's background jobs, by terminal id."""
        return {t.ident: _Before(tuple(t._terminal.jobs)) for t in self._terminals if not t.closed}

    def replaced(self, by: SharedTerminal | None, what: str, before: dict[int, _Before]) -> None:
        """The host was ``what`` ("rebooted", "reset") from terminal ``by``: tell
        every other open terminal, with bash's report of each background job
        that ended (``[1]+  Killed ...``, as ``kill -9``), at its next prompt."""
        for terminal in self._terminals:
            if terminal is by or terminal.closed or terminal.ident not in before:
                continue
            lines = [f"hvmdoc: host {what} from another terminal"]
            jobs = [job for job in before[terminal.ident].jobs if job.state == "Running"]
            for index, job in enumerate(jobs):
                job.state = "Killed"
                lines.append(job.line(current=index == len(jobs) - 1))
            terminal.notify("".join(line + "\n" for line in lines))


class SharedJob:
    """A foreground job whose output is kept for the journal."""

    def __init__(
        self, owner: SharedTerminal, prompt: str, line: str, job: ForegroundJob, early: str = ""
    ) -> None:
        self._owner = owner
        self._prompt = prompt
        self._line = line
        self._job = job
        self._seen: list[str] = [early]
        self._done = False

    @property
    def done(self) -> bool:
        """True once the job ended by itself (D's ``exit()``, or the host was
        rebooted or reset from another terminal); `interrupt` then journals it."""
        with self._owner.host.lock:
            return self._done or not self._job.running

    def read(self) -> str:
        """Output since the last read."""
        with self._owner.host.lock:
            if self._done:
                return ""
            chunk = self._job.read()
            self._seen.append(chunk)
            return chunk

    def interrupt(self) -> str:
        """Stop the job as Ctrl-C does and journal the whole of its output."""
        with self._owner.host.lock:
            if self._done:
                return ""
            final = self._job.interrupt()
            self._done = True
            output = "".join(self._seen) + final
            self._owner.host.journal.add(
                Command(self._owner.ident, self._prompt, self._line, output, foreground=True)
            )
            return final


class SharedTerminal:
    """A terminal of a `SharedHost`; implements `hvmdoc.workshop.api.Term`."""

    def __init__(self, host: SharedHost, ident: int, terminal: Terminal) -> None:
        self.host = host
        self.ident = ident
        self._terminal = terminal
        self._shown_early: list[str] = []
        """Background output already shown at the prompt; it belongs to the next command."""
        self._notices: list[str] = []
        """hvmdoc's own lines for the next prompt (never journaled)."""

    def notify(self, text: str) -> None:
        """Show ``text`` at this terminal's next prompt, outside the recording."""
        with self.host.lock:
            self._notices.append(text)

    def _run(self, run: Callable[[], _R]) -> _R:
        """Run one line; if it rebooted or reset the host, tell the other terminals."""
        session = self.host.session
        before = self.host.snapshot()
        old_host, reboots = session.host, session.reboots
        result = run()
        if session.host is not old_host:
            self.host.replaced(self, "reset", before)
        elif session.reboots != reboots:
            self.host.replaced(self, "rebooted", before)
            spec = self.host.spec
            self.notify(
                f"hvmdoc: host rebooted (seed {spec.seed}, reboot {session.reboots}); "
                "autoboot VMs raced for the HVM lock\n"
            )
        return result

    def _early(self) -> str:
        text = "".join(self._shown_early)
        self._shown_early.clear()
        return text

    @property
    def prompt(self) -> str:
        """The prompt the next line is typed at."""
        with self.host.lock:
            return self._terminal.prompt

    @property
    def in_mdb(self) -> bool:
        """True while an interactive ``mdb -k`` is open here."""
        with self.host.lock:
            return self._terminal.in_mdb

    @property
    def closed(self) -> bool:
        """True once this terminal's shell logged out (``exit``)."""
        with self.host.lock:
            return self._terminal.closed

    def execute(self, line: str) -> str:
        """Run one line to completion (a ``dtrace`` is stopped as by Ctrl-C)."""
        with self.host.lock:
            prompt = self._terminal.prompt
            output = self._run(lambda: self._terminal.execute(line))
            self.host.journal.add(
                Command(self.ident, prompt, line, self._early() + output, status=self._status())
            )
            return output

    def start(self, line: str) -> SharedJob | str:
        """Run one line; a long-running command comes back as a job to read and stop."""
        with self.host.lock:
            prompt = self._terminal.prompt
            result = self._run(lambda: self._terminal.start(line))
            if isinstance(result, str):
                self.host.journal.add(
                    Command(self.ident, prompt, line, self._early() + result, status=self._status())
                )
                return result
            self.host.journal.add(JobStarted(self.ident))
            return SharedJob(self, prompt, line, result, self._early())

    def _status(self) -> int:
        """``$?`` after the line just run (the caller holds the host's lock)."""
        return self._terminal.exit_status

    def complete(self, text: str) -> list[str]:
        """Tab-completion candidates from the tools' terminal."""
        with self.host.lock:
            return list(self._terminal.complete(text))

    def pending(self) -> str:
        """Background-job output waiting to be shown (probes fired from elsewhere).

        A replay would print it with the next command's output (the tools'
        ``Terminal.execute``), so the journal files it there.
        """
        with self.host.lock:
            text = self._terminal.pending()
            self._shown_early.append(text)
            notices = "".join(self._notices)
            self._notices.clear()
            return text + notices

    def reset(self) -> str:
        """Reset the whole host to the scenario's start."""
        self.host.reset(by=self)
        spec = self.host.spec
        return f"hvmdoc: host reset to the start of scenario {spec.scenario} (seed {spec.seed})\n"

    def record(self) -> str:
        """This terminal's session as an executable block page."""
        return render_page(self.host.spec, self.ident, self.host.journal.entries())

    def close(self) -> None:
        """Log out: the terminal's background jobs end."""
        with self.host.lock:
            self._terminal.close()
