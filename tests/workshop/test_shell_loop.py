"""The loop around the terminal: exit, Ctrl-D, Ctrl-C at a prompt, reset, foreground jobs.

The terminal here is a recording stand-in, so these tests pin the loop's own
rules; the real tools' terminal is driven end to end in test_shell_pty.py.
"""

from __future__ import annotations

import io
import os
import signal
import threading
from collections.abc import Iterator

from hvmdoc.workshop import repl
from hvmdoc.workshop.api import Job


class StubJob:
    """A foreground job that prints one chunk per read until interrupted."""

    def __init__(self) -> None:
        self.reads = 0
        self.interrupted = False
        self.done = False

    def read(self) -> str:
        self.reads += 1
        return f"tick {self.reads}\n" if self.reads <= 2 else ""

    def interrupt(self) -> str:
        self.interrupted = True
        return "bye\n"


class StubTerm:
    """Echoes lines; `mdb -k` opens a `> ` prompt until `$q`; `dtrace` starts a job."""

    def __init__(self) -> None:
        self.mdb = False
        self.lines: list[str] = []
        self.resets = 0
        self.closed = False
        self.job = StubJob()

    @property
    def prompt(self) -> str:
        return "> " if self.mdb else "# "

    @property
    def in_mdb(self) -> bool:
        return self.mdb

    def execute(self, line: str) -> str:
        self.lines.append(line)
        if line == "mdb -k":
            self.mdb = True
        elif line == "$q":
            self.mdb = False
        elif line == "exit" and not self.mdb:
            self.closed = True
        elif line == "ctrl-c now":  # the key pressed while a command runs
            os.kill(os.getpid(), signal.SIGINT)
        return f"ran {line}\n"

    def start(self, line: str) -> Job | str:
        if line.startswith("dtrace"):
            self.lines.append(line)
            return self.job
        return self.execute(line)

    def complete(self, text: str) -> list[str]:
        return []

    def pending(self) -> str:
        return ""

    def reset(self) -> str:
        self.resets += 1
        return "reset\n"

    def record(self) -> str:
        return ""

    def close(self) -> None:
        pass


def reader(items: list[str | type[BaseException]]) -> repl.ReadLine:
    feed: Iterator[str | type[BaseException]] = iter(items)

    def read(prompt: str) -> str:
        item = next(feed)
        if isinstance(item, str):
            return item
        raise item

    return read


def test_exit_leaves_with_zero_and_runs_nothing_after() -> None:
    term, out = StubTerm(), io.StringIO()
    status = repl.interactive(term, reader(["uname -v", "exit", "never"]), out)
    assert status == 0
    assert term.lines == ["uname -v", "exit"]
    assert out.getvalue().endswith("ran exit\n")


def test_ctrl_c_at_prompt_gives_new_prompt_and_ctrl_d_leaves() -> None:
    term, out = StubTerm(), io.StringIO()
    items: list[str | type[BaseException]] = [KeyboardInterrupt, "echo x", EOFError]
    assert repl.interactive(term, reader(items), out) == 0
    assert term.lines == ["echo x", "exit"]


def test_ctrl_d_in_mdb_quits_mdb_then_leaves_on_second() -> None:
    term, out = StubTerm(), io.StringIO()
    items: list[str | type[BaseException]] = ["mdb -k", EOFError, "exit"]
    assert repl.interactive(term, reader(items), out) == 0
    assert term.lines == ["mdb -k", "$q", "exit"]


def test_exit_inside_mdb_goes_to_mdb_and_reset_is_the_shells() -> None:
    term, out = StubTerm(), io.StringIO()
    items: list[str | type[BaseException]] = ["mdb -k", "exit", "$q", "reset", "exit"]
    repl.interactive(term, reader(items), out)
    assert term.lines == ["mdb -k", "exit", "$q", "exit"]
    assert term.resets == 1


def test_foreground_job_streams_until_sigint_then_prints_exit_output() -> None:
    job, out = StubJob(), io.StringIO()
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    repl.run_job(job, out)
    timer.join()
    assert job.interrupted
    assert out.getvalue() == "tick 1\ntick 2\nbye\n"
    # The loop put the previous SIGINT handler back.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_scripted_prints_prompt_line_output() -> None:
    term, out = StubTerm(), io.StringIO()
    repl.scripted(term, ["mdb -k\n", "::help\n", "$q"], out)
    assert out.getvalue() == "# mdb -k\nran mdb -k\n> ::help\nran ::help\n> $q\nran $q\n"


def test_ctrl_c_while_a_command_runs_does_not_stop_it_or_the_shell() -> None:
    term, out = StubTerm(), io.StringIO()
    items: list[str | type[BaseException]] = ["ctrl-c now", "echo after", "exit"]
    assert repl.interactive(term, reader(items), out) == 0
    assert term.lines == ["ctrl-c now", "echo after", "exit"]
    assert "ran ctrl-c now\n" in out.getvalue()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_foreground_job_run_from_the_loop_stops_on_ctrl_c() -> None:
    term, out = StubTerm(), io.StringIO()
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    assert repl.interactive(term, reader(["dtrace -n x", "exit"]), out) == 0
    timer.join()
    assert term.job.interrupted
    assert out.getvalue().startswith("tick 1\ntick 2\nbye\n")


def test_pasted_lines_run_one_by_one_each_at_its_own_prompt() -> None:
    term, out = StubTerm(), io.StringIO()
    items: list[str | type[BaseException]] = ["uname\nhostname\r\nzonename\n", "exit"]
    assert repl.interactive(term, reader(items), out) == 0
    assert term.lines == ["uname", "hostname", "zonename", "exit"]
    assert out.getvalue() == (
        "ran uname\n# hostname\nran hostname\n# zonename\nran zonename\nran exit\n"
    )


def test_a_paste_switches_prompts_with_mdb_and_ctrl_c_drops_its_rest() -> None:
    term, out = StubTerm(), io.StringIO()
    items: list[str | type[BaseException]] = ["mdb -k\n::help\n$q", "exit"]
    repl.interactive(term, reader(items), out)
    assert "> ::help\nran ::help\n> $q\n" in out.getvalue()
    term, out = StubTerm(), io.StringIO()
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    assert repl.interactive(term, reader(["dtrace -n x\necho lost", "exit"]), out) == 0
    timer.join()
    assert term.lines == ["dtrace -n x", "exit"]


class TtyOut(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_clear_alone_clears_a_terminal_window_and_still_runs() -> None:
    term, out = StubTerm(), TtyOut()
    repl.interactive(term, reader(["clear", "exit"]), out)
    assert out.getvalue().startswith(repl.CLEAR_SCREEN + "ran clear\n")
    term, plain = StubTerm(), io.StringIO()
    repl.interactive(term, reader(["clear", "exit"]), plain)
    assert repl.CLEAR_SCREEN not in plain.getvalue()
    assert term.lines == ["clear", "exit"]
