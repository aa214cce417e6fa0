"""The read-eval-print loop of ``hvmdoc shell``: line editor, plain input, or a script.

Every line goes to the terminal (`hvmdoc.workshop.api.Term`), ``exit``
included (the emulated bash prints ``logout`` and closes); several lines pasted
at once run one by one, each shown at its own prompt; the loop itself knows
only what a terminal window does around a shell: it ends when the terminal
closes or on Ctrl-D (Ctrl-D in ``mdb -k`` quits mdb, as the real one does), Ctrl-C at a
prompt gives a fresh prompt, Ctrl-C while ``dtrace`` runs in the foreground stops
it and prints what it prints on the way out, and ``reset`` returns the host to
its scenario's start.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from types import FrameType
from typing import TextIO

from hvmdoc.errors import HvmdocError
from hvmdoc.tools.script import input_lines, replay
from hvmdoc.workshop.api import Job, Term

#: Seconds between polls of a running foreground job's output.
POLL_INTERVAL = 0.05
#: Seconds between looks for background-job output while waiting at a prompt.
PENDING_INTERVAL = 0.2

#: The one line the loop answers itself at the shell prompt (not inside mdb).
RESET_WORD = "reset"
#: ``clear`` alone at the shell prompt also clears the window (the emulated
#: command prints nothing: a transcript has no screen to clear).
CLEAR_WORD = "clear"
#: Cursor home, erase the display (terminfo ``clear`` of xterm and most others).
CLEAR_SCREEN = "\x1b[H\x1b[2J"

ReadLine = Callable[[str], str]
"""Reads one line after showing a prompt; raises EOFError (Ctrl-D) or KeyboardInterrupt."""


def plain_reader(prompt: str) -> str:
    """``input()``: the fallback where the line editor cannot run.

    The terminal echoed ``^C`` or nothing for Ctrl-D and left the cursor on the
    prompt's line: move on to a fresh one, as a shell does.
    """
    try:
        return input(prompt)
    except (KeyboardInterrupt, EOFError):
        sys.stdout.write("\n")
        raise


def editor_reader(term: Term) -> ReadLine:
    """A prompt_toolkit line editor: history, emacs keys, Tab completion via ``term``.

    While it waits for a line, a watcher prints background jobs' output above the
    prompt as it arrives (a ``dtrace &`` catching probes another terminal fired).
    """
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
    from prompt_toolkit.keys import Keys
    from prompt_toolkit.patch_stdout import patch_stdout
    from prompt_toolkit.shortcuts import CompleteStyle

    from hvmdoc.workshop.completion import TermCompleter

    keys = KeyBindings()

    @keys.add("c-z")
    def _suspend_nothing(event: KeyPressEvent) -> None:
        """Ctrl-Z at bash's prompt does nothing (no literal ``^Z`` is typed)."""

    #: Lines of a paste after the one accepted (returned with it, split by the
    #: loop) and the unfinished last line, left in the next prompt to edit.
    carried: list[str] = []
    tail: list[str] = []

    @keys.add(Keys.BracketedPaste)
    def _paste(event: KeyPressEvent) -> None:
        """Several pasted lines (the site's copy button copies a block's
        commands) run one by one, as bash reads them: the first now, the others
        at their own prompts, an unfinished last line waits in the editor."""
        data = event.data.replace("\r\n", "\n").replace("\r", "\n")
        if "\n" not in data:
            event.current_buffer.insert_text(data)
            return
        first, *rest = data.split("\n")
        carried[:] = rest[:-1]
        tail[:] = [rest[-1]] if rest[-1] else []
        event.current_buffer.insert_text(first)
        event.current_buffer.validate_and_handle()

    session: PromptSession[str] = PromptSession(
        history=InMemoryHistory(),
        key_bindings=keys,
        completer=TermCompleter(term),
        complete_style=CompleteStyle.READLINE_LIKE,
        complete_while_typing=False,
        enable_history_search=False,
        mouse_support=False,
    )

    def give_up(exc: BaseException) -> None:
        """From the watcher thread: end the prompt with ``exc`` (the host went away)."""
        app = session.app
        if app.is_running and app.loop is not None:
            app.loop.call_soon_threadsafe(lambda: app.exit(exception=exc))

    def read(prompt: str) -> str:
        stop = threading.Event()
        with patch_stdout(raw=True):
            watcher = threading.Thread(
                target=_show_pending,
                args=(term, prompt, stop, give_up),
                name="hvmdoc-pending",
                daemon=True,
            )
            watcher.start()
            default = tail.pop() if tail else ""
            try:
                line = session.prompt(prompt, default=default)
            finally:
                stop.set()
                watcher.join()
        if carried:
            for later in carried:
                session.history.append_string(later)
            line = "\n".join([line, *carried])
            carried.clear()
        return line

    return read


class PromptChanged(Exception):
    """The prompt being shown is stale: another terminal's ``reboot`` or
    ``reset`` ended this terminal's ``mdb``, so the shell's prompt is due."""


def _show_pending(
    term: Term, prompt: str, stop: threading.Event, give_up: Callable[[BaseException], None]
) -> None:
    """Until ``stop``, print what background jobs print (through patch_stdout);
    leave the prompt when it is no longer the terminal's."""
    while not stop.wait(PENDING_INTERVAL):
        try:
            text = term.pending()
            stale = bool(text) and term.prompt != prompt
        except HvmdocError as exc:  # the serving shell went away: leave the prompt
            give_up(exc)
            return
        except Exception:  # never let the watcher disturb the line being typed
            return
        if text:
            sys.stdout.write(text)
            sys.stdout.flush()
        if stale:
            give_up(PromptChanged())
            return


def can_use_editor(stdin: TextIO, stdout: TextIO) -> bool:
    """True when both ends are terminals prompt_toolkit can drive."""
    if os.environ.get("TERM", "") in {"", "dumb"}:
        return False
    try:
        return stdin.isatty() and stdout.isatty()
    except (AttributeError, ValueError):
        return False


#: Ctrl-C, and Ctrl-\ (SIGQUIT, which would end Python with a core dump): the
#: terminal sends them to the foreground job, never to the login shell.
_STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGQUIT") if hasattr(signal, name)
)


class InterruptFlag:
    """Turns SIGINT and SIGQUIT into a flag while a command runs (no exception
    mid-model); either stops a foreground job as Ctrl-C does."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self._previous: dict[int, Callable[[int, FrameType | None], object] | int | None] = {}

    def __enter__(self) -> InterruptFlag:
        if threading.current_thread() is threading.main_thread():
            for number in _STOP_SIGNALS:
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.event.set()

    def __exit__(self, *exc: object) -> None:
        for number, previous in self._previous.items():
            if previous is not None:
                signal.signal(number, previous)
        self._previous.clear()


#: Ctrl-\\ (SIGQUIT) and Ctrl-Z (SIGTSTP): an interactive bash ignores both. A
#: suspended simulator would also freeze every attached window (they are served
#: from this process), and it has no job control to bring itself back.
_IGNORED_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGQUIT", "SIGTSTP") if hasattr(signal, name)
)


class QuitIgnored:
    """SIGQUIT (Ctrl-\\) and SIGTSTP (Ctrl-Z) ignored for the whole session, as an
    interactive bash does; a foreground job turns SIGQUIT into Ctrl-C's flag
    (`InterruptFlag`), SIGTSTP stays ignored."""

    def __init__(self) -> None:
        self._previous: dict[int, Callable[[int, FrameType | None], object] | int | None] = {}

    def __enter__(self) -> QuitIgnored:
        if threading.current_thread() is threading.main_thread():
            for number in _IGNORED_SIGNALS:
                self._previous[number] = signal.signal(number, signal.SIG_IGN)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, previous in self._previous.items():
            if previous is not None:
                signal.signal(number, previous)
        self._previous.clear()


def run_job(job: Job, out: TextIO, flag: InterruptFlag | None = None) -> None:
    """Show a foreground job's output as it comes until Ctrl-C (or until it ends by
    itself), then its exit output.

    ``flag`` is the caller's active `InterruptFlag` (one is set up here
    otherwise). The tty itself echoes ``^C`` (it is in cooked mode while a job
    runs); what follows is only what the program prints on the way out.
    """
    if flag is None:
        with InterruptFlag() as own:
            run_job(job, out, own)
        return
    while not flag.event.wait(POLL_INTERVAL):
        chunk = job.read()
        if chunk:
            out.write(chunk)
            out.flush()
        if job.done:  # exit(), or the host went away under it: back to the prompt
            break
    out.write(job.read())
    out.write(job.interrupt())
    out.flush()


def interactive(
    term: Term,
    read_line: ReadLine,
    out: TextIO,
    *,
    after_command: Callable[[], None] = lambda: None,
) -> int:
    """Prompt, run, show, until ``exit`` or Ctrl-D; return the exit status (0).

    Ctrl-C only interrupts the line editor or a foreground job: while anything
    else runs, SIGINT just raises a flag, so the model is never stopped halfway.
    ``after_command`` runs after each line (``--record`` saves the page there, so
    closing the window loses nothing). Ctrl-\\ never ends the shell either, and
    Ctrl-Z never suspends it.
    """
    with QuitIgnored():
        return _interactive(term, read_line, out, after_command)


def _interactive(
    term: Term, read_line: ReadLine, out: TextIO, after_command: Callable[[], None]
) -> int:
    queued: list[str] = []  # the later lines of a paste, each run at its own prompt
    while True:
        with InterruptFlag():
            out.write(term.pending())
            out.flush()
            prompt = term.prompt
        if queued:
            line = queued.pop(0)
            out.write(prompt + line + "\n")  # as bash shows a line it read from a paste
            out.flush()
        else:
            try:
                line = read_line(prompt)
            except (KeyboardInterrupt, PromptChanged):
                continue
            except EOFError:
                # EOF ends mdb (``$q``) or the login shell (bash prints "logout").
                line = "$q" if term.in_mdb else "exit"
                with InterruptFlag():
                    out.write(term.execute(line))
                    after_command()
                if term.closed:
                    return 0
                continue
            pieces = list(input_lines(line))
            if len(pieces) > 1 and not pieces[-1]:
                pieces.pop()  # the paste ended with a newline
            line = pieces[0]
            queued.extend(pieces[1:])
        with InterruptFlag() as flag:
            if _run_line(term, line, out, flag):
                queued.clear()  # Ctrl-C flushes the tty's unread input, the rest of a paste
            after_command()
        if term.closed:  # `exit` or `logout`: the shell printed "logout" and ended
            return 0


def _run_line(term: Term, line: str, out: TextIO, flag: InterruptFlag) -> bool:
    """One line typed at the prompt: ``reset``, or whatever the terminal runs.
    True when it ran a foreground job that Ctrl-C stopped."""
    if not term.in_mdb and line.strip() == RESET_WORD:
        out.write(term.reset())
        return False
    stopped = False
    if not term.in_mdb and line.strip() == CLEAR_WORD and _is_terminal(out):
        out.write(CLEAR_SCREEN)
    try:
        result = term.start(line)
        if isinstance(result, str):
            out.write(result)
        else:
            flag.event.clear()  # Ctrl-C from now on is meant for this job
            run_job(result, out, flag)
            stopped = True
    except HvmdocError:
        raise
    except Exception as exc:  # a bug in hvmdoc must not end a trainee's session
        print(f"hvmdoc: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
    out.flush()
    return stopped


def _is_terminal(out: TextIO) -> bool:
    try:
        return out.isatty()
    except (AttributeError, ValueError):
        return False


def scripted(term: Term, lines: Iterable[str], out: TextIO) -> int:
    """Run lines from a pipe or file and print the transcript as ``hvmdoc run`` does.

    The loop is `hvmdoc.tools.script.replay`, the one ``hvmdoc run`` uses
    (tests/workshop/test_shell_scripted.py holds the two to the same output).
    """
    for piece in replay(term, lines):
        out.write(piece)
    out.flush()
    return 0


def read_stdin() -> Iterator[str]:
    """Lines of standard input, decoded leniently, each ending in ``\\n``.

    A line ends at ``\\n``, ``\\r\\n`` or a lone ``\\r`` (as a terminal's ICRNL
    and CommonMark have it): a command holding a bare ``\\r`` could not be
    written on one line of a ``--record`` page, so it is two commands here too.
    """
    stream = sys.stdin
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(errors="replace")
    for chunk in stream:
        pieces = list(input_lines(chunk))
        if chunk.endswith("\n"):
            pieces.pop()  # the empty tail after the newline
        for line in pieces:
            yield line + "\n"
