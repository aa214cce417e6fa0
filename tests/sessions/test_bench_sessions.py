"""The session benchmark's own judgements: a failing check is no measurement,
and linear growth is judged on every size."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .pages import FRONT, fence

ROOT = Path(__file__).resolve().parents[2]


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "bench_sessions_under_test", ROOT / "bench" / "bench_sessions.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_a_check_that_does_not_exit_0_stops_the_benchmark(tmp_path: Path) -> None:
    bench = _bench()
    page = tmp_path / "p.md"
    page.write_text(FRONT + fence("# echo a\nb"))
    with pytest.raises(bench.CheckFailed, match=r"exited 1: .*1 block differs"):
        bench.check_docs_seconds(paths=[str(page)], cwd=tmp_path)
    page.write_text(FRONT + fence("# echo a\na"))
    wall, cpu = bench._timed_check([str(page)], None, tmp_path)
    assert wall > 0 and cpu > 0


def test_linear_growth_is_judged_on_all_three_sizes() -> None:
    bench = _bench()
    sizes = (250, 500, 1000)
    linear = bench.growth(sizes, [0.26, 0.51, 1.01], [0.001, 0.001, 0.001])
    assert linear.linear and linear.slope == pytest.approx(0.001)
    assert linear.intercept_share < 0.02
    # 4x from 250 to 1000, but bent in the middle: the old two-point ratio passed it.
    bent = bench.growth(sizes, [0.25, 1.0, 1.0], [0.001, 0.002, 0.001])
    assert not bent.linear and bent.spread == pytest.approx(2.0)
    quadratic = bench.growth(sizes, [0.0625, 0.25, 1.0], [0.00025, 0.0005, 0.001])
    assert not quadratic.linear and quadratic.intercept_share > 0.15
    with pytest.raises(ValueError, match="two different sizes"):
        bench.growth((250,), [1.0], [0.004])
