"""vmm and kvm driver details: latches, their resets, ENXIO, instance counts."""

from __future__ import annotations

import pytest

from hvmdoc.model.errno import ENXIO
from hvmdoc.model.errors import AssertionPanic
from hvmdoc.model.hma import Hma
from hvmdoc.model.kernel import Kernel
from hvmdoc.model.scenarios import load_scenario
from hvmdoc.model.vmm import DDI_FAILURE, VmmDriver

TEST = "79062669-e229-e55d-960d-9b18d0fed8d0"
KVM = "57409636-927a-cc7a-d744-e0f92b73f4e4"


def test_kvm_does_not_latch_when_the_lock_is_simply_busy() -> None:
    host = load_scenario("emy-17")
    host.start(TEST)
    assert host.start(KVM).accelerated is False
    assert host.kvm.init_failed is False
    host.stop(KVM)
    host.stop(TEST, force=True)
    assert host.start(KVM).accelerated is True, "the next open may succeed"


def test_kvm_latches_when_vmx_init_fails_and_attach_clears_it() -> None:
    host = load_scenario("amd-host")
    events: list[str] = []
    host.kernel.events.subscribe(
        lambda e: events.append(e.probe.function) if e.probe.name == "entry" else None
    )
    vm = host.start("amd-kvm")
    assert vm.accelerated is False and host.kvm.init_failed is True
    assert host.holder is None, "the lock was taken and given back"
    assert events.count("hvm_excl_hold") == 1 and events.count("hvm_excl_rele") == 1
    host.stop("amd-kvm")
    host.start("amd-kvm")
    assert events.count("hvm_excl_hold") == 1, "latched: no second attempt"
    host.stop("amd-kvm")
    with host.kernel.thread("devi_attach", cpu=0):
        host.kvm.kvm_attach()
    assert host.kvm.init_failed is False


def test_vmm_load_failure_latch_and_reset_on_attach() -> None:
    host = load_scenario("amd-host")
    vm = host.start("amd-bhyve")
    assert vm.state == "stopped" and vm.boot_error == "vm_create: No such device or address"
    assert host.vmm.load_failure is True and host.holder is None
    with host.kernel.thread("devi_attach", cpu=0):
        host.vmm.vmm_attach()
    assert host.vmm.load_failure is False


def test_vm_create_returns_enxio_to_bhyve() -> None:
    host = load_scenario("emy-17")
    host.start(KVM)
    returns: list[object] = []
    host.kernel.events.subscribe(
        lambda e: (
            returns.append(e.retval)
            if e.probe.function == "vmmdev_do_vm_create" and e.probe.name == "return"
            else None
        )
    )
    host.start(TEST)
    assert returns == [ENXIO]
    assert host.vmm.inst_count == 0


def test_kvm_open_count_per_vm() -> None:
    host = load_scenario("race-lab")
    for alias in ("kvm-0", "kvm-1"):
        host.start(alias)
    assert host.kvm.usage_count == 2 and host.holder is not None
    assert host.holder.text == "SmartOS KVM"
    host.stop("kvm-0")
    assert host.holder is not None, "released only at the last close"
    host.stop("kvm-1")
    assert host.holder is None and host.kvm.usage_count == 0


def test_vmm_zsd_destroy_runs_for_every_zone() -> None:
    host = load_scenario("mixed")
    names: list[str] = []
    host.kernel.events.subscribe(
        lambda e: names.append(e.probe.function) if e.probe.name == "entry" else None
    )
    host.stop("web")
    assert "vmm_zsd_destroy" in names and "vmm_do_vm_destroy" not in names


@pytest.mark.parametrize(
    ("platform", "line"), [("pre-fix", 1880), ("post-fix", 1790), ("20210701T000000Z", 1791)]
)
def test_kvm_hvm_decr_at_zero_fails_its_verify(platform: str, line: int) -> None:
    host = load_scenario("emy-17", platform=platform)
    with host.kernel.thread("sys_syscall", cpu=84), pytest.raises(AssertionPanic) as info:
        host.kvm.kvm_hvm_decr()
    assert info.value.panic_string == (
        f"assertion failed: kvm_usage_count > 0, file: kvm.c, line: {line}"
    )
    assert str(info.value).startswith("panic[cpu84]/thread=")


def test_vmm_mod_decr_at_zero_is_a_debug_only_assert_not_a_panic() -> None:
    host = load_scenario("emy-17")
    with host.kernel.thread("sys_syscall", cpu=0), pytest.raises(AssertionError):
        host.vmm.vmmdev_mod_decr()


def test_driver_attach_is_observable() -> None:
    host = load_scenario("emy-17")
    seen: list[tuple[str, str, int]] = []
    host.kernel.events.subscribe(
        lambda e: seen.append((e.probe.function, e.probe.name, len(e.stack)))
    )
    with host.kernel.thread("devi_attach", cpu=0):
        host.vmm.vmm_attach()
        host.kvm.kvm_attach()
    assert seen == [
        ("vmm_attach", "entry", 1),
        ("vmm_attach", "return", 1),
        ("kvm_attach", "entry", 1),
        ("kvm_attach", "return", 1),
    ]


def _entries(host: object) -> list[str]:
    from hvmdoc.model.host import Host

    assert isinstance(host, Host)
    seen: list[str] = []
    host.kernel.events.subscribe(
        lambda e: seen.append(e.probe.function) if e.probe.name == "entry" else None
    )
    return seen


def test_os_7080_vmm_registers_at_attach_and_keeps_it() -> None:
    # befffd5: vmm_attach() -> hma_register("bhyve"), vmm_mod_load(); kept until detach
    host = load_scenario("emy-17", platform="post-fix")
    assert host.excl is None and host.vmm.attached
    assert host.hma is not None and [r.name.text for r in host.hma.registrations] == ["bhyve"]
    seen = _entries(host)
    host.start(TEST)
    host.stop(TEST, force=True)
    assert "hma_register" not in seen and "hma_unregister" not in seen
    assert not any(name.startswith(("vmmdev_mod", "hvm_excl")) for name in seen)
    assert [r.name.text for r in host.hma.registrations] == ["bhyve"]
    with host.kernel.thread("devi_attach", cpu=0):
        assert host.vmm.vmm_attach() == DDI_FAILURE, "already attached"
    assert seen[-1] == "vmm_attach" and host.vmm.attached
    assert [r.name.text for r in host.hma.registrations] == ["bhyve"]
    # what the boot did, on a kernel of the same platform watched from the start
    kernel = Kernel(fixed=True, stamp=host.platform.stamp)
    vmm = VmmDriver(kernel, None, Hma(kernel, cpu_vendor="intel", version=1), cpu_vendor="intel")
    calls: list[str] = []
    kernel.events.subscribe(
        lambda e: calls.append(e.probe.function) if e.probe.name == "entry" else None
    )
    with kernel.thread("devi_attach", cpu=0):
        assert vmm.vmm_attach() == 0
    assert calls == ["vmm_attach", "hma_register", "vmm_mod_load"]


def test_os_7080_vmm_attach_fails_on_the_first_hma_on_amd() -> None:
    host = load_scenario("emy-17", platform="post-fix", cpu="amd")
    assert not host.vmm.attached and host.hma is not None and host.hma.registrations == []
    seen = _entries(host)
    vm = host.start(TEST)
    assert vm.state == "stopped" and vm.boot_error == "vm_create: No such file or directory"
    assert "vmm_ioctl" not in seen, "no ctl node: bhyve never reaches the driver"


def test_illumos_12750_vmm_registers_with_the_first_vm_and_drops_with_the_last() -> None:
    host = load_scenario("race-lab", platform="20200604T000000Z")
    assert host.hma is not None and host.vmm.attached and host.hma.registrations == []
    seen = _entries(host)
    bhyves = [vm for vm in host.vms if vm.brand == "bhyve"]
    assert len(bhyves) >= 2
    for vm in bhyves:
        host.start(vm.uuid)
    assert seen.count("vmm_hma_acquire") == len(bhyves) and seen.count("hma_register") == 1
    assert host.vmm.hma_ref == len(bhyves) == host.kernel.read_variable("vmmdev_hma_ref")
    for vm in bhyves[:-1]:
        host.stop(vm.uuid)
    assert [r.name.text for r in host.hma.registrations] == ["bhyve"]
    host.stop(bhyves[-1].uuid)
    assert host.hma.registrations == [] and host.vmm.hma_ref == 0
    assert seen.count("vmm_hma_release") == len(bhyves) and seen.count("hma_unregister") == 1


def test_illumos_12750_refused_registration_warns_and_fails_the_create() -> None:
    # vmm_hma_acquire(): cmn_err(CE_WARN, "%s HMA registration failed.", ...), ENXIO
    host = load_scenario("emy-17", platform="20200604T000000Z")
    assert host.hma is not None
    other = host.kernel.strings["kvm_ident"]
    with host.kernel.thread("sys_syscall", cpu=0):
        exclusive = host.hma.hma_register_exclusive(other)
    assert exclusive is not None
    vm = host.start(TEST)
    assert vm.state == "stopped" and vm.boot_error == "vm_create: No such device or address"
    (message,) = host.kernel.messages
    assert message.module == "vmm" and message.priority == "kern.warning"
    assert message.text == "WARNING: bhyve HMA registration failed.\n"
    assert host.vmm.hma_ref == 0 and host.vmm.hma_reg is None
