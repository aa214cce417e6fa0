"""Host commands that are neither vmadm, mdb nor dtrace: ``ps -ef``.

``ps -ef`` prints illumos ``ps``'s full listing as ``usr/src/cmd/ps/ps.c``
``prcom()`` does with ``-f``: ``"%8.8s "`` user, ``"%*d"`` PID and ``" %*d"``
PPID (``pidwidth`` 5, assumption ``tools-ps-pidwidth``), ``" %3d"`` C, STIME by
``prtime()`` in 9, ``" %-8.14s"`` TTY, ``" %4ld:%.2ld"`` TIME, ``" %.*s"`` the
arguments; the heading uses the same widths. The rows are the model's
`processes`.
"""

from __future__ import annotations

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
