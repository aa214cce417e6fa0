"""Run every ``bench/bench_*.py`` module, print a table, write ``bench/results.json``.

Each module defines ``run() -> list[dict]``; every dict is one measured row with
at least ``name``, ``value``, ``unit`` and, where the issue sets one, ``target``
(a human-readable goal) and ``ok`` (whether the value meets it). Speed and memory
targets are checked here, never in timed tests.
"""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    only = set(argv)
    rows: list[dict[str, Any]] = []
    for path in sorted(HERE.glob("bench_*.py")):
        if only and path.stem not in only:
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        started = time.perf_counter()
        for row in module.run():
            row.setdefault("suite", path.stem)
            rows.append(row)
            _print_row(row)
        print(f"  ({path.stem}: {time.perf_counter() - started:.1f} s)", flush=True)
    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "node": platform.node(),
            "python": sys.version.split()[0],
            "processor": platform.machine(),
            "cpus": _cpus(),
        },
        "rows": rows,
    }
    (HERE / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    failed = [r for r in rows if r.get("ok") is False]
    print(
        f"\n{len(rows)} measurements, {len(failed)} missed their target; bench/results.json written"
    )
    return 1 if failed else 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


def _print_row(row: dict[str, Any]) -> None:
    value = row["value"]
    shown = (
        f"{value:,.3f}"
        if isinstance(value, float)
        else f"{value:,}"
        if isinstance(value, int)
        else str(value)
    )
    verdict = {True: "ok", False: "MISSED", None: ""}[row.get("ok")]
    target = row.get("target", "")
    print(
        f"{row['suite']:<16} {row['name']:<52} {shown:>14} "
        f"{row.get('unit', ''):<8} {target:<24} {verdict}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
