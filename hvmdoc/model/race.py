"""The reboot race for HVM: exact outcome distribution over autoboot start orders.

At boot, a host's autoboot VMs start in some order (assumption
``reboot-order-uniform``: every order of the N bhyve and M KVM VMs equally
likely). Each start goes through the same kernel rules as
`Host` (before OS-7080 ``vmmdev_mod_incr`` and ``kvm_hvm_init`` race for
``hvm_excl_hold``; after it ``hma_register`` refuses nobody for being second,
so only the CPU decides). `race`
computes the distribution of (holder, unaccelerated, failed) exactly with
`fractions.Fraction`, by dynamic programming over how many VMs of each
brand have started; since VMs of one brand are interchangeable, that equals the
average over all (N+M)! orders. `race_by_enumeration` averages the real
host model over every distinct order, as a cross-check for small N+M.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal

from hvmdoc.model.platform import Platform, parse_cpu, parse_platform

Holder = Literal["bhyve", "SmartOS KVM"] | None

#: What the lock's holder string is per brand (vmm_sol_dev.c, kvm.c); after
#: OS-7080 the same strings name the HMA registrations.
HOLDER_NAME: dict[str, str] = {"bhyve": "bhyve", "kvm": "SmartOS KVM"}


@dataclass(frozen=True)
class Outcome:
    """One outcome: who holds the lock, how many VMs run unaccelerated or failed."""

    holder: str | None
    unaccelerated: int
    failed: int
    fraction: Fraction

    @property
    def probability(self) -> float:
        """``fraction`` as a float."""
        return float(self.fraction)

    @property
    def fraction_text(self) -> str:
        """The exact probability as ``p/q`` (always with a denominator)."""
        return f"{self.fraction.numerator}/{self.fraction.denominator}"


@dataclass(frozen=True)
class RaceResult:
    """The distribution for N bhyve and M KVM autoboot VMs on one platform and CPU."""

    platform: Platform
    cpu: str
    bhyve: int
    kvm: int
    outcomes: tuple[Outcome, ...]

    @property
    def fixed(self) -> bool:
        """Whether the platform carries OS-7080."""
        return self.platform.fixed

    def as_json(self) -> dict[str, object]:
        """The ``hvmdoc race --json`` document."""
        return {
            "platform": self.platform.stamp,
            "fixed": self.platform.fixed,
            "cpu": self.cpu,
            "bhyve": self.bhyve,
            "kvm": self.kvm,
            "outcomes": [
                {
                    "holder": o.holder,
                    "fraction": o.fraction_text,
                    "probability": o.probability,
                    "unaccelerated": o.unaccelerated,
                    "failed": o.failed,
                }
                for o in self.outcomes
            ],
        }


@dataclass(frozen=True)
class _State:
    """The kernel facts that decide the next start, and the tallies so far."""

    holder: str | None = None
    vmm_active: bool = False
    vmm_latched: bool = False
    kvm_active: bool = False
    kvm_latched: bool = False
    unaccelerated: int = 0
    failed: int = 0

    def facts(self) -> tuple[str | None, bool, bool, bool, bool]:
        """Everything but the tallies."""
        return (self.holder, self.vmm_active, self.vmm_latched, self.kvm_active, self.kvm_latched)


def _with(state: _State, **changes: object) -> _State:
    return replace(state, **changes)  # type: ignore[arg-type]


def _hma_ready(platform: Platform, cpu: str) -> bool:
    """hma.c: Intel VMX always; AMD SVM only in HMA version 2."""
    return cpu == "intel" or (cpu == "amd" and platform.hma_version >= 2)


def _start(s: _State, brand: str, platform: Platform, cpu: str) -> _State:
    """One autoboot VM of ``brand`` starts: the rules of vmm.py and kvm.py, in brief.

    Kept in step with the full model by the enumeration cross-check in the tests.
    """
    if brand == "bhyve":  # pre-fix: vmmdev_do_vm_create -> vmmdev_mod_incr
        if s.vmm_active:
            return s
        if platform.fixed:
            # OS-7080: vmm_attach registered at boot, or failed (no vmmctl);
            # illumos 12750: vmm_hma_acquire at the first VM. Same outcome.
            if _hma_ready(platform, cpu):
                return _with(s, vmm_active=True)
            return _with(s, failed=s.failed + 1)
        if s.vmm_latched or s.holder is not None:
            return _with(s, failed=s.failed + 1)
        if cpu != "intel":  # hold, vmm_mod_load fails, release, latch
            return _with(s, vmm_latched=True, failed=s.failed + 1)
        return _with(s, holder=HOLDER_NAME["bhyve"], vmm_active=True)
    # kvm: QEMU opens /dev/kvm -> kvm_hvm_incr; on failure the guest runs unaccelerated
    if s.kvm_active:
        return s
    if platform.fixed:
        if _hma_ready(platform, cpu) and cpu == "intel":  # vmx_init needs VMX
            return _with(s, kvm_active=True)
        return _with(s, unaccelerated=s.unaccelerated + 1)
    if s.kvm_latched or s.holder is not None:
        return _with(s, unaccelerated=s.unaccelerated + 1)
    if cpu != "intel":  # hold, vmx_init fails, latch kvm_init_failed, release
        return _with(s, kvm_latched=True, unaccelerated=s.unaccelerated + 1)
    return _with(s, holder=HOLDER_NAME["kvm"], kvm_active=True)


def _settled(
    s: _State, platform: Platform, cpu: str
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """If no further start changes the kernel facts, each brand's fixed tally step.

    Returns ((unaccelerated, failed) added per bhyve start, the same per KVM
    start), or None while the next start can still change the facts.
    """
    steps = []
    for brand in ("bhyve", "kvm"):
        after = _start(s, brand, platform, cpu)
        if after.facts() != s.facts():
            return None
        steps.append((after.unaccelerated - s.unaccelerated, after.failed - s.failed))
    return steps[0], steps[1]


def _step(s: _State, brand: str, platform: Platform, cpu: str) -> tuple[int, int] | None:
    """The tally a start of ``brand`` adds in ``s`` if it leaves the facts alone, else None."""
    after = _start(s, brand, platform, cpu)
    if after.facts() != s.facts():
        return None
    return after.unaccelerated - s.unaccelerated, after.failed - s.failed


def _commute(
    s: _State, left_bhyve: int, left_kvm: int, platform: Platform, cpu: str
) -> tuple[str, _State] | None:
    """A start that may be taken first without changing the outcome distribution.

    If starts of brand X leave the facts alone in ``s`` *and* in the state after
    the next start of the other brand Y, adding the same tally in both, then X
    starts commute with that Y start: the order of the remaining X's relative
    to it does not matter, and Y can be taken next with probability 1.
    """
    for x, y, left_y in (("bhyve", "kvm", left_kvm), ("kvm", "bhyve", left_bhyve)):
        if left_y == 0:
            continue
        before = _step(s, x, platform, cpu)
        if before is None:
            continue
        after_y = _start(s, y, platform, cpu)
        if _step(after_y, x, platform, cpu) == before:
            return y, after_y
    return None


def _check_counts(bhyve: int, kvm: int) -> None:
    for name, value in (("bhyve", bhyve), ("kvm", kvm)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"--{name} must be a whole number >= 0, not {value!r}")


def _finish(
    platform: Platform,
    cpu: str,
    bhyve: int,
    kvm: int,
    tally: dict[tuple[str | None, int, int], Fraction],
) -> RaceResult:
    outcomes = [
        Outcome(holder, unaccelerated, failed, fraction)
        for (holder, unaccelerated, failed), fraction in tally.items()
        if fraction != 0
    ]
    outcomes.sort(key=lambda o: (-o.fraction, o.holder or ""))
    return RaceResult(platform, cpu, bhyve, kvm, tuple(outcomes))


def race(
    bhyve: int, kvm: int, platform: Platform | str | None = None, cpu: str | None = None
) -> RaceResult:
    """Exact outcome distribution for ``bhyve`` + ``kvm`` autoboot VMs at reboot.

    Dynamic programming over (bhyve started, kvm started, kernel state); with b
    bhyve and k KVM VMs left, the next to start is a bhyve VM with probability
    b/(b+k) under uniformly random orders. Once no start can change the kernel
    facts (holder, latches, who is active), the rest is counted in one step,
    and starts that commute with the next fact-changing one are reordered
    (`_commute`). Outcomes of probability 0 are omitted; they are sorted
    by probability (descending), then holder.
    """
    _check_counts(bhyve, kvm)
    plat = platform if isinstance(platform, Platform) else parse_platform(platform)
    vendor = parse_cpu(cpu)
    tally: dict[tuple[str | None, int, int], Fraction] = {}

    def add(state: _State, unaccelerated: int, failed: int, p: Fraction) -> None:
        key = (state.holder, unaccelerated, failed)
        tally[key] = tally.get(key, Fraction(0)) + p

    # (bhyve started, kvm started, state) -> probability; a state whose facts no
    # further start can change is finished in one step (its tallies grow by a
    # fixed amount per remaining VM), so the loop ends after a few layers.
    layer: dict[tuple[int, int, _State], Fraction] = {(0, 0, _State()): Fraction(1)}
    while layer:
        nxt: dict[tuple[int, int, _State], Fraction] = {}
        for (started_bhyve, started_kvm, state), p in layer.items():
            left_bhyve, left_kvm = bhyve - started_bhyve, kvm - started_kvm
            settled = _settled(state, plat, vendor)
            if left_bhyve + left_kvm == 0 or settled is not None:
                (bu, bf), (ku, kf) = settled or ((0, 0), (0, 0))
                unaccelerated = state.unaccelerated + left_bhyve * bu + left_kvm * ku
                failed = state.failed + left_bhyve * bf + left_kvm * kf
                add(state, unaccelerated, failed, p)
                continue
            jump = _commute(state, left_bhyve, left_kvm, plat, vendor)
            if jump is not None:
                brand, after = jump
                key = (
                    started_bhyve + (brand == "bhyve"),
                    started_kvm + (brand == "kvm"),
                    after,
                )
                nxt[key] = nxt.get(key, Fraction(0)) + p
                continue
            left = left_bhyve + left_kvm
            if left_bhyve:
                key = (started_bhyve + 1, started_kvm, _start(state, "bhyve", plat, vendor))
                nxt[key] = nxt.get(key, Fraction(0)) + p * Fraction(left_bhyve, left)
            if left_kvm:
                key = (started_bhyve, started_kvm + 1, _start(state, "kvm", plat, vendor))
                nxt[key] = nxt.get(key, Fraction(0)) + p * Fraction(left_kvm, left)
        layer = nxt
    return _finish(plat, vendor, bhyve, kvm, tally)


def race_by_enumeration(
    bhyve: int, kvm: int, platform: Platform | str | None = None, cpu: str | None = None
) -> RaceResult:
    """The same distribution by booting the real `Host` model in every order.

    Builds a host with the VMs, then for each of the (N+M)! orders (as indices,
    so equal brands still count separately) reboots it with that order and
    tallies the report. Exponential: for tests with small N+M only.
    """
    from hvmdoc.model.host import Host

    _check_counts(bhyve, kvm)
    plat = platform if isinstance(platform, Platform) else parse_platform(platform)
    vendor = parse_cpu(cpu)
    host = Host("race", platform=plat, cpu_vendor=vendor, seed=0)
    uuids = []
    for i, brand in enumerate(["bhyve"] * bhyve + ["kvm"] * kvm):
        vm = host.create(
            {
                "uuid": f"00000000-0000-4000-8000-{i:012d}",
                "alias": f"{brand}-{i}",
                "brand": brand,
                "ram": 1024,
                "autoboot": False,
            },
            preexisting=True,
        )
        vm.autoboot = True
        uuids.append(vm.uuid)
    counts: Counter[tuple[str | None, int, int]] = Counter()
    total = 0
    for order in itertools.permutations(uuids):
        report = host.reboot(order=list(order))
        counts[(report.holder, report.unaccelerated, report.failed)] += 1
        total += 1
    tally = {key: Fraction(n, total) for key, n in counts.items()}
    return _finish(plat, vendor, bhyve, kvm, tally)


__all__ = ["HOLDER_NAME", "Outcome", "RaceResult", "race", "race_by_enumeration"]
