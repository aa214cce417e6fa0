"""Property-based: random vmadm create/start/stop/delete/reboot sequences on mixed hosts."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from hvmdoc.model.errors import (
    AlreadyRunning,
    BhyveNotSupported,
    KernelPanic,
    NotRunning,
    StopUnsupported,
)
from hvmdoc.model.host import BRANDS, Host
from hvmdoc.model.kernel import KString
from hvmdoc.model.scenarios import load_scenario

BHYVE = KString(0xFFFFFFFFF82CADED, "bhyve")
KVM = KString(0xFFFFFFFFF8224185, "SmartOS KVM")
IMPOSTOR = KString(0xFFFFFFFFF82CAE00, "bhyve")


class HostMachine(RuleBasedStateMachine):
    host: Host

    @initialize(
        scenario=st.sampled_from(["emy-17", "mixed", "race-lab", "amd-host"]),
        platform=st.sampled_from(["pre-fix", "post-fix", "hma-v2", "20200604T000000Z"]),
        cpu=st.sampled_from(["intel", "amd"]),
    )
    def setup(self, scenario: str, platform: str, cpu: str) -> None:
        self.host = load_scenario(scenario, platform=platform, cpu=cpu)
        self.panics = 0

    @rule(brand=st.sampled_from(BRANDS), autoboot=st.booleans(), ram=st.integers(64, 4096))
    def create(self, brand: str, autoboot: bool, ram: int) -> None:
        before = len(self.host.vms)
        try:
            vm = self.host.create({"brand": brand, "ram": ram, "autoboot": autoboot})
        except BhyveNotSupported:
            # OS-6942: from release-20180510 vmadm create checks sysinfo first
            assert brand == "bhyve"
            assert self.host.platform.create_checks_bhyve_capable
            assert not self.host.sysinfo()["Bhyve Capable"]
            assert len(self.host.vms) == before
            return
        assert len(self.host.vms) == before + 1
        assert vm.autoboot == autoboot or vm.state == "stopped"

    @precondition(lambda self: bool(self.host.vms))
    @rule(data=st.data())
    def start(self, data: st.DataObject) -> None:
        vm = data.draw(st.sampled_from(self.host.vms))
        if vm.state == "running":
            try:
                self.host.start(vm.uuid)
            except AlreadyRunning:
                return
            raise AssertionError("starting a running VM must fail")
        self.host.start(vm.uuid)
        assert vm.autoboot
        assert vm.state == "running" or (vm.brand == "bhyve" and vm.boot_error)

    @precondition(lambda self: bool(self.host.vms))
    @rule(data=st.data())
    def stop(self, data: st.DataObject) -> None:
        vm = data.draw(st.sampled_from(self.host.vms))
        force = data.draw(st.booleans())
        was, autoboot = vm.state, vm.autoboot
        try:
            self.host.stop(vm.uuid, force=force)
        except StopUnsupported:
            # OS-6745: before release-20180329 only -F stops a bhyve VM
            assert vm.brand == "bhyve" and not force and not self.host.platform.bhyve_stop
            assert vm.state == was and vm.autoboot == autoboot, "refused before any change"
            return
        except NotRunning:
            assert was != "running"
            return
        assert was == "running" and vm.state == "stopped" and not vm.autoboot

    @precondition(lambda self: bool(self.host.vms))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        vm = data.draw(st.sampled_from(self.host.vms))
        self.host.delete(vm.uuid)
        assert vm not in self.host.vms

    @rule(seed=st.integers(0, 2**16))
    def reboot(self, seed: int) -> None:
        report = self.host.reboot(rng=random.Random(seed))
        assert sorted(report.order) == sorted(vm.uuid for vm in self.host.vms if vm.autoboot)

    @precondition(lambda self: self.host.excl is not None)
    @rule(consumer=st.sampled_from([BHYVE, KVM, IMPOSTOR]))
    def release_by_non_holder_panics(self, consumer: KString) -> None:
        excl = self.host.excl
        assert excl is not None
        holder = excl.holder
        if holder is not None and holder.address == consumer.address:
            return
        try:
            with self.host.kernel.thread("sys_syscall", cpu=0):
                excl.hvm_excl_rele(consumer)
        except KernelPanic as panic:
            assert panic.panic_string.startswith("assertion failed: consumer == hvm_excl_holder")
            self.panics += 1
        else:
            raise AssertionError("a release by a non-holder must panic")
        assert excl.holder is holder

    # -- invariants ------------------------------------------------------------
    @invariant()
    def counts_match_running_vms(self) -> None:
        h = self.host
        assert h.vmm.inst_count >= 0 and h.kvm.usage_count >= 0
        accelerated = [vm for vm in h.vms if vm.state == "running" and vm.accelerated]
        bhyve = sum(vm.brand == "bhyve" for vm in accelerated)
        assert sorted(h.vmm.instances) == sorted(
            vm.uuid for vm in accelerated if vm.brand == "bhyve"
        )
        # vmmdev_inst_count before the fix, vmmdev_hma_ref from illumos 12750
        assert h.vmm.inst_count == (bhyve if not h.fixed else 0)
        assert h.vmm.hma_ref == (bhyve if h.platform.bhyve_hma_per_vm else 0)
        assert h.kvm.usage_count == sum(vm.brand == "kvm" for vm in accelerated)

    @invariant()
    def hardware_virtualization_rules(self) -> None:
        h = self.host
        users = h.hardware_users()
        holder = h.holder
        running_hvm = [vm for vm in h.vms if vm.state == "running" and vm.hvm]
        if not h.fixed:
            assert h.excl is not None and h.kernel.lookup_symbol("hvm_excl_holder")
            assert len(users) <= 1, users
            expected = {None: set(), "bhyve": {"bhyve"}, "SmartOS KVM": {"kvm"}}
            assert users == expected[holder.text if holder else None]
            if h.cpu_vendor == "amd":
                assert not users
            else:
                assert not h.kvm.init_failed and not h.vmm.load_failure
        else:
            # befffd5 deleted pc_hvm.c: no lock, no symbol
            assert holder is None and h.excl is None
            assert h.kernel.lookup_symbol("hvm_excl_holder") is None
            assert h.hma is not None
            names = {"bhyve": "bhyve", "kvm": "SmartOS KVM"}
            registered = sorted(r.name.text for r in h.hma.registrations)
            if h.platform.bhyve_hma_per_vm:
                # illumos 12750: bhyve registered while it has VMs, KVM while open
                expected = sorted(names[b] for b in users)
            else:
                # OS-7080: bhyve registered since vmm attached at boot
                assert h.vmm.attached == (h.cpu_vendor == "intel" or h.platform.hma_version >= 2)
                expected = sorted(
                    [names["bhyve"]] * h.vmm.attached + [names["kvm"]] * ("kvm" in users)
                )
            assert registered == expected
            if h.cpu_vendor == "intel":
                assert all(vm.accelerated for vm in running_hvm)
                vpids = [v for vm in running_hvm for v in vm.vpids]
                assert len(vpids) == len(set(vpids)) and h.hma.vpids_in_use == frozenset(vpids)
            elif h.platform.hma_version == 1:
                assert not users and not h.vmm.attached
            else:
                assert "kvm" not in users  # KVM is VMX-only (kvm-vmx-only)
        for vm in h.vms:
            if vm.state != "running":
                assert vm.accelerated is None or vm.brand not in ("bhyve", "kvm")
            if vm.hvm and vm.state == "running":
                assert vm.accelerated is not None

    @invariant()
    def zones_match_running_vms(self) -> None:
        h = self.host
        zone_ids = [z.zone_id for z in h.kernel.zones()]
        running = [vm.zone_id for vm in h.vms if vm.state == "running"]
        assert None not in running
        assert sorted(zone_ids) == sorted([0, *(z for z in running if z is not None)])
        assert all(vm.zone_id is None for vm in h.vms if vm.state != "running")


HostMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestHostStateMachine = HostMachine.TestCase
