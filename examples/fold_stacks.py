"""Fold DTrace stacks for a flame graph, and list the heaviest stacks.

``examples/hvm-excl-stacks-annotated.txt`` is an aggregation
(``@[stack()] = count()``) over the lock's two probes on ``emy-17``, with the
``vmm`` frames named the way ``hvmdoc symbolize`` names them. Folding turns
each stack into one line, outermost caller first, frames joined by ``;``, then
its count: the format FlameGraph's ``flamegraph.pl`` and speedscope read.

Run it from the repository root: ``python examples/fold_stacks.py``.
"""

from __future__ import annotations

from pathlib import Path

from hvmdoc.formats import fold

SAMPLE = Path(__file__).with_name("hvm-excl-stacks-annotated.txt")


def main() -> None:
    with SAMPLE.open(encoding="utf-8") as lines:
        folded = fold.fold(lines, str(SAMPLE))
    for stack, count in sorted(folded.items(), key=lambda item: -item[1]):
        frames = stack.split(";")
        print(f"{count:>3}  {frames[-1]}  <-  {frames[-2]}  ({len(frames)} frames)")


if __name__ == "__main__":
    main()
