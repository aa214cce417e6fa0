"""Each claim of the seed post, as its own test (issue 2, "What the tests must show")."""

from __future__ import annotations

import random

from support import shared_file

from hvmdoc.model.events import Frame, ProbeEvent
from hvmdoc.model.hma import Hma
from hvmdoc.model.host import Host
from hvmdoc.model.kernel import Kernel, KString
from hvmdoc.model.kvm import KvmDriver
from hvmdoc.model.pc_hvm import HvmExclusion
from hvmdoc.model.race import race
from hvmdoc.model.scenarios import load_scenario
from hvmdoc.model.vmm import VmmDriver
from model.seed_transcripts import HOLD, RELE

TEST = "79062669-e229-e55d-960d-9b18d0fed8d0"
KVM = "57409636-927a-cc7a-d744-e0f92b73f4e4"


def lock_events(host: Host) -> list[ProbeEvent]:
    """Subscribe to the host's kernel; return the live list of hvm_excl_* entry events."""
    seen: list[ProbeEvent] = []

    def keep(event: ProbeEvent) -> None:
        if event.probe.function.startswith("hvm_excl_") and event.probe.name == "entry":
            seen.append(event)

    host.kernel.events.subscribe(keep)
    return seen


def as_seed_text(event: ProbeEvent) -> str:
    """An event printed as the seed shows it (bare vmm frames annotated as the author did)."""

    def frame(f: Frame) -> str:
        if f.resolved:
            return f.symbolic
        return f"{f.address:#x} ({f.function}+{f.offset:#x})"

    head = (
        f"{event.cpu:3d} {event.probe.id:6d} {event.probe.function + ':' + event.probe.name:>32} "
    )
    return head + "\n" + "".join(f"              {frame(f)}\n" for f in event.stack)


def holder_text(host: Host) -> tuple[int, str] | None:
    value = host.kernel.read_variable("hvm_excl_holder")
    if value is None:
        return None
    assert isinstance(value, KString)
    return value.address, value.text


def test_a_lock_not_taken_at_module_load() -> None:
    kernel = Kernel(fixed=False)
    excl = HvmExclusion(kernel)
    fired: list[ProbeEvent] = []
    kernel.events.subscribe(fired.append)
    vmm = VmmDriver(kernel, excl, None, cpu_vendor="intel")
    kvm = KvmDriver(kernel, excl, None, cpu_vendor="intel")
    with kernel.thread("devi_attach", cpu=0):
        vmm.vmm_attach()
        kvm.kvm_attach()
    entered = [e.probe.function for e in fired if e.probe.name == "entry"]
    assert entered == ["vmm_attach", "kvm_attach"], "both drivers attached, observably"
    assert excl.holder is None
    host = load_scenario("emy-17")
    assert holder_text(host) is None
    assert host.vmm.inst_count == 0 and host.kvm.usage_count == 0


def test_b_lock_taken_when_first_vm_starts() -> None:
    host = load_scenario("emy-17")
    events = lock_events(host)
    host.start(TEST)
    assert holder_text(host) == (0xFFFFFFFFF82CADED, "bhyve")
    second = host.create({"alias": "test2", "brand": "bhyve", "ram": 512, "autoboot": True})
    assert second.state == "running" and second.accelerated
    holds = [e for e in events if e.probe.function == "hvm_excl_hold"]
    assert len(holds) == 1, "only the first VM takes the lock"
    assert host.vmm.inst_count == 2


def test_c_lock_released_when_last_vm_stops() -> None:
    host = load_scenario("emy-17")
    other = host.create({"alias": "test2", "brand": "bhyve", "ram": 512, "autoboot": False})
    events = lock_events(host)
    host.start(TEST)
    host.start(other.uuid)
    host.stop(TEST, force=True)
    assert holder_text(host) == (0xFFFFFFFFF82CADED, "bhyve"), "one bhyve VM still runs"
    assert not [e for e in events if e.probe.function == "hvm_excl_rele"]
    host.stop(other.uuid, force=True)
    assert holder_text(host) is None
    assert len([e for e in events if e.probe.function == "hvm_excl_rele"]) == 1


def test_d_holder_empty_when_no_vm_runs() -> None:
    host = load_scenario("emy-17")
    assert not host.running()
    assert holder_text(host) is None
    host.start(KVM)
    host.stop(KVM)
    host.start(TEST)
    host.stop(TEST, force=True)
    assert not host.running()
    assert holder_text(host) is None


def test_e_smartos_kvm_holds_after_kvm_start() -> None:
    host = load_scenario("emy-17")
    host.start(KVM)
    assert holder_text(host) == (0xFFFFFFFFF8224185, "SmartOS KVM")
    assert host.find_vm(KVM).accelerated is True


def test_f_hold_path_is_the_seeds_stack() -> None:
    host = load_scenario("emy-17")
    events = lock_events(host)
    host.start(TEST)
    (hold,) = events
    assert as_seed_text(hold) == HOLD
    assert [f.resolved for f in hold.stack] == [False] * 3 + [True] * 5


def test_g_release_path_is_the_seeds_stack() -> None:
    host = load_scenario("emy-17")
    host.start(TEST)
    events = lock_events(host)
    host.stop(TEST, force=True)
    (rele,) = events
    assert as_seed_text(rele) == RELE
    assert rele.execname == "zoneadmd" and rele.zone_name == "global"


def test_seed_stacks_match_the_seed_file() -> None:
    text = shared_file("seeds/000_3cd7c55f9db8d4a4.txt").read_text()
    assert HOLD in text
    assert RELE in text


def test_h_bhyve_first_then_kvm_both_running_kvm_unaccelerated() -> None:
    host = load_scenario("emy-17")
    host.start(TEST)
    host.start(KVM)
    assert {vm.alias: vm.state for vm in host.vms} == {"test": "running", "kvm-debian8": "running"}
    assert holder_text(host) == (0xFFFFFFFFF82CADED, "bhyve")
    assert host.find_vm(KVM).accelerated is False
    assert host.find_vm(TEST).accelerated is True
    log = host.read_file(f"/zones/{KVM}/root/tmp/vm.log").splitlines()
    assert log[-2:] == [
        "open /dev/kvm: No such device or address",
        "Could not initialize KVM, will disable KVM support",
    ]


def test_i_kvm_first_then_bhyve_fails_to_boot() -> None:
    host = load_scenario("emy-17")
    host.start(KVM)
    vm = host.start(TEST)
    assert vm.state == "stopped"
    assert vm.boot_error == "vm_create: No such device or address"
    assert holder_text(host) == (0xFFFFFFFFF8224185, "SmartOS KVM")
    assert host.find_vm(KVM).accelerated is True


def test_j_both_autoboot_race_at_reboot_with_both_outcomes() -> None:
    host = load_scenario("emy-17")
    host.start(TEST)
    host.start(KVM)
    assert all(vm.autoboot for vm in host.vms), "vmadm start enables autoboot"
    holders = set()
    for seed in range(40):
        report = host.reboot(rng=random.Random(seed))
        holders.add(report.holder)
        assert report.failed + report.unaccelerated == 1
    assert holders == {"bhyve", "SmartOS KVM"}
    outcomes = race(1, 1, platform="pre-fix", cpu="intel").outcomes
    assert sorted((o.holder, o.fraction_text) for o in outcomes) == [
        ("SmartOS KVM", "1/2"),
        ("bhyve", "1/2"),
    ]


def test_k_after_os_7080_both_accelerated_on_intel_and_amd_refused() -> None:
    host = load_scenario("emy-17", platform="post-fix")
    host.start(TEST)
    host.start(KVM)
    assert [vm.accelerated for vm in host.vms] == [True, True]
    assert host.kernel.lookup_symbol("hvm_excl_holder") is None, "befffd5 deleted pc_hvm.c"
    assert host.holder is None
    assert host.hma is not None
    # bhyve registered when vmm attached at boot, KVM at the first open of /dev/kvm
    assert [r.name.text for r in host.hma.registrations] == ["bhyve", "SmartOS KVM"]
    amd = Hma(Kernel(fixed=True), cpu_vendor="amd", version=1)
    with amd.kernel.thread("sys_syscall", cpu=0):
        assert amd.hma_register(KString(0xFFFFFFFFF82CADED, "bhyve")) is None
    amd_host = load_scenario("emy-17", platform="post-fix", cpu="amd")
    assert amd_host.start(TEST).state == "stopped"
    assert amd_host.start(KVM).accelerated is False
