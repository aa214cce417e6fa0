"""Trace the HVM exclusion lock while the bhyve VM starts and stops.

The model fires a DTrace ``fbt``-style probe on entry to, and return from,
every kernel function it runs (``hvmdoc.model.events``). Subscribing to the
kernel's event bus and keeping the ``entry`` events of ``hvm_excl_hold`` and
``hvm_excl_rele`` is what ``dtrace -n 'hvm_excl_*:entry { stack() }'`` does
on the emulated host. Each stack is printed innermost caller first, as
``stack()`` prints it, with every frame named: the model knows the names of
the ``vmm`` frames that the real DTrace printed as bare addresses.

Run it from the repository root: ``python examples/trace_start_stop.py``.
"""

from __future__ import annotations

from hvmdoc.model.events import ProbeEvent
from hvmdoc.model.scenarios import load_scenario

LOCK_FUNCTIONS = ("hvm_excl_hold", "hvm_excl_rele")


def main() -> None:
    host = load_scenario("emy-17")
    seen: list[ProbeEvent] = []

    def keep(event: ProbeEvent) -> None:
        if event.probe.function in LOCK_FUNCTIONS and event.probe.name == "entry":
            seen.append(event)

    handle = host.kernel.events.subscribe(keep)
    try:
        test = host.find_vm("test")
        host.start(test.uuid)
        # force=True is `vmadm stop -F`: before OS-6745 (release-20180329)
        # vmadm refused to stop a bhyve VM without it.
        host.stop(test.uuid, force=True)
    finally:
        host.kernel.events.unsubscribe(handle)

    for event in seen:
        consumer = event.args[0]
        name = getattr(consumer, "text", consumer)
        print(f"{event.probe.function}({name!r}) on CPU {event.cpu}, probe {event.probe.id}")
        for frame in event.stack:
            note = "" if frame.resolved else "    <- a bare address in DTrace"
            print(f"    {frame.symbolic}{note}")


if __name__ == "__main__":
    main()
