"""The reboot race for the HVM exclusion lock, worked out exactly.

When a host reboots, its autoboot VMs start in some order, and the first VM
to reach ``hvm_excl_hold()`` decides who gets the hardware: if it is a bhyve
VM, every KVM VM runs unaccelerated; if it is a KVM VM, every bhyve VM fails
to boot. ``hvmdoc.model.race.race`` enumerates the start orders (every order
equally likely: an assumption, see the assumptions page) and returns each
outcome with its exact probability. This prints them for a few host mixes,
before the fix and after it.

Run it from the repository root: ``python examples/race_table.py``.
"""

from __future__ import annotations

from hvmdoc.model.race import race

MIXES = ((1, 1), (3, 1), (1, 3))


def main() -> None:
    for platform in ("pre-fix", "post-fix"):
        print(f"platform {platform}:")
        for bhyve, kvm in MIXES:
            result = race(bhyve, kvm, platform=platform, cpu="intel")
            for outcome in result.outcomes:
                holder = outcome.holder or "nobody"
                print(
                    f"  {bhyve} bhyve + {kvm} kvm: {outcome.fraction!s:>4}  "
                    f"holder {holder:<12} unaccelerated {outcome.unaccelerated}  "
                    f"failed {outcome.failed}"
                )


if __name__ == "__main__":
    main()
