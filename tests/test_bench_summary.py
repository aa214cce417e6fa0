"""``python -m bench.summary`` turns bench/results.json into a RESULTS.md section."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from support import ROOT

RESULT = {
    "date": "2026-11-26T01:02:03Z",
    "machine": {"node": "box", "python": "3.11.7", "processor": "x86_64", "cpus": 2},
    "rows": [
        {
            "suite": "bench_formats",
            "name": "fold: throughput",
            "value": 114.26,
            "unit": "MB/s",
            "target": ">= 51",
            "ok": True,
        },
        {"suite": "bench_site", "name": "a | b", "value": 12, "unit": ""},
        {
            "suite": "bench_model",
            "name": "slow",
            "value": 9.5,
            "unit": "ms",
            "target": "< 5",
            "ok": False,
        },
    ],
}


def _summary(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench.summary", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_summary_is_a_dated_markdown_table(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    path.write_text(json.dumps(RESULT))
    result = _summary(path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "## 2026-11-26 — box (2 CPUs, x86_64, Python 3.11.7)"
    assert "| formats | fold: throughput | 114.260 | MB/s | >= 51 | yes |" in lines
    assert "| site | a \\| b | 12 |  |  |  |" in lines
    assert "| model | slow | 9.500 | ms | < 5 | **no** |" in lines


def test_missing_results_is_exit_2_with_one_line(tmp_path: Path) -> None:
    result = _summary(tmp_path / "absent.json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "make bench" in result.stderr
