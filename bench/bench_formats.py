"""Speed and memory of the formats (issue 3): ``hvmdoc fold`` on ~27.6 MB, and parsing.

- ``hvmdoc fold`` as a whole process on the example's three header lines plus
  20 copies of its body (generated into a temporary directory from
  ``../shared/data``; the rows are skipped with a note when it is absent):
  throughput, peak RSS (the ``wait4()`` rusage of that process alone), the ratio to
  a bare Python ``for line in file`` loop, and -- when ``perl`` and
  ``STACKCOLLAPSE_PL`` (a path to FlameGraph's script) are present -- the
  script on the same input, its output compared and the speed-up printed.
  Without the script the target is 3x the ~17 MB/s it does on this kind of
  machine (REFERENCES.md).
- ``hvmdoc fold``'s peak RSS on ~45 MB of input without stacks, where only its
  bounds keep memory flat: a ``dtrace -q`` ``printf()`` trace (unindented
  lines) and probe firings with 4 KB of data each (lines too long to cache).
- Parsing a 100 000-row ``vmadm list -p`` and a 1 000 000-line probe-firing
  trace in a child process: lines per second and the child's peak RSS.

Each timing is the best of three runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED_STACKS = ROOT.parent / "shared" / "data" / "example-dtrace-stacks.txt"
COPIES = 20
REPEAT = 3
STACKCOLLAPSE_MBPS = 17.0  # REFERENCES.md: stackcollapse.pl on this kind of machine
PEAK_LIMIT_MIB = 40.0
MiB = 1024 * 1024


# A small launcher forks and execs the measured command and reports its own
# child's rusage: Linux carries the RSS high-water mark of a forking parent
# across exec, so measuring straight from this (large) process would report our
# size, not the command's (the reason the issue suggests ``/usr/bin/time -v``).
_LAUNCHER = """
import os, sys, time
report, argv = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(argv[0], argv)
_, status, usage = os.wait4(pid, 0)
code = os.waitstatus_to_exitcode(status)
with open(report, "w") as out:
    out.write(f"{time.perf_counter() - started} {usage.ru_maxrss} {code}")
"""


def _run(argv: list[str], stdout: Any = subprocess.DEVNULL) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit status) of one run of ``argv``."""
    with tempfile.NamedTemporaryFile("r", suffix=".rusage") as report:
        subprocess.run(
            [sys.executable, "-c", _LAUNCHER, report.name, *argv],
            stdout=stdout,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            check=True,
        )
        wall, maxrss_kib, status = report.read().split()
    return float(wall), int(maxrss_kib) / 1024, int(status)


def _best(argv: list[str]) -> tuple[float, float]:
    runs = [_run(argv) for _ in range(REPEAT)]
    if any(status != 0 for _, _, status in runs):
        raise RuntimeError(f"{argv} failed")
    return min(r[0] for r in runs), max(r[1] for r in runs)


def _big_input(directory: Path) -> Path:
    data = SHARED_STACKS.read_bytes().split(b"\n")
    head = b"\n".join(data[:3]) + b"\n"
    body = b"\n".join(data[3:])
    if not body.endswith(b"\n"):
        body += b"\n"
    path = directory / "stacks-x20.txt"
    path.write_bytes(head + body * COPIES)
    return path


def _row(
    name: str, value: Any, unit: str, target: str = "", ok: bool | None = None
) -> dict[str, Any]:
    row: dict[str, Any] = {"name": name, "value": value, "unit": unit}
    if target:
        row["target"] = target
        row["ok"] = ok
    return row


def _fold_rows(directory: Path) -> list[dict[str, Any]]:
    if not SHARED_STACKS.exists():
        return [_row("fold 27.6 MB (skipped: ../shared/data absent)", "skipped", "")]
    path = _big_input(directory)
    megabytes = path.stat().st_size / 1e6
    fold_time, fold_peak = _best([sys.executable, "-m", "hvmdoc", "fold", str(path)])
    loop = f"for line in open({str(path)!r}, 'rb'): pass"
    loop_time, _ = _best([sys.executable, "-c", loop])
    throughput = megabytes / fold_time
    rows = [
        _row(f"fold {megabytes:.1f} MB: wall time (whole process)", fold_time, "s"),
        _row(
            "fold: throughput",
            throughput,
            "MB/s",
            f">= {3 * STACKCOLLAPSE_MBPS:.0f} (3x stackcollapse)",
            throughput >= 3 * STACKCOLLAPSE_MBPS,
        ),
        _row(
            "fold: peak RSS",
            fold_peak,
            "MiB",
            f"< {PEAK_LIMIT_MIB:.0f}",
            fold_peak < PEAK_LIMIT_MIB,
        ),
        _row("fold: time / bare Python line loop", fold_time / loop_time, "x"),
    ]
    script = os.environ.get("STACKCOLLAPSE_PL")
    perl = shutil.which("perl")
    if script and perl and Path(script).exists():
        perl_time, perl_peak = _best([perl, script, str(path)])
        ours = subprocess.run(
            [sys.executable, "-m", "hvmdoc", "fold", str(path)], capture_output=True, check=True
        ).stdout
        theirs = subprocess.run([perl, script, str(path)], capture_output=True, check=True).stdout
        speedup = perl_time / fold_time
        rows += [
            _row("stackcollapse.pl: wall time", perl_time, "s"),
            _row("stackcollapse.pl: peak RSS", perl_peak, "MiB"),
            _row("fold speed-up over stackcollapse.pl", speedup, "x", ">= 3", speedup >= 3),
            _row(
                "fold output vs stackcollapse.pl's",
                "same" if ours == theirs else "differs",
                "",
                "same",
                ours == theirs,
            ),
        ]
    return rows


NO_STACKS_BYTES = 45_000_000


def _no_stack_inputs(directory: Path) -> list[tuple[str, Path]]:
    """~45 MB of dtrace output without a stack, two ways (see the module docstring)."""
    printf = directory / "printf-q.txt"
    with printf.open("w") as out:
        written = i = 0
        while written < NO_STACKS_BYTES:
            line = f"{1521561234000000 + i * 7919} bhyve {i % 99991} ioctl fd={i % 61}\n"
            written += out.write(line)
            i += 1
    firings = directory / "firings-4k.txt"
    firing = " 48   8666              hvm_excl_hold:entry "
    with firings.open("w") as out:
        written = i = 0
        while written < NO_STACKS_BYTES:
            written += out.write(f"{firing}{i:08d} {'x' * 4000}\n")
            i += 1
    return [("dtrace -q printf() trace", printf), ("probe firings with 4 KB of data", firings)]


def _fold_memory_rows(directory: Path) -> list[dict[str, Any]]:
    rows = []
    for name, path in _no_stack_inputs(directory):
        megabytes = path.stat().st_size / 1e6
        _, peak, status = _run([sys.executable, "-m", "hvmdoc", "fold", str(path)])
        if status != 0:
            raise RuntimeError(f"fold {path} failed")
        label = f"fold {megabytes:.0f} MB {name}, no stacks: peak RSS"
        rows.append(_row(label, peak, "MiB", f"< {PEAK_LIMIT_MIB:.0f}", peak < PEAK_LIMIT_MIB))
    return rows


_PARSE_CHILD = """
import sys, time
from hvmdoc.formats import {module} as fmt
started = time.perf_counter()
n = 0
with open(sys.argv[1], encoding="utf-8") as lines:
    for _ in fmt.parse(lines, sys.argv[1]{extra}):
        n += 1
print(time.perf_counter() - started, n)
"""


def _parse_rows(name: str, module: str, path: Path, extra: str = "") -> list[dict[str, Any]]:
    lines = sum(1 for _ in path.open("rb"))
    code = _PARSE_CHILD.format(module=module, extra=extra)
    best = float("inf")
    peak = 0.0
    for _ in range(REPEAT):
        out_path = path.with_suffix(".out")
        with out_path.open("w") as out:
            _, rss, status = _run([sys.executable, "-c", code, str(path)], stdout=out)
        if status != 0:
            raise RuntimeError(f"parsing {path} failed")
        elapsed = float(out_path.read_text().split()[0])
        best, peak = min(best, elapsed), max(peak, rss)
    return [
        _row(f"parse {name}: {lines:,} lines", lines / best, "lines/s"),
        _row(f"parse {name}: peak RSS (whole process)", peak, "MiB"),
    ]


def _vmadm_input(directory: Path) -> Path:
    from hvmdoc.formats import vmadm

    rows = (
        {
            "uuid": f"{i:08x}-e229-e55d-960d-9b18d0fed8d0",
            "type": "BHYV" if i % 2 else "KVM",
            "ram": 1024 * (1 + i % 4),
            "state": "running" if i % 3 else "stopped",
            "alias": f"vm{i}",
        }
        for i in range(100_000)
    )
    path = directory / "vmadm-list-p.txt"
    with path.open("w") as out:
        for line in vmadm.render_table(rows, parsable=True):
            out.write(line + "\n")
    return path


def _trace_input(directory: Path) -> Path:
    from hvmdoc.formats import dtrace

    frames = (
        dtrace.Frame(address=0xFFFFFFFFF82AEC97),
        dtrace.Frame(address=0xFFFFFFFFF82AEE23),
        dtrace.Frame(address=0xFFFFFFFFF82AFBD3),
        dtrace.Frame("genunix", "cdev_ioctl", 0x39),
        dtrace.Frame("specfs", "spec_ioctl", 0x60),
        dtrace.Frame("genunix", "fop_ioctl", 0x55),
        dtrace.Frame("genunix", "ioctl", 0x9B),
        dtrace.Frame("unix", "sys_syscall", 0x19F),
    )
    block = list(
        dtrace.render(
            [
                dtrace.Firing(48, 8666, "hvm_excl_hold", "entry"),
                dtrace.Stack(frames),
                dtrace.Blank(),
            ]
        )
    )
    path = directory / "trace.txt"
    with path.open("w") as out:
        out.write(dtrace.HEADER_LINE + "\n")
        chunk = "\n".join(block) + "\n"
        for _ in range(1_000_000 // len(block)):
            out.write(chunk)
    return path


def run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="hvmdoc-bench-formats-") as tmp:
        directory = Path(tmp)
        rows = _fold_rows(directory)
        rows += _fold_memory_rows(directory)
        rows += _parse_rows("vmadm list -p", "vmadm", _vmadm_input(directory))
        rows += _parse_rows("dtrace probe firings", "dtrace", _trace_input(directory))
    return rows


if __name__ == "__main__":
    for row in run():
        print(row)
