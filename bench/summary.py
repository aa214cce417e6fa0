"""Render ``bench/results.json`` as a dated Markdown section for ``bench/RESULTS.md``.

``make bench`` measures and writes the JSON; keeping a summary is a deliberate
act (one section per machine and date), so this only prints:
``python -m bench.summary >> bench/RESULTS.md``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results.json"


def _shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def render(result: dict[str, Any]) -> str:
    """One Markdown section: heading with date and machine, then a table of every row."""
    machine = result["machine"]
    lines = [
        f"## {result['date'][:10]} — {machine['node']} "
        f"({machine['cpus']} CPUs, {machine['processor']}, Python {machine['python']})",
        "",
        "| suite | measurement | value | unit | target | met |",
        "| --- | --- | ---: | --- | --- | --- |",
    ]
    for row in result["rows"]:
        met = {True: "yes", False: "**no**", None: ""}[row.get("ok")]
        name = row["name"].strip().replace("|", "\\|")
        lines.append(
            f"| {row['suite'].removeprefix('bench_')} | {name} | {_shown(row['value'])} "
            f"| {row.get('unit', '')} | {row.get('target', '')} | {met} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else RESULTS
    try:
        result = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        print(f"bench.summary: {path}: {exc} (run `make bench` first)", file=sys.stderr)
        return 2
    sys.stdout.write(render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
