"""The emulated host's shell: expansion, pipelines, jobs and the small builtins.

The root shell of a SmartOS global zone is bash (``smartos-live``
``overlay/generic/etc/passwd``); its messages are bash's own
(``-bash: foo: command not found`` from a login shell, exit 127; ``[1] PID``
for a background job; ``jobs`` lines as ``jobs.c`` ``print_pipeline()`` prints
them). Commands: ``vmadm`` (`hvmdoc.tools.vmadm`), ``mdb``
(`hvmdoc.tools.mdb`), ``dtrace`` (`hvmdoc.tools.dtrace`) and the
builtins here: ``echo``, ``uname``, ``hostname``, ``zonename``, ``ps``,
``cat``, ``grep``, ``clear``, ``reboot``, ``jobs``, ``kill``, ``help``, ``pwd``, ``true``,
``false``, ``exit``, and ``vm``.

``vm ALIAS`` is the seed host's own helper (the seed types ``vmadm start $(vm
test)``); nothing public shows its definition, so it is modelled as the shell
function ``vm() { vmadm lookup -1 alias="$1"; }`` (assumption ``tools-vm-helper``):
it prints the UUID of the one VM with that alias, or vmadm's lookup error.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from hvmdoc.tools.process import Command, Context, LongRunning, Write
from hvmdoc.tools.shellwords import (
    CommandList,
    Literal,
    Parameter,
    Pipeline,
    ShellSyntaxError,
    SimpleCommand,
    Substitution,
    Word,
    parse_line,
)

if TYPE_CHECKING:
    from hvmdoc.tools.terminal import Job, Terminal

__all__ = ["COMMAND_HELP", "command_names", "run_capture", "run_line"]

#: What bash calls itself in messages: a login shell's ``argv[0]`` is ``-bash``
#: (assumption ``tools-login-shell``).
SHELL_NAME = "-bash"
#: Directories whose commands are found by their base name.
_PATH = ("/usr/bin", "/usr/sbin", "/sbin", "/bin", "/usr/vm/sbin", "/smartdc/bin")

#: One line of help per command (``help`` prints these, in this order).
COMMAND_HELP: dict[str, str] = {
    "vmadm": "list, start, stop [-F], get, lookup, create -f FILE, delete VMs",
    "vm": "vm ALIAS: print the UUID of the VM with that alias (this host's helper)",
    "mdb": "mdb -k: the kernel debugger (::print, ::whatis, ::walk zone|list, ::nm; $q quits)",
    "dtrace": "dtrace -n 'PROBE { ACTIONS }' [-q] [-l]: trace kernel functions",
    "echo": "echo [-n] [ARG...]: print the arguments",
    "cat": "cat FILE...: print a file (a KVM VM's QEMU log, /var/adm/messages)",
    "grep": "grep [-iv] [-n] [-c] [-E|-F] PATTERN [FILE...]: lines that match (files or a pipe)",
    "ps": "ps -ef: the processes on the host",
    "uname": "uname [-asnrvmpi]: the platform (uname -v is the build stamp)",
    "hostname": "hostname: the host's name",
    "zonename": "zonename: the zone this shell runs in (global)",
    "reboot": "reboot: restart the host; autoboot VMs race for the HVM lock",
    "jobs": "jobs: list background jobs (start one with a trailing &)",
    "kill": "kill %N | PID: stop a background job",
    "fg": "fg [%N]: bring a background job to the foreground (Ctrl-C then stops it)",
    "bg": "bg [%N]: resume a stopped job in the background (jobs here never stop)",
    "help": "help: this list",
    "reset": "reset: (hvmdoc) start over on a fresh host of this scenario; jobs and mdb end",
    "pwd": "pwd: the current directory",
    "cd": "cd [DIR]: change the current directory (e.g. to a VM's zonepath)",
    "clear": "clear: clear the terminal screen",
    "true": "true: succeed",
    "false": "false: fail",
    "exit": "exit: log out of this terminal",
}


def _external(name: str) -> Command:
    def run(ctx: Context) -> int | LongRunning:
        if name == "vmadm":
            from hvmdoc.tools.vmadm import vmadm_command

            return vmadm_command(ctx)
        if name == "mdb":
            from hvmdoc.tools.mdb import mdb_command

            return mdb_command(ctx)
        from hvmdoc.tools.dtrace import dtrace_command

        return dtrace_command(ctx)

    return run


def command_names() -> list[str]:
    """Every command this shell runs, sorted (for ``help`` and completion)."""
    return sorted(_commands())


def _commands() -> dict[str, Command]:
    return {
        "vmadm": _external("vmadm"),
        "mdb": _external("mdb"),
        "dtrace": _external("dtrace"),
        "echo": _echo,
        "uname": _uname,
        "hostname": _hostname,
        "zonename": _zonename,
        "ps": _ps,
        "cat": _cat,
        "grep": _grep,
        "clear": _clear,
        "reboot": _reboot,
        "jobs": _jobs,
        "kill": _kill,
        "fg": _fg,
        "bg": _bg,
        "help": _help,
        "pwd": _pwd,
        "cd": _cd,
        "true": lambda ctx: 0,
        "false": lambda ctx: 1,
        "exit": _exit,
        "logout": _exit,
        "vm": _vm,
        "reset": _reset,
    }


# --------------------------------------------------------------------------- running


def run_line(terminal: Terminal, line: str) -> int | LongRunning:
    """Run one shell line on ``terminal``; output goes to ``terminal.write``.

    Returns the exit status, or the `LongRunning` foreground command the
    line ended with (a ``dtrace`` still tracing), which the terminal holds.
    """
    try:
        commands = parse_line(line)
    except ShellSyntaxError as exc:
        for message in exc.lines:
            terminal.write(f"{SHELL_NAME}: {message}\n")
        return 2
    return _run_list(terminal, commands, terminal.write, allow_foreground=True)


def run_capture(terminal: Terminal, source: str) -> tuple[str, int]:
    """Run ``source`` as a command substitution: (its standard output, status)."""
    captured: list[str] = []
    try:
        commands = parse_line(source)
    except ShellSyntaxError as exc:
        for message in exc.lines:
            terminal.write(f"{SHELL_NAME}: {message}\n")
        return "", 2
    status = _run_list(terminal, commands, captured.append, allow_foreground=False)
    assert isinstance(status, int)
    return "".join(captured), status


def _run_list(
    terminal: Terminal, commands: CommandList, out: Write, *, allow_foreground: bool
) -> int | LongRunning:
    status = terminal.exit_status
    last = len(commands.items) - 1
    for index, (connector, pipeline) in enumerate(commands.items):
        if connector == "&&" and status != 0:
            continue
        if connector == "||" and status == 0:
            continue
        if pipeline.background:
            status = _run_background(terminal, pipeline)
        else:
            outcome = _run_pipeline(terminal, pipeline, out)
            if isinstance(outcome, int):
                status = outcome
            elif allow_foreground and index == last:
                return outcome
            else:
                status = outcome.stop("INT")
        terminal.exit_status = status
    return status


def _run_background(terminal: Terminal, pipeline: Pipeline) -> int:
    """``CMD &``: bash prints ``[N] PID`` before anything the command prints."""
    pid = terminal.session.next_pid()
    mark = terminal.mark()
    outcome = _run_pipeline(terminal, pipeline, terminal.write, background=True)
    if isinstance(outcome, int):
        number = max((job.number for job in terminal.jobs), default=0) + 1
        terminal.insert(mark, f"[{number}] {pid}\n")
        status_text = "Done" if outcome == 0 else f"Exit {outcome}"
        terminal.write(f"[{number}]+  {status_text:<24}{pipeline.text}\n")
        return 0
    job = terminal.add_job(pipeline.text, outcome, pid)
    terminal.insert(mark, f"[{job.number}] {pid}\n")
    return 0


def _run_pipeline(
    terminal: Terminal, pipeline: Pipeline, out: Write, *, background: bool = False
) -> int | LongRunning:
    stdin: str | None = None
    status = 0
    last = len(pipeline.commands) - 1
    for index, command in enumerate(pipeline.commands):
        captured: list[str] = []
        sink: Write = out if index == last else captured.append
        outcome = _run_simple(terminal, command, sink, stdin, background)
        if isinstance(outcome, int):
            status = outcome
        elif index == last:
            return outcome
        else:
            status = outcome.stop("INT")
        stdin = "".join(captured)
    return status


def _run_simple(
    terminal: Terminal,
    command: SimpleCommand,
    out: Write,
    stdin: str | None,
    background: bool,
) -> int | LongRunning:
    argv: list[str] = []
    for word in command.words:
        argv.extend(_expand(terminal, word))
    if not argv:
        return 0
    err: Write = terminal.write
    for redirect in command.redirects:
        if redirect.fd == 2 and redirect.target == "&1":
            err = out
        elif redirect.target == "/dev/null":
            if redirect.fd == 1:
                out = _discard
            elif redirect.fd == 2:
                err = _discard
            else:
                stdin = ""
        else:
            terminal.write(f"{SHELL_NAME}: {redirect.target}: Read-only file system\n")
            return 1
    name = argv[0]
    commands = _commands()
    run = commands.get(name)
    if run is None and "/" in name:
        directory, _, base = name.rpartition("/")
        if directory in _PATH and base in commands and base not in _BUILTINS:
            run = commands[base]
        else:
            err(f"{SHELL_NAME}: {name}: No such file or directory\n")
            return 127
    if run is None:
        err(f"{SHELL_NAME}: {name}: command not found\n")
        return 127
    ctx = Context(argv, out, err, terminal, stdin, background, dict(terminal.env))
    return run(ctx)


def _discard(text: str) -> None:
    del text


def _expand(terminal: Terminal, word: Word) -> list[str]:
    """Expand one word into fields: substitutions, parameters, field splitting."""
    fields: list[str] = []
    current: list[str] = []
    started = False
    for part in word.parts:
        if isinstance(part, Literal):
            current.append(part.text)
            started = True
            continue
        if isinstance(part, Substitution):
            text, status = run_capture(terminal, part.source)
            terminal.exit_status = status
            text = text.rstrip("\n")
        else:
            text = _parameter(terminal, part)
        if part.quoted:
            current.append(text)
            started = True
            continue
        pieces = text.split()
        if not pieces:
            continue
        if text[:1].isspace() and started:
            fields.append("".join(current))
            current = []
        for n, piece in enumerate(pieces):
            if n:
                fields.append("".join(current))
                current = []
            current.append(piece)
            started = True
        if text[-1:].isspace():
            fields.append("".join(current))
            current = []
            started = False
    if started:
        fields.append("".join(current))
    return fields


def _parameter(terminal: Terminal, part: Parameter) -> str:
    if part.name == "?":
        return str(terminal.exit_status)
    if part.name == "$":
        return str(terminal.session.next_pid())
    if part.name == "#":
        return "0"
    if part.name == "HOSTNAME":
        return terminal.host.hostname
    return terminal.env.get(part.name, "")


# --------------------------------------------------------------------------- builtins

_BUILTINS = frozenset(
    {
        "echo",
        "jobs",
        "kill",
        "fg",
        "bg",
        "help",
        "pwd",
        "cd",
        "true",
        "false",
        "exit",
        "logout",
        "vm",
        "reset",
    }
)


def _echo(ctx: Context) -> int:
    """bash's ``echo`` builtin: ``-n`` drops the newline, ``-e`` interprets escapes."""
    args = ctx.argv[1:]
    newline = True
    escapes = False
    while args and len(args[0]) > 1 and args[0][0] == "-" and set(args[0][1:]) <= set("neE"):
        flags = args.pop(0)[1:]
        newline = newline and "n" not in flags
        if "e" in flags:
            escapes = True
        if "E" in flags:
            escapes = False
    text = " ".join(args)
    if escapes:
        text, stop = _echo_escapes(text)
        if stop:
            newline = False
    ctx.out(text + ("\n" if newline else ""))
    return 0


_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "e": "\x1b",
    "E": "\x1b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
}


def _echo_escapes(text: str) -> tuple[str, bool]:
    """bash ``echo -e`` escapes; ``\\c`` stops output. Returns (text, stopped)."""
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\" or i + 1 >= len(text):
            out.append(c)
            i += 1
            continue
        nxt = text[i + 1]
        if nxt in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[nxt])
            i += 2
        elif nxt == "c":
            return "".join(out), True
        elif nxt in "0x":
            digits = "01234567" if nxt == "0" else "0123456789abcdefABCDEF"
            limit = 3 if nxt == "0" else 2
            j = i + 2
            while j < len(text) and j < i + 2 + limit and text[j] in digits:
                j += 1
            if nxt == "x" and j == i + 2:
                out.append("\\x")
            else:
                out.append(chr(int(text[i + 2 : j] or "0", 8 if nxt == "0" else 16)))
            i = j
        else:
            out.append("\\" + nxt)
            i += 2
    return "".join(out), False


def _uname(ctx: Context) -> int:
    """illumos ``uname`` (``uname.c`` ``main()``): ``-s`` by default, fields in
    the order s n r v m p i joined by blanks (``-a`` is all of them); ``-X``
    prints the ``System = ...`` list."""
    host = ctx.terminal.host
    values = {
        "s": "SunOS",
        "n": host.hostname,
        "r": "5.11",
        "v": host.uname_v,
        "m": "i86pc",
        "p": "i386",
        "i": "i86pc",
    }
    wanted: set[str] = set()
    for arg in ctx.argv[1:]:
        if not arg.startswith("-") or arg == "-":
            ctx.err(_UNAME_USAGE)
            return 1
        for flag in arg[1:]:
            if flag == "a":
                wanted.update(values)
            elif flag == "X":
                wanted.add("X")
            elif flag in values:
                wanted.add(flag)
            else:
                ctx.err(f"uname: illegal option -- {flag}\n")
                ctx.err(_UNAME_USAGE)
                return 1
    if not wanted:
        wanted = {"s"}
    fields = " ".join(values[key] for key in "snrvmpi" if key in wanted)
    if "X" in wanted:
        ncpus = getattr(host, "ncpus", 1)
        fields += (
            f"System = SunOS\nNode = {host.hostname}\nRelease = 5.11\n"
            f"KernelID = {host.uname_v}\nMachine = i86pc\nBusType = <unknown>\n"
            f"Serial = <unknown>\nUsers = <unknown>\nOEM# = 0\nOrigin# = 1\n"
            f"NumCPU = {ncpus}\n"
        )
    ctx.out(fields + "\n")
    return 0


#: illumos ``usr/src/cmd/uname/uname.c`` ``usage()`` (exit 1).
_UNAME_USAGE = "usage:\tuname [-snrvmapiX]\n\tuname [-S system_name]\n"


def _hostname(ctx: Context) -> int:
    ctx.out(ctx.terminal.host.hostname + "\n")
    return 0


def _zonename(ctx: Context) -> int:
    ctx.out("global\n")
    return 0


def _pwd(ctx: Context) -> int:
    ctx.out(ctx.terminal.env["PWD"] + "\n")
    return 0


def _cd(ctx: Context) -> int:
    """bash ``cd``: the home directory, ``/``, or a directory holding a host file."""
    env = ctx.terminal.env
    target = ctx.argv[1] if len(ctx.argv) > 1 else env["HOME"]
    if target in {"~", "-"}:
        target = env["HOME"]
    if not target.startswith("/"):
        target = env["PWD"].rstrip("/") + "/" + target
    parts: list[str] = []
    for part in target.split("/"):
        if part in {"", "."}:
            continue
        if part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    path = "/" + "/".join(parts)
    known = {"/", env["HOME"], "/zones", "/usr", "/usr/vm", "/tmp", "/var", "/var/tmp"}
    for file in ctx.terminal.host.files():
        directory = file.rsplit("/", 1)[0]
        while directory:
            known.add(directory)
            directory = directory.rsplit("/", 1)[0]
    if path not in known:
        ctx.err(f"{SHELL_NAME}: cd: {ctx.argv[1]}: No such file or directory\n")
        return 1
    env["OLDPWD"] = env["PWD"]
    env["PWD"] = path
    return 0


def _exit(ctx: Context) -> int:
    """A login shell prints ``logout`` and ends its jobs (assumption ``tools-login-shell``)."""
    ctx.out("logout\n")
    ctx.terminal.close()
    return 0


def _help(ctx: Context) -> int:
    width = max(len(name) for name in COMMAND_HELP)
    ctx.out("Commands this emulated SmartOS global zone knows:\n")
    for name, text in COMMAND_HELP.items():
        ctx.out(f"  {name:<{width}}  {text}\n")
    ctx.out("Also: pipes (echo CMD | mdb -k), $(...), ;, &&, ||, a trailing & and # comments.\n")
    return 0


def _vm(ctx: Context) -> int:
    """``vm ALIAS``: ``vmadm lookup -1 alias=ALIAS`` (assumption ``tools-vm-helper``)."""
    from hvmdoc.tools.vmadm import vmadm_command

    alias = ctx.argv[1] if len(ctx.argv) > 1 else ""
    sub = Context(
        ["vmadm", "lookup", "-1", f"alias={alias}"],
        ctx.out,
        ctx.err,
        ctx.terminal,
        None,
        ctx.background,
        ctx.env,
    )
    outcome = vmadm_command(sub)
    assert isinstance(outcome, int)
    return outcome


def _cat(ctx: Context) -> int:
    """illumos ``cat`` (``usr/src/cmd/cat/cat.c``): ``cat: cannot open FILE:
    No such file or directory`` and exit 2; options ``-usvtebn`` (accepted,
    not applied), others print getopt's complaint and the usage, exit 2."""
    args = ctx.argv[1:]
    while args and args[0].startswith("-") and args[0] != "-":
        option = args.pop(0)
        if option == "--":
            break
        bad = next((flag for flag in option[1:] if flag not in "usvtebn"), None)
        if bad is not None:
            ctx.err(f"cat: illegal option -- {bad}\nusage: cat [ -usvtebn ] [-|file] ...\n")
            return 2
    paths = [arg for arg in args if arg != "-"]
    if not args or "-" in args:
        if ctx.stdin is not None:
            ctx.out(ctx.stdin)
        if not paths:
            return 0
    status = 0
    for path in paths:
        text = read_host_file(ctx, path)
        if text is None:
            ctx.err(f"cat: cannot open {path}: No such file or directory\n")
            status = 2
        else:
            ctx.out(text)
    return status


def read_host_file(ctx: Context, path: str) -> str | None:
    """A host file's text (``path`` relative to the working directory), or None."""
    host = ctx.terminal.host
    if not path.startswith("/"):
        path = ctx.terminal.env["PWD"].rstrip("/") + "/" + path
    try:
        return host.read_file(path)
    except FileNotFoundError:
        return None


def _grep(ctx: Context) -> int:
    """illumos ``grep`` (`hvmdoc.tools.hostcmds.grep_command`)."""
    from hvmdoc.tools.hostcmds import grep_command

    return grep_command(ctx)


def _clear(ctx: Context) -> int:
    """``clear``: succeeds and prints nothing here. Its real output is a
    terminal control sequence, which a transcript cannot show; the workshop
    shell clears its own window when ``clear`` is typed alone."""
    del ctx
    return 0


def _ps(ctx: Context) -> int:
    """``ps -ef`` (illumos ``ps.c``): the host's processes."""
    from hvmdoc.tools.hostcmds import ps_command

    return ps_command(ctx)


#: illumos ``usr/src/cmd/halt/halt.c`` ``main()``, x86: reboot's getopt string
#: and usage line.
_REBOOT_OPTIONS = "dlnqpfe:"
_REBOOT_USAGE = "usage: reboot [ -dlnq(p|fe:) ] [ boot args ]\n"


def _reboot_options(ctx: Context) -> int | None:
    """Read ``reboot``'s options as illumos ``getopt(3C)`` and ``halt.c`` do; the
    exit status when they are refused, None to go on.

    getopt prints ``ARGV0: illegal option -- z`` (``ARGV0: option requires an
    argument -- e``; for ``--word``, the word), then halt.c prints its usage
    and returns 1; ``-p`` with ``-f`` is refused with ``EINVAL`` (22). The
    options it accepts and any boot arguments change nothing here (assumption
    ``tools-reboot-options``).
    """
    args = ctx.argv[1:]
    seen: set[str] = set()
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            break
        if not arg.startswith("-") or arg == "-":
            break
        if arg.startswith("--"):
            ctx.err(f"{ctx.name}: illegal option -- {arg[2:]}\n{_REBOOT_USAGE}")
            return 1
        for position, letter in enumerate(arg[1:], 1):
            found = _REBOOT_OPTIONS.find(letter) if letter not in ":(" else -1
            if found < 0:
                ctx.err(f"{ctx.name}: illegal option -- {letter}\n{_REBOOT_USAGE}")
                return 1
            seen.add(letter)
            if _REBOOT_OPTIONS[found + 1 : found + 2] == ":":
                if position == len(arg) - 1:
                    index += 1
                    if index == len(args):
                        ctx.err(
                            f"{ctx.name}: option requires an argument -- {letter}\n" + _REBOOT_USAGE
                        )
                        return 1
                break
        index += 1
    if {"p", "f"} <= seen:
        ctx.err("reboot: -p and -f are mutually exclusive\n")
        return 22  # EINVAL
    return None


def _reboot(ctx: Context) -> int:
    """``reboot``: the host restarts; autoboot VMs race for the HVM lock in an
    order drawn by `Host.reboot` from ``random.Random(f"{seed}:{n}")``,
    ``seed`` the session's (0 when none was given) and ``n`` counting this
    session's reboots from 1, so a seed names a whole sequence of reboots
    (assumption ``tools-reboot-order``).
    Prints nothing (a real ``reboot`` ends the login); jobs and debuggers end.
    Options as `_reboot_options` reads them; refused ones leave the host up."""
    refused = _reboot_options(ctx)
    if refused is not None:
        return refused
    terminal = ctx.terminal
    session = terminal.session
    seed = session.seed if session.seed is not None else 0
    rng = random.Random(f"{seed}:{session.reboots + 1}")
    session.host.reboot(rng=rng)
    session.rebooted()
    return 0


def _reset(ctx: Context) -> int:
    """``reset``: not a SmartOS command but the emulator's own (assumption
    ``tools-reset``): `HostSession.reset` puts a fresh host of the same
    scenario, platform, CPU and seed in place (every terminal's jobs and open
    ``mdb`` end, other terminals' unshown output is dropped). It prints nothing,
    as a shell builtin that succeeds (``hvmdoc:`` lines are reserved for
    hvmdoc's own errors); what this terminal printed earlier on the line stays."""
    terminal = ctx.terminal
    kept = terminal.drain()
    terminal.session.reset()
    terminal.write(kept)
    return 0


def _jobs(ctx: Context) -> int:
    """bash ``jobs``: ``[N]+  Running                 CMD &``."""
    jobs = ctx.terminal.jobs
    flags = "".join(arg[1:] for arg in ctx.argv[1:] if arg.startswith("-"))
    bad = next((flag for flag in flags if flag not in "lp"), None)
    if bad is not None:
        ctx.err(f"{SHELL_NAME}: jobs: -{bad}: invalid option\n")
        ctx.err("jobs: usage: jobs [-lnprs] [jobspec ...] or jobs -x command [args]\n")
        return 2
    for index, job in enumerate(jobs):
        if "p" in flags:
            ctx.out(f"{job.pid}\n")
            continue
        ctx.out(job.line(current=index == len(jobs) - 1, long="l" in flags) + "\n")
    ctx.terminal.forget_jobs()
    return 0


def _job_for(ctx: Context, name: str) -> Job | None:
    """The job a ``fg``/``bg`` operand names (``%N``, ``N``, ``%+``; none: the
    current one), or None after bash's ``jobspec`` error (``jobs.c``
    ``get_job_spec()``, ``builtins/common.c`` ``sh_badjob()``)."""
    args = ctx.argv[1:]
    spec = args[0] if args else "%+"
    job = ctx.terminal.find_job(spec if spec.startswith("%") else f"%{spec}")
    if job is None:
        shown = "current" if not args or spec in {"%", "%%", "%+"} else spec
        ctx.err(f"{SHELL_NAME}: {name}: {shown}: no such job\n")
    return job


def _fg(ctx: Context) -> int | LongRunning:
    """bash's ``fg``: print the job's command and wait for it in the foreground,
    where Ctrl-C stops it as it stops a ``dtrace`` started there."""
    job = _job_for(ctx, "fg")
    if job is None:
        return 1
    ctx.terminal.take_job(job)
    ctx.out(job.text + "\n")
    return job.run.status if job.run.done else job.run


def _bg(ctx: Context) -> int:
    """bash's ``bg``: the emulated host's jobs never stop (no Ctrl-Z), so a
    running job gets bash's "already in background" answer."""
    job = _job_for(ctx, "bg")
    if job is None:
        return 1
    ctx.err(f"{SHELL_NAME}: bg: job {job.number} already in background\n")
    return 0


_SIGNALS = {"TERM": "TERM", "15": "TERM", "KILL": "KILL", "9": "KILL", "INT": "INT", "2": "INT"}
_KILL_USAGE = (
    "kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]"
)


def _kill(ctx: Context) -> int:
    """bash's ``kill`` builtin for jobs: ``kill [-SIG] %N|PID``."""
    args = ctx.argv[1:]
    signal = "TERM"
    if args and args[0].startswith("-") and len(args[0]) > 1:
        name = args.pop(0)[1:].upper().removeprefix("SIG")
        if name not in _SIGNALS:
            ctx.err(f"{SHELL_NAME}: kill: {name}: invalid signal specification\n")
            return 1
        signal = _SIGNALS[name]
    if not args:
        ctx.err(f"{SHELL_NAME}: {_KILL_USAGE}\n")
        return 2
    status = 0
    terminal = ctx.terminal
    for target in args:
        if target.startswith("%"):
            job = terminal.find_job(target)
            if job is None:
                ctx.err(f"{SHELL_NAME}: kill: {target}: no such job\n")
                status = 1
                continue
        elif target.isdigit():
            found = next((job for job in terminal.jobs if job.pid == int(target)), None)
            if found is None:
                ctx.err(f"{SHELL_NAME}: kill: ({target}) - No such process\n")
                status = 1
                continue
            job = found
        else:
            ctx.err(f"{SHELL_NAME}: kill: {target}: arguments must be process or job IDs\n")
            status = 1
            continue
        terminal.end_job(job, signal)
    return status
