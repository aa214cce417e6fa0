"""The emulated ``dtrace(1M)``: enable fbt probes of the model's kernel and
print their firings as the model's events happen.

``dtrace -n PROGRAM [-n PROGRAM ...] [-q] [-Z]`` compiles each program
(`hvmdoc.tools.dlang`), matches its probe descriptions against the
kernel's probes (the model's fbt ``entry``/``return`` probes plus
``dtrace:::BEGIN``/``END``), prints ``dtrace: description '...' matched N
probes`` and keeps running, printing each firing, until it is stopped (Ctrl-C
or ``kill``). ``dtrace -l [-n ...]`` lists probes. Sources (illumos-gate):

- ``usr/src/cmd/dtrace/dtrace.c``: ``compile_str()`` (``dfatal("invalid probe
  specifier %s", ...)`` and the description cropped at ``{/;``),
  ``exec_prog()`` (the ``matched N probes`` notice), ``chew()`` (the heading on
  the first firing, then ``"%3d %6d %32s "``), ``chewrec()`` (a newline after
  each record unless quiet), ``main()`` (``oprintf("\\n")`` when the loop ends,
  then the aggregations; ``dfatal("no probes %s\\n", ...)``; the ``-l`` heading
  ``"%5s %10s %17s %33s %s\\n"``) and ``usage()``;
- ``usr/src/lib/libdtrace/common/dt_consume.c``: ``trace()`` of a 64-bit
  integer is ``" %16lld"`` (``"%lld"`` when quiet); a string is printed by
  ``dt_print_bytes()`` as ``"  %-*s"`` with width 33; ``dt_print_stack()``
  via the formats' `Stack` renderer;
- ``usr/src/lib/libdtrace/common/dt_cc.c`` /``dt_pcb.c``: ``probe description
  %s:%s:%s:%s does not match any probes``.

Frames of modules whose symbols DTrace could not resolve (the model's
``Frame.resolved``) print as bare addresses, as in the seed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hvmdoc.formats import dtrace as fmt
from hvmdoc.tools.dlang import (
    Action,
    Binary,
    Call,
    Clause,
    DCompileError,
    Expr,
    Name,
    Number,
    ProbeSpec,
    Program,
    StringLit,
    Unary,
    crop_description,
    parse_program,
)
from hvmdoc.tools.process import Context, LongRunning, Write

if TYPE_CHECKING:
    from hvmdoc.model.events import Frame as ModelFrame
    from hvmdoc.model.events import ProbeEvent
    from hvmdoc.model.kernel import Kernel

__all__ = ["BEGIN_ID", "DtraceRun", "ProbeInfo", "all_probes", "dtrace_command"]

#: ``dtrace:::BEGIN``/``END``/``ERROR`` are the first probes the dtrace
#: provider registers (ids 1, 2, 3 on illumos; assumption
#: ``tools-dtrace-special-probes``).
BEGIN_ID, END_ID, ERROR_ID = 1, 2, 3
#: The CPU ``BEGIN`` and ``END`` fire on: the consumer's (illustrative;
#: assumption ``tools-dtrace-special-probes``).
CONSUMER_CPU = 0


@dataclass(frozen=True)
class ProbeInfo:
    """A probe as ``dtrace -l`` lists it."""

    id: int
    provider: str
    module: str
    function: str
    name: str


def all_probes(kernel: Kernel) -> list[ProbeInfo]:
    """The dtrace provider's probes, then the kernel's fbt probes, by id."""
    probes = [
        ProbeInfo(BEGIN_ID, "dtrace", "", "", "BEGIN"),
        ProbeInfo(END_ID, "dtrace", "", "", "END"),
        ProbeInfo(ERROR_ID, "dtrace", "", "", "ERROR"),
    ]
    probes.extend(
        ProbeInfo(p.id, p.provider, p.module, p.function, p.name) for p in kernel.probes()
    )
    return probes


def _matching(probes: list[ProbeInfo], spec: ProbeSpec) -> list[ProbeInfo]:
    return [p for p in probes if spec.matches(p.provider, p.module, p.function, p.name)]


# --------------------------------------------------------------------------- options

_USAGE = (
    "Usage: dtrace [-32|-64] [-aACeFGHlqSvVwZ] [-b bufsz] [-c cmd] [-D name[=def]]\n"
    "\t[-I path] [-L path] [-o output] [-p pid] [-s script] [-U name]\n"
    "\t[-x opt[=val]] [-X a|c|s|t]\n\n"
    "\t[-P provider [[ predicate ] action ]]\n"
    "\t[-m [ provider: ] module [[ predicate ] action ]]\n"
    "\t[-f [[ provider: ] module: ] func [[ predicate ] action ]]\n"
    "\t[-n [[[ provider: ] module: ] func: ] name [[ predicate ] action ]]\n"
    "\t[-i probe-id [[ predicate ] action ]] [ args ... ]\n\n"
    "\tpredicate -> '/' D-expression '/'\n"
    "\t   action -> '{' D-statements '}'\n"
)

#: Options that take an argument (``DTRACE_OPTSTR`` in dtrace.c).
_WITH_ARG = set("bcDfiILmnopPsUxX")
_FLAGS = set("aACeFGHlqSvVwZ")


@dataclass
class _Options:
    programs: list[tuple[str, str]] = field(default_factory=list)  # (option, text)
    quiet: bool = False
    list_only: bool = False
    zdefs: bool = False
    destructive: bool = False
    operands: list[str] = field(default_factory=list)
    """Arguments that are no option's: D's macro arguments ``$1``, ``$2``..."""


def _parse_options(ctx: Context) -> _Options | int:
    """getopt(3C) over ``DTRACE_OPTSTR``; errors as getopt and dtrace print them.

    As dtrace.c ``main()``'s first pass, an argument that is no option's goes to
    ``g_argv`` (the macro arguments) and option parsing goes on after it.
    """
    opts = _Options()
    args = ctx.argv[1:]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":  # getopt() steps over it; the next argument is an operand
            i += 1
            if i < len(args):
                opts.operands.append(args[i])
            i += 1
            continue
        if not arg.startswith("-") or arg == "-":
            opts.operands.append(arg)
            i += 1
            continue
        j = 1
        while j < len(arg):
            flag = arg[j]
            if flag in _WITH_ARG:
                value = arg[j + 1 :]
                if not value:
                    i += 1
                    if i >= len(args):
                        ctx.err(f"dtrace: option requires an argument -- {flag}\n")
                        ctx.err(_USAGE)
                        return 2
                    value = args[i]
                if flag in "nfmPi":
                    opts.programs.append((flag, value))
                elif flag == "s":
                    ctx.err(f"dtrace: failed to open {value}: No such file or directory\n")
                    return 1
                break
            if flag in _FLAGS:
                if flag == "q":
                    opts.quiet = True
                elif flag == "l":
                    opts.list_only = True
                elif flag == "Z":
                    opts.zdefs = True
                elif flag == "w":
                    opts.destructive = True
                j += 1
                continue
            ctx.err(f"dtrace: illegal option -- {flag}\n")
            ctx.err(_USAGE)
            return 2
        i += 1
    return opts


def _check_macro_arguments(text: str, operands: list[str]) -> None:
    """dt_cc.c ``dt_compile()``: after parsing, the last macro argument must be
    referenced (``$N``), else ``extraneous argument '%s' ($%d is not
    referenced)`` (D_MACRO_UNUSED): a D program typed without quotes leaves
    its words as arguments."""
    if not operands:
        return
    last = len(operands)
    if re.search(rf"\$\$?{last}(?!\d)", text) is None:
        raise DCompileError(f"extraneous argument '{operands[-1]}' (${last} is not referenced)")


def _spec_text(option: str, text: str, probes: list[ProbeInfo]) -> str:
    """A ``-f``/``-m``/``-P``/``-i`` argument as the ``-n`` form it means
    (``DTRACE_PROBESPEC_FUNC``/``MOD``/``PROVIDER``: fields fill from that one;
    ``-i`` names a probe by id)."""
    if option == "n":
        return text
    desc = crop_description(text)
    rest = text[len(desc) :]
    stripped = desc.strip()
    if option == "i":
        found = next((p for p in probes if stripped.isdigit() and p.id == int(stripped)), None)
        if found is None:
            raise DCompileError(f"probe description {stripped} does not match any probes")
        stripped = f"{found.provider}:{found.module}:{found.function}:{found.name}"
    elif option == "f":
        fields = stripped.split(":")
        stripped = ":".join([*fields, ""]) if len(fields) < 4 else stripped
    elif option == "m":
        stripped = stripped + "::"
    elif option == "P":
        stripped = stripped + ":::"
    return stripped + (" " if desc.endswith(" ") else "") + rest


# --------------------------------------------------------------------------- the run


@dataclass
class _Enabling:
    clause: Clause
    probe_ids: frozenset[int]


class DtraceRun:
    """A running ``dtrace``: consumes probe firings until `stop`."""

    def __init__(
        self,
        kernel: Kernel,
        enablings: list[_Enabling],
        program_aggregations: bool,
        quiet: bool,
        write: Write,
    ) -> None:
        self._kernel = kernel
        self._enablings = enablings
        self._quiet = quiet
        self._write = write
        self._heading = False
        self._aggregated: dict[tuple[object, ...], int] = {}
        self._has_aggregations = program_aggregations
        self._running = True
        self._exit_status: int | None = None
        self.done = False
        self.status = 0
        self._handle = kernel.events.subscribe(self._on_event)

    def redirect(self, write: Write) -> None:
        """Print further output through ``write``."""
        self._write = write

    # -- firing ---------------------------------------------------------------
    def begin(self) -> None:
        """Fire ``dtrace:::BEGIN`` (before any kernel event)."""
        self._fire_dtrace_probe(BEGIN_ID, "BEGIN")

    def _fire_dtrace_probe(self, probe_id: int, name: str) -> None:
        for enabling in self._enablings:
            if probe_id in enabling.probe_ids:
                env = _Env(self._kernel, "dtrace", "", "", name, CONSUMER_CPU, (), None, ())
                self._record(enabling.clause, probe_id, env)

    def _on_event(self, event: ProbeEvent) -> None:
        if not self._running:
            return
        probe = event.probe
        for enabling in self._enablings:
            if probe.id not in enabling.probe_ids:
                continue
            args: tuple[object, ...] = event.args
            if probe.name == "return":
                # fbt return probes: arg0 is the return offset, arg1 the value;
                # the model has no offsets (assumption tools-dtrace-return-arg0).
                args = (0, event.retval)
            env = _Env(
                self._kernel,
                probe.provider,
                probe.module,
                probe.function,
                probe.name,
                event.cpu,
                args,
                event,
                event.stack,
            )
            self._record(enabling.clause, probe.id, env)

    def _record(self, clause: Clause, probe_id: int, env: _Env) -> None:
        if clause.predicate is not None and not _truthy(_eval(clause.predicate, env)):
            return
        # A clause whose every action stores no data in the principal buffer
        # (aggregations only) leaves no record there: the kernel's
        # dtrace_ecb_resize() sets dte_size to 0 and dtrace_probe() writes no
        # EPID, so the consumer's chew() never sees a firing to print. A clause
        # with no actions at all records the default action (the probe line).
        records = not clause.actions or any(a.kind != "aggregate" for a in clause.actions)
        out: list[str] = []
        if records and not self._quiet:
            if not self._heading:
                out.append(fmt.HEADER_LINE + "\n")
                self._heading = True
            firing = fmt.Firing(env.cpu, probe_id, env.function, env.name)
            out.append(fmt.render_firing(firing))
        for action in clause.actions:
            out.append(self._act(action, env))
        if not self._quiet:
            out.append("\n")
        if records:
            self._write("".join(out))
        if self._exit_status is not None and self._running:
            # exit(): dtrace stops with that status (dt_consume.c/dtrace.c
            # chewrec(): DTRACEACT_EXIT sets g_status); no signal, so no
            # g_newline.
            self._finish(self._exit_status, interrupted=False)

    def _act(self, action: Action, env: _Env) -> str:
        if action.kind == "stack":
            lines = fmt.render_record(fmt.Stack(_frames(env.stack)))
            return "\n" + "".join(line + "\n" for line in lines)
        if action.kind == "trace":
            return _trace(_eval(action.args[0], env), self._quiet)
        if action.kind == "exit":
            if self._exit_status is None:
                self._exit_status = _as_int(_eval(action.args[0], env)) & 0xFF
            return ""
        if action.kind == "printf":
            fmt_arg = action.args[0]
            assert isinstance(fmt_arg, StringLit)
            values = [_eval(arg, env) for arg in action.args[1:]]
            return _printf(fmt_arg.value, values)
        # aggregate: @[stack()] = count() (keys are stacks), or @ = count()
        key = tuple(_frames(env.stack) for _ in action.keys)
        self._aggregated[key] = self._aggregated.get(key, 0) + 1
        return ""

    # -- stopping -----------------------------------------------------------------
    def stop(self, signal: str) -> int:
        """Stop tracing: print the interrupted loop's newline, fire ``END``,
        print dtrace's closing newline and the aggregations (sorted by value,
        as ``dtrace_aggregate_print()``).
        SIGKILL and SIGHUP end it without a word."""
        if self.done:
            return self.status
        if signal in {"KILL", "HUP"}:
            self._running = False
            self._kernel.events.unsubscribe(self._handle)
            self.done = True
            self.status = 137 if signal == "KILL" else 129
            return self.status
        self._finish(0, interrupted=True)
        return self.status

    def _finish(self, status: int, *, interrupted: bool) -> None:
        """The end of dtrace.c ``main()``: on SIGINT/SIGTERM ``intr()`` set
        ``g_newline``, printed before ``dtrace_stop()`` fires ``END``; after the
        loop one more newline, then the aggregations."""
        self._running = False
        self._kernel.events.unsubscribe(self._handle)
        if interrupted:
            self._write("\n")
        self._fire_dtrace_probe(END_ID, "END")
        out = ["\n"]
        if self._has_aggregations and self._aggregated:
            # dt_print_aggs(): each entry is its keys (dt_print_stack() starts
            # with a newline, then the frames), then dt_print_datum()'s
            # " %16lld" count and a newline; a keyless @ = count() is that
            # count line alone. Entries sorted by value.
            for key, count in sorted(self._aggregated.items(), key=lambda kv: kv[1]):
                frames = next((k for k in key if isinstance(k, tuple)), None)
                if frames is not None:
                    stack = fmt.Stack(tuple(f for f in frames if isinstance(f, fmt.Frame)), count)
                    out.append("\n" + "".join(line + "\n" for line in fmt.render_record(stack)))
                else:
                    out.append(fmt.render_count(count) + "\n")
        self._write("".join(out))
        self.done = True
        self.status = status


def _frames(stack: tuple[ModelFrame, ...]) -> tuple[fmt.Frame, ...]:
    """Model frames as dtrace prints them: ``module`func+0xoff``, or the bare
    address for a module DTrace could not resolve."""
    out: list[fmt.Frame] = []
    for frame in stack:
        if frame.resolved:
            out.append(fmt.Frame(frame.module, frame.function, frame.offset or None, None))
        else:
            out.append(fmt.Frame(None, None, None, frame.address))
    return tuple(out)


# --------------------------------------------------------------------------- D values


@dataclass(frozen=True)
class _Env:
    kernel: Kernel
    provider: str
    module: str
    function: str
    name: str
    cpu: int
    args: tuple[object, ...]
    event: ProbeEvent | None
    stack: tuple[ModelFrame, ...]


Value = int | str


def _as_int(value: object) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    address = getattr(value, "address", None)
    if isinstance(address, int):
        return address
    return 0


def _arg(env: _Env, index: int) -> int:
    if index < len(env.args):
        return _as_int(env.args[index])
    return 0


def _eval(expr: Expr, env: _Env) -> Value:
    if isinstance(expr, Number):
        return expr.value
    if isinstance(expr, StringLit):
        return expr.value
    if isinstance(expr, Name):
        return _variable(expr.name, env)
    if isinstance(expr, Call):
        if expr.name == "stringof" and expr.args:
            return _stringof(expr.args[0], env)
        return 0
    if isinstance(expr, Unary):
        operand = _eval(expr.operand, env)
        if expr.op == "!":
            return int(not _truthy(operand))
        return -_as_int(operand)
    return _binary(expr, env)


def _binary(expr: Binary, env: _Env) -> Value:
    if expr.op == "&&":
        return int(_truthy(_eval(expr.left, env)) and _truthy(_eval(expr.right, env)))
    if expr.op == "||":
        return int(_truthy(_eval(expr.left, env)) or _truthy(_eval(expr.right, env)))
    left, right = _eval(expr.left, env), _eval(expr.right, env)
    if isinstance(left, str) or isinstance(right, str):
        ls, rs = str(left), str(right)
        compare: dict[str, Callable[[str, str], bool]] = {
            "==": lambda a, b: a == b,
            "!=": lambda a, b: a != b,
            "<": lambda a, b: a < b,
            ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b,
            ">=": lambda a, b: a >= b,
        }
        if expr.op in compare:
            return int(compare[expr.op](ls, rs))
        return 0
    a, b = _as_int(left), _as_int(right)
    table: dict[str, Callable[[int, int], int]] = {
        "==": lambda x, y: int(x == y),
        "!=": lambda x, y: int(x != y),
        "<": lambda x, y: int(x < y),
        ">": lambda x, y: int(x > y),
        "<=": lambda x, y: int(x <= y),
        ">=": lambda x, y: int(x >= y),
        "+": lambda x, y: x + y,
        "-": lambda x, y: x - y,
    }
    return table[expr.op](a, b)


def _truthy(value: Value) -> bool:
    return bool(value)


def _variable(name: str, env: _Env) -> Value:
    if name.startswith("arg") and name[3:].isdigit():
        return _arg(env, int(name[3:]))
    event = env.event
    values: dict[str, Value] = {
        "probeprov": env.provider,
        "probemod": env.module,
        "probefunc": env.function,
        "probename": env.name,
        "cpu": env.cpu,
        "pid": event.pid if event is not None else 0,
        "tid": 1,
        "execname": event.execname if event is not None else "dtrace",
        "zonename": event.zone_name if event is not None else "global",
    }
    return values.get(name, 0)


def _stringof(expr: Expr, env: _Env) -> str:
    """``stringof(argN)``: the kernel string a pointer argument points at."""
    if isinstance(expr, Name) and expr.name.startswith("arg") and expr.name[3:].isdigit():
        index = int(expr.name[3:])
        if index < len(env.args):
            raw = env.args[index]
            text = getattr(raw, "text", None)
            if isinstance(text, str):
                return text
            if isinstance(raw, int):
                found = env.kernel.string_at(raw)
                return found.text if found is not None else ""
        return ""
    value = _eval(expr, env)
    if isinstance(value, str):
        return value
    found = env.kernel.string_at(value)
    return found.text if found is not None else ""


def _trace(value: Value, quiet: bool) -> str:
    """``trace()`` output (``dt_consume.c``): 64-bit integers ``" %16lld"``,
    signed; strings ``"  %-33s"``; quiet prints the bare value."""
    if isinstance(value, str):
        return value if quiet else f"  {value:<33}"
    signed = _signed64(value)
    return str(signed) if quiet else f" {signed:>16}"


def _signed64(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


_CONVERSION = re.compile(r"%([-+ #0]*)(\d+|\*)?(?:\.(\d+))?(hh|h|ll|l|L|z)?([diouxXcspa%])")


def _printf(template: str, values: list[Value]) -> str:
    """D ``printf()``: C conversions over D values (``dt_printf.c``)."""
    out: list[str] = []
    pos = 0
    queue = list(values)
    for match in _CONVERSION.finditer(template):
        out.append(template[pos : match.start()])
        pos = match.end()
        flags, width, precision, _, conv = match.groups()
        if conv == "%":
            out.append("%")
            continue
        value = queue.pop(0) if queue else 0
        spec = "%" + flags + (width or "") + (f".{precision}" if precision else "")
        if conv == "s":
            out.append((spec + "s") % (value if isinstance(value, str) else str(value)))
        elif conv == "c":
            out.append((spec + "c") % chr(_as_int(value) & 0xFF))
        elif conv in "di":
            out.append((spec + "d") % _signed64(_as_int(value)))
        elif conv == "u":
            out.append((spec + "d") % (_as_int(value) & ((1 << 64) - 1)))
        elif conv in "xXo":
            out.append((spec + conv) % (_as_int(value) & ((1 << 64) - 1)))
        else:  # p, a: a kernel address
            out.append((spec + "s") % f"{_as_int(value) & ((1 << 64) - 1):#x}")
    out.append(template[pos:])
    return "".join(out)


# --------------------------------------------------------------------------- command


def dtrace_command(ctx: Context) -> int | LongRunning:
    """``dtrace``: compile, match, print the notice, keep running (or ``-l``)."""
    parsed = _parse_options(ctx)
    if isinstance(parsed, int):
        return parsed
    opts = parsed
    kernel = ctx.terminal.host.kernel
    probes = all_probes(kernel)
    if opts.list_only:
        return _list(ctx, opts, probes)
    if not opts.programs:
        ctx.err(_USAGE)
        return 2
    enablings: list[_Enabling] = []
    notices: list[tuple[str, int]] = []
    has_aggregations = False
    for option, raw in opts.programs:
        try:
            text = _spec_text(option, raw, probes)
            program = parse_program(text)
            _check_macro_arguments(text, opts.operands)
            matched = _enable(program, probes, opts.zdefs, enablings)
        except DCompileError as exc:
            ctx.err(f"dtrace: invalid probe specifier {raw}: {exc.message}\n")
            return 1
        has_aggregations = has_aggregations or bool(program.aggregations)
        notices.append((crop_description(raw), matched))
    if not any(e.probe_ids for e in enablings):
        ctx.err("dtrace: no probes matched\n")
        return 1
    if opts.destructive and not opts.quiet:
        ctx.err("\n".join(fmt.render_record(fmt.allowing_destructive())) + "\n")
    if not opts.quiet:
        for cropped, matched in notices:
            ctx.err("\n".join(fmt.render_record(fmt.Description(cropped, matched))) + "\n")
    run = DtraceRun(kernel, enablings, has_aggregations, opts.quiet, ctx.terminal.write)
    run.begin()
    if run.done:  # exit() in BEGIN
        return run.status
    return run


def _enable(
    program: Program, probes: list[ProbeInfo], zdefs: bool, enablings: list[_Enabling]
) -> int:
    matched = 0
    for clause in program.clauses:
        for action in clause.actions:
            if action.kind == "aggregate" and any(
                not (isinstance(key, Call) and key.name == "stack") for key in action.keys
            ):
                raise DCompileError(
                    "in action list: hvmdoc emulates @[stack()] = count() and @ = count() only"
                )
        ids: set[int] = set()
        for spec in clause.probes:
            found = _matching(probes, spec)
            if not found and not zdefs:
                raise DCompileError(f"probe description {spec} does not match any probes")
            ids.update(p.id for p in found)
            matched += len(found)
        enablings.append(_Enabling(clause, frozenset(ids)))
    return matched


def _list(ctx: Context, opts: _Options, probes: list[ProbeInfo]) -> int:
    """``dtrace -l``: ``"%5s %10s %17s %33s %s\\n"`` (dtrace.c ``main()``/``list_probe()``)."""
    selected = probes
    if opts.programs:
        chosen: dict[int, ProbeInfo] = {}
        for option, raw in opts.programs:
            try:
                text = _spec_text(option, raw, probes)
                program = parse_program(text)
                _check_macro_arguments(text, opts.operands)
            except DCompileError as exc:
                ctx.err(f"dtrace: invalid probe specifier {raw}: {exc.message}\n")
                return 1
            for clause in program.clauses:
                for spec in clause.probes:
                    found = _matching(probes, spec)
                    if not found and not opts.zdefs:
                        ctx.err(
                            f"dtrace: invalid probe specifier {raw}: "
                            f"probe description {spec} does not match any probes\n"
                        )
                        return 1
                    chosen.update((p.id, p) for p in found)
        selected = sorted(chosen.values(), key=lambda p: p.id)
    lines = [f"{'ID':>5} {'PROVIDER':>10} {'MODULE':>17} {'FUNCTION':>33} NAME"]
    lines.extend(
        f"{p.id:>5} {p.provider:>10} {p.module:>17} {p.function:>33} {p.name}" for p in selected
    )
    ctx.out("".join(line + "\n" for line in lines))
    return 0
