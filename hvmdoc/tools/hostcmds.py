"""Host commands that are neither vmadm, mdb nor dtrace: ``ps -ef``.

``ps -ef`` prints illumos ``ps``'s full listing as ``usr/src/cmd/ps/ps.c``
``prcom()`` does with ``-f``: ``"%8.8s "`` user, ``"%*d"`` PID and ``" %*d"``
PPID (``pidwidth`` 5, assumption ``tools-ps-pidwidth``), ``" %3d"`` C, STIME by
``prtime()`` in 9, ``" %-8.14s"`` TTY, ``" %4ld:%.2ld"`` TIME, ``" %.*s"`` the
arguments; the heading uses the same widths. The rows are the model's
`processes`.
"""

from __future__ import annotations

import re

from hvmdoc.tools import bre
from hvmdoc.tools.process import Context

__all__ = ["PS_HEADER", "ps_command"]

PS_HEADER = f"{'UID':>8} {'PID':>5} {'PPID':>5} {'C':>3} {'STIME':>8} {'TTY':<8} {'TIME':>7} CMD"
_PS_USAGE = (
    "usage: ps [ -aAdefHlcjLPWyZ ] [ -o format ] [ -t termlist ]\n"
    "\t[ -u userlist ] [ -U userlist ] [ -G grouplist ]\n"
    "\t[ -p proclist ] [ -g pgrplist ] [ -s sidlist ] [ -z zonelist ] [-h lgrplist]\n"
)


def ps_command(ctx: Context) -> int:
    """``ps``, ``ps -e``, ``ps -ef``: the host's processes."""
    full = False
    every = False
    for arg in ctx.argv[1:]:
        if not arg.startswith("-"):
            ctx.err(_PS_USAGE)
            return 1
        for flag in arg[1:]:
            if flag == "e" or flag == "A":
                every = True
            elif flag == "f":
                full = True
            else:
                ctx.err(f"ps: illegal option -- {flag}\n")
                ctx.err(_PS_USAGE)
                return 1
    rows = ctx.terminal.host.processes()
    if not every:
        rows = []
    lines: list[str] = []
    if full:
        lines.append(PS_HEADER)
        for p in rows:
            lines.append(
                f"{p.uid:>8} {p.pid:>5} {p.ppid:>5} {p.c:>3} {p.stime:>8} {p.tty:<8} "
                f"{p.time:>7} {p.cmd}"
            )
    else:
        lines.append(f"{'PID':>5} {'TTY':<8} {'TIME':>7} CMD")
        for p in rows:
            name = p.cmd.split()[0].rsplit("/", 1)[-1][:8]
            lines.append(f"{p.pid:>5} {p.tty:<8} {p.time:>7} {name}")
    ctx.out("".join(line + "\n" for line in lines))
    return 0


#: illumos ``usr/src/cmd/grep/grep.c`` ``usage()`` (``cmdname`` "grep", ``%5s``);
#: the text of the illumos-joyent tree the sources were read from (assumption
#: ``tools-grep``).
_GREP_USAGE = (
    "usage:  grep [-E|-F] [-bchHilLnoqrRsvx] [-A num] [-B num] [-C num|-num]\n"
    "             [--label=name] [-e pattern_list]... [-f pattern_file]...\n"
    "             [pattern_list] [file]...\n"
)
_GREP_FLAGS = set("EFchHilnqsvx")


def grep_command(ctx: Context) -> int:
    """``grep [-EFchHilnqsvx] [-e PATTERN] PATTERN [FILE...]`` over the host's
    files or standard input (illumos ``grep.c``): ``FILE:`` before each line
    when there are several files, ``N:`` with ``-n``; exit 0 when a line
    matched, 1 when none did, 2 on an error (``grep: can't open "F"``)."""
    flags: set[str] = set()
    patterns: list[str] = []
    args = ctx.argv[1:]
    while args and args[0].startswith("-") and args[0] != "-":
        arg = args.pop(0)
        if arg == "--":
            break
        j = 1
        while j < len(arg):
            flag = arg[j]
            if flag == "e":
                value = arg[j + 1 :] or (args.pop(0) if args else None)
                if value is None:
                    ctx.err("grep: option requires an argument -- e\n" + _GREP_USAGE)
                    return 2
                patterns.append(value)
                break
            if flag not in _GREP_FLAGS:
                ctx.err(f"grep: illegal option -- {flag}\n" + _GREP_USAGE)
                return 2
            flags.add(flag)
            j += 1
    if not patterns:
        if not args:
            ctx.err(_GREP_USAGE)
            return 2
        patterns = args.pop(0).split("\n")
    options = re.IGNORECASE if "i" in flags else 0
    try:
        if "F" in flags:
            sources = [re.escape(p) for p in patterns]
        elif "E" in flags:
            sources = patterns
        else:
            translated = [bre.to_python(p) for p in patterns]
            if None in translated:
                raise re.error("not a basic regular expression")
            sources = [t for t in translated if t is not None]
        if "x" in flags:
            sources = [f"(?:{s})\\Z" for s in sources]
        compiled = [re.compile(s, options) for s in sources]
    except re.error:
        ctx.err("grep: RE error: invalid regular expression\n")
        return 2
    files = args or ["-"]
    named = ("H" in flags or len(files) > 1) and "h" not in flags
    matched = False
    status = 0
    from hvmdoc.tools.shell import read_host_file

    for name in files:
        text = ctx.stdin or "" if name == "-" else read_host_file(ctx, name)
        if text is None:
            if "s" not in flags:
                ctx.err(f'grep: can\'t open "{name}"\n')
            status = 2
            continue
        label = "(standard input)" if name == "-" else name
        count = 0
        for number, line in enumerate(text.splitlines(), 1):
            hit = any((p.match(line) if "x" in flags else p.search(line)) for p in compiled)
            if hit == ("v" in flags):
                continue
            count += 1
            matched = True
            if flags & {"q", "l", "c"}:
                continue
            prefix = (f"{label}:" if named else "") + (f"{number}:" if "n" in flags else "")
            ctx.out(f"{prefix}{line}\n")
        if "q" in flags:
            continue
        if "l" in flags and count:
            ctx.out(f"{label}\n")
        elif "c" in flags and "l" not in flags:
            ctx.out(f"{label}:{count}\n" if named else f"{count}\n")
    if status == 2 and not ("q" in flags and matched):
        return 2
    return 0 if matched else 1
