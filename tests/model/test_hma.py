"""HMA (hma.c): vendor readiness by version, exclusive registration, VPIDs."""

from __future__ import annotations

import pytest

from hvmdoc.model.errors import AssertionPanic, KernelPanic, TrapPanic
from hvmdoc.model.hma import NCPU, Hma, HmaReg
from hvmdoc.model.kernel import Kernel, KString
from hvmdoc.model.scenarios import load_scenario

BHYVE = KString(0xFFFFFFFFF82CADED, "bhyve")
KVM = KString(0xFFFFFFFFF8224185, "SmartOS KVM")
VBOX = KString(0xFFFFFFFFF9000000, "VirtualBox")


def hma(vendor: str, version: int) -> Hma:
    return Hma(Kernel(fixed=True, hma_version=version), cpu_vendor=vendor, version=version)


def call(h: Hma, fn: object, *args: object) -> object:
    with h.kernel.thread("sys_syscall", cpu=3):
        return fn(*args)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("vendor", "version", "ready"),
    [("intel", 1, True), ("amd", 1, False), ("intel", 2, True), ("amd", 2, True)],
)
def test_vendor_readiness(vendor: str, version: int, ready: bool) -> None:
    h = hma(vendor, version)
    assert (call(h, h.hma_register, BHYVE) is not None) == ready


def test_many_hypervisors_register_side_by_side() -> None:
    h = hma("intel", 1)
    a = call(h, h.hma_register, BHYVE)
    b = call(h, h.hma_register, KVM)
    assert a is not None and b is not None
    assert [r.name for r in h.registrations] == [BHYVE, KVM]
    call(h, h.hma_unregister, a)
    assert [r.name for r in h.registrations] == [KVM]


def test_exclusive_registration_v2() -> None:
    h = hma("intel", 2)
    shared = call(h, h.hma_register, BHYVE)
    assert call(h, h.hma_register_exclusive, VBOX) is None, "others are registered"
    call(h, h.hma_unregister, shared)
    exclusive = call(h, h.hma_register_exclusive, VBOX)
    assert exclusive is not None and h.exclusive
    assert call(h, h.hma_register, KVM) is None, "exclusive blocks everyone else"
    call(h, h.hma_unregister, exclusive)
    assert not h.exclusive
    assert call(h, h.hma_register, KVM) is not None


def test_exclusive_does_not_exist_in_v1() -> None:
    h = hma("intel", 1)
    with pytest.raises(AttributeError):
        call(h, h.hma_register_exclusive, VBOX)


def test_unregister_with_empty_list_panics() -> None:
    h = hma("intel", 1)
    reg = call(h, h.hma_register, BHYVE)
    call(h, h.hma_unregister, reg)
    with pytest.raises(AssertionPanic) as info:
        call(h, h.hma_unregister, reg)
    assert info.value.panic_string == (
        "assertion failed: !list_is_empty(&hma_registrations), "
        "file: ../../i86pc/os/hma.c, line: 120"
    )


def test_unregister_null_panics() -> None:
    h = hma("intel", 1)
    with pytest.raises(AssertionPanic) as info:
        call(h, h.hma_unregister, None)
    assert (info.value.expression, info.value.line) == ("reg != NULL", 119)


def test_second_unregister_while_others_remain_faults_in_list_remove() -> None:
    h = hma("intel", 1)
    reg = call(h, h.hma_register, BHYVE)
    call(h, h.hma_register, KVM)
    call(h, h.hma_unregister, reg)
    with pytest.raises(TrapPanic) as info:
        call(h, h.hma_unregister, reg)
    assert info.value.panic_string.startswith("BAD TRAP: type=e (#pf Page fault) rp=")
    assert info.value.panic_string.endswith(
        'addr=0 occurred in module "genunix" due to a NULL pointer dereference'
    )
    assert str(info.value).startswith("panic[cpu3]/thread=")
    assert [r.name for r in h.registrations] == [KVM], "nothing else changed"


@pytest.mark.parametrize(
    ("stamp", "version", "lines"),
    [
        ("20180830T000000Z", 1, (119, 120, 152)),
        ("20190314T000000Z", 1, (119, 120, 152)),
        ("20190328T000000Z", 2, (161, 162, 196)),
        ("20190411T000000Z", 2, (174, 175, 214)),
        ("20210715T000000Z", 2, (184, 185, 224)),
    ],
)
def test_verify_lines_follow_the_releases_hma_c(
    stamp: str, version: int, lines: tuple[int, int, int]
) -> None:
    kernel = Kernel(fixed=True, hma_version=version, stamp=stamp)
    h = Hma(kernel, cpu_vendor="intel", version=version)
    with pytest.raises(AssertionPanic) as null:
        call(h, h.hma_unregister, None)
    with pytest.raises(AssertionPanic) as empty:
        call(h, h.hma_unregister, HmaReg(BHYVE))
    with pytest.raises(AssertionPanic) as vpid:
        call(h, h.hma_vmx_vpid_free, 1)
    assert (null.value.line, empty.value.line, vpid.value.line) == lines


def test_vpids_skip_reserved_and_are_unique() -> None:
    h = hma("intel", 1)
    got = [call(h, h.hma_vmx_vpid_alloc) for _ in range(50)]
    assert all(isinstance(v, int) and v > NCPU for v in got)
    assert len(set(got)) == 50
    call(h, h.hma_vmx_vpid_free, got[0])
    nxt = call(h, h.hma_vmx_vpid_alloc)
    assert nxt not in got[1:], "freed ids may come back, live ones never"
    with pytest.raises(KernelPanic) as info:
        call(h, h.hma_vmx_vpid_free, 0)
    assert info.value.panic_string.endswith(
        "vpid > HMA_VPID_RESERVED, file: ../../i86pc/os/hma.c, line: 152"
    )


def test_vpid_space_exhaustion_returns_zero() -> None:
    h = hma("intel", 1)
    h._vpid_high = h._vpid_low + 3  # a tiny space for the test
    assert [call(h, h.hma_vmx_vpid_alloc) for _ in range(4)] == [NCPU + 1, NCPU + 2, NCPU + 3, 0]


@pytest.mark.parametrize(
    ("platform", "left"),
    [("post-fix", ["bhyve"]), ("hma-v2", ["bhyve"]), ("20200604T000000Z", [])],
)
def test_post_fix_host_vms_hold_distinct_vpids_and_free_them(
    platform: str, left: list[str]
) -> None:
    """VPIDs come and go with the VMs; bhyve's registration stays with the
    attached driver until illumos 12750 (release-20200604) ties it to VMs."""
    host = load_scenario("race-lab", platform=platform)
    for vm in host.vms:
        host.start(vm.uuid)
    assert host.hma is not None
    vpids = [v for vm in host.vms for v in vm.vpids]
    assert len(vpids) == len(host.vms) and len(set(vpids)) == len(vpids) and 0 not in vpids
    assert host.hma.vpids_in_use == frozenset(vpids)
    for vm in host.vms:
        host.stop(vm.uuid)
    assert host.hma.vpids_in_use == frozenset()
    assert [r.name.text for r in host.hma.registrations] == left


def test_hma_v2_amd_bhyve_accelerated_kvm_not() -> None:
    host = load_scenario("amd-host", platform="hma-v2")
    assert host.start("amd-bhyve").accelerated is True
    assert host.start("amd-kvm").accelerated is False
    assert host.read_file(f"/zones/{host.find_vm('amd-kvm').uuid}/root/tmp/vm.log").endswith(
        "Could not initialize KVM, will disable KVM support\n"
    )
