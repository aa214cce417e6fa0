"""Who holds the HVM exclusion lock? Read it as ``hvm_excl_holder::print`` does.

Builds the post's host ``emy-17`` from the model, then reads the kernel
variable ``hvm_excl_holder`` (illumos-joyent ``usr/src/uts/i86pc/os/pc_hvm.c``)
while the KVM VM ``kvm-debian8`` is stopped, running and stopped again. The
value is printed the way mdb prints a ``char *``: ``0`` for NULL, otherwise the
pointer and the string it points to.

Run it from the repository root: ``python examples/who_holds_the_lock.py``.
"""

from __future__ import annotations

from hvmdoc.model.host import Host
from hvmdoc.model.kernel import KString
from hvmdoc.model.scenarios import load_scenario


def holder(host: Host) -> str:
    """``hvm_excl_holder`` as mdb's ``::print`` shows a ``const char *``."""
    value = host.kernel.read_variable("hvm_excl_holder")
    if value is None:
        return "0"
    assert isinstance(value, KString)
    return f'{value.address:#x} "{value.text}"'


def main() -> None:
    host = load_scenario("emy-17")
    kvm = host.find_vm("kvm-debian8")
    print("free:", holder(host))
    host.start(kvm.uuid)
    print("after starting kvm-debian8:", holder(host))
    host.stop(kvm.uuid)
    print("after stopping it:", holder(host))


if __name__ == "__main__":
    main()
