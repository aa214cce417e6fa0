"""The shell's seed: the one source of chance (the reboot race), given or picked and shown."""

from __future__ import annotations

import random

#: Picked seeds stay short enough to read out to a class.
SEED_LIMIT = 100_000


def choose_seed(given: int | None) -> tuple[int, bool]:
    """The seed to use and whether it was picked here (then the shell prints it)."""
    if given is not None:
        return given, False
    return random.SystemRandom().randrange(1, SEED_LIMIT), True


def replay_hint(seed: int, scenario: str, platform: str | None, cpu: str | None) -> str:
    """The command line that repeats this run exactly."""
    parts = ["hvmdoc shell"]
    if scenario != "emy-17":
        parts.append(f"--scenario {scenario}")
    if platform:
        parts.append(f"--platform {platform}")
    if cpu:
        parts.append(f"--cpu {cpu}")
    parts.append(f"--seed {seed}")
    return " ".join(parts)
