"""vmadm semantics, bad input, files, processes and reboot on the Host model."""

from __future__ import annotations

import random

import pytest

from hvmdoc.errors import HvmdocError
from hvmdoc.model.errors import (
    AlreadyRunning,
    BhyveNotSupported,
    InvalidPayload,
    InvalidUUID,
    NotRunning,
    StopUnsupported,
    UnknownBrand,
    UnknownCPU,
    UnknownPlatform,
    UnknownScenario,
    UnknownVM,
    VMStateError,
)
from hvmdoc.model.host import Host, success_message
from hvmdoc.model.scenarios import SCENARIOS, load_scenario, scenario_names, vm_helper

TEST = "79062669-e229-e55d-960d-9b18d0fed8d0"
KVM = "57409636-927a-cc7a-d744-e0f92b73f4e4"
MISSING = "00000000-1111-4222-8333-444444444444"


def test_emy17_is_the_seed_host() -> None:
    host = load_scenario("emy-17")
    assert host.hostname == "emy-17" and host.prompt == "[root@emy-17 /root]# "
    assert [(v.uuid, v.alias, v.brand, v.ram, v.type, v.state) for v in host.vms] == [
        (TEST, "test", "bhyve", 2048, "BHYV", "stopped"),
        (KVM, "kvm-debian8", "kvm", 1024, "KVM", "stopped"),
    ]
    assert host.uname_v == "joyent_20180315T000000Z" and not host.fixed
    assert vm_helper(host)("kvm-debian8") == KVM and vm_helper(host)("nope") is None


def test_success_messages_are_vmadms() -> None:
    assert success_message("start", TEST) == f"Successfully started VM {TEST}"
    assert success_message("stop", TEST) == f"Successfully completed stop for VM {TEST}"


def test_start_running_vm_is_vmadms_noop_error() -> None:
    host = load_scenario("emy-17")
    host.start(TEST)
    with pytest.raises(AlreadyRunning) as info:
        host.start(TEST)
    assert info.value.message == f"VM {TEST} is already 'running'"
    assert info.value.code == "EALREADYRUNNING" and info.value.vmadm_exit_status == 0


def test_stop_stopped_vm_is_vmadms_noop_error() -> None:
    host = load_scenario("emy-17")
    with pytest.raises(NotRunning) as info:
        host.stop(KVM)
    assert info.value.message == f"VM {KVM} is already not 'running' (currently: stopped)"
    assert info.value.vmadm_exit_status == 0


def test_unknown_vm_per_command() -> None:
    host = load_scenario("emy-17")
    with pytest.raises(UnknownVM) as start:
        host.start(MISSING)
    assert start.value.message == f"Unable to start VM {MISSING}: VM {MISSING} not found in zoneadm"
    with pytest.raises(UnknownVM) as stop:
        host.stop(MISSING)
    assert stop.value.message == f"VM {MISSING} not found in zoneadm"
    with pytest.raises(UnknownVM) as delete:
        host.delete(MISSING)
    assert delete.value.message.startswith(f"Failed to delete VM {MISSING}: ")


def test_not_a_uuid_is_vmadms_usage_error() -> None:
    host = load_scenario("emy-17")
    with pytest.raises(InvalidUUID) as info:
        host.start("not-a-vm")
    assert info.value.message == "Invalid or missing UUID for start"
    assert info.value.vmadm_exit_status == 2


@pytest.mark.parametrize("brand", ["xen", "BHYVE", "", 7, None])
def test_unknown_brand(brand: object) -> None:
    host = load_scenario("emy-17")
    with pytest.raises(UnknownBrand) as info:
        host.create({"brand": brand, "ram": 256})
    assert info.value.message.startswith("Invalid brand while validating payload: ")
    if isinstance(brand, str):
        assert info.value.message.endswith(f'"{brand}"')
    assert len(host.vms) == 2


@pytest.mark.parametrize(
    "payload",
    [
        {"brand": "kvm", "ram": -1},
        {"brand": "kvm", "ram": "lots"},
        {"brand": "kvm", "ram": True},
        {"brand": "kvm", "uuid": "nope"},
        {"brand": "kvm", "uuid": TEST},
        {"brand": "kvm", "alias": 3},
        {"brand": "kvm", "autoboot": "yes"},
        {"brand": "kvm", "vcpus": 0},
    ],
)
def test_bad_payloads(payload: dict[str, object]) -> None:
    host = load_scenario("emy-17")
    with pytest.raises(InvalidPayload):
        host.create(payload)
    assert len(host.vms) == 2


def test_bad_scenario_platform_cpu() -> None:
    with pytest.raises(UnknownScenario):
        load_scenario("emy-18")
    with pytest.raises(UnknownPlatform):
        load_scenario("emy-17", platform="tomorrow")
    with pytest.raises(UnknownCPU):
        load_scenario("emy-17", cpu="arm")


def test_model_errors_are_cli_errors() -> None:
    for cls in (UnknownVM, UnknownBrand, UnknownScenario, AlreadyRunning):
        assert issubclass(cls, HvmdocError)


def test_create_delete_and_autoboot() -> None:
    host = load_scenario("emy-17")
    vm = host.create({"alias": "new", "brand": "joyent", "ram": 128})
    assert vm.state == "running" and vm.autoboot and vm.accelerated is None
    again = load_scenario("emy-17").create({"alias": "new", "brand": "joyent", "ram": 128})
    assert again.uuid == vm.uuid, "generated uuids are deterministic per seed"
    host.stop(vm.uuid)
    assert not vm.autoboot, "vmadm stop clears autoboot"
    host.start(vm.uuid)
    assert vm.autoboot, "vmadm start sets autoboot"
    host.delete(vm.uuid)
    with pytest.raises(UnknownVM):
        host.find_vm(vm.uuid)


def test_delete_running_kvm_releases_the_lock_and_its_log() -> None:
    host = load_scenario("emy-17")
    host.start(KVM)
    assert f"/zones/{KVM}/root/tmp/vm.log" in host.files()
    host.delete(KVM)
    assert host.holder is None
    assert not [path for path in host.files() if path.startswith("/zones/")]
    with pytest.raises(FileNotFoundError):
        host.read_file(f"/zones/{KVM}/root/tmp/vm.log")


def test_accelerated_kvm_log_has_no_fallback_lines() -> None:
    host = load_scenario("emy-17")
    host.start(KVM)
    log = host.read_file(f"/zones/{KVM}/root/tmp/vm.log")
    assert "=== OUTPUT (" in log and "open /dev/kvm" not in log


def test_processes_follow_running_vms() -> None:
    host = load_scenario("emy-17")
    assert not [p for p in host.processes() if "zoneadmd" in p.cmd]
    host.start(TEST)
    host.start(KVM)
    cmds = [p.cmd for p in host.processes()]
    assert any(c.startswith("/smartdc/bin/qemu-system-x86_64") and KVM in c for c in cmds)
    assert any(c.startswith("bhyve") and TEST in c for c in cmds)
    assert sum(c.startswith("zoneadmd -z") for c in cmds) == 2
    pids = [p.pid for p in host.processes()]
    assert len(pids) == len(set(pids))
    host.stop(KVM)
    assert not any("qemu" in p.cmd for p in host.processes())


def test_reboot_explicit_order_and_seeded_determinism() -> None:
    host = load_scenario("emy-17")
    for vm in host.vms:
        vm.autoboot = True
    report = host.reboot(order=["kvm-debian8", "test"])
    assert report.holder == "SmartOS KVM" and report.failed == 1 and report.unaccelerated == 0
    report = host.reboot(order=[TEST, KVM])
    assert report.holder == "bhyve" and report.unaccelerated == 1
    a = [load_scenario("race-lab", seed=5).reboot().order for _ in range(2)]
    assert a[0] == a[1]
    different = {load_scenario("race-lab", seed=s).reboot().holder for s in range(30)}
    assert different == {"bhyve", "SmartOS KVM"}


def test_reboot_gives_a_fresh_kernel_and_only_autoboot_vms_start() -> None:
    host = load_scenario("emy-17")
    host.start(TEST)
    old_kernel = host.kernel
    host.find_vm(TEST).autoboot = False
    report = host.reboot(rng=random.Random(1))
    assert host.kernel is not old_kernel
    assert report.order == () and host.running() == [] and host.holder is None


def test_reboot_order_must_name_each_autoboot_vm() -> None:
    host = load_scenario("race-lab")
    with pytest.raises(VMStateError):
        host.reboot(order=["bhyve-0"])


def test_every_scenario_builds_on_every_platform_and_cpu() -> None:
    assert scenario_names() == sorted(SCENARIOS)
    for name in SCENARIOS:
        for platform in ("pre-fix", "post-fix", "hma-v2"):
            for cpu in ("intel", "amd"):
                host = load_scenario(name, platform=platform, cpu=cpu)
                assert host.vms and host.platform.label == platform


def test_mixed_scenario_runs_a_joyent_zone() -> None:
    host = load_scenario("mixed")
    assert [vm.alias for vm in host.running()] == ["web"]
    assert host.holder is None


def test_qemu_exec_rotates_vm_logs_and_logs_survive_reboot() -> None:
    host = load_scenario("emy-17")
    log = f"/zones/{KVM}/root/tmp/vm.log"
    host.start(TEST)
    host.start(KVM)
    first = host.read_file(log)
    host.stop(KVM)
    host.stop(TEST, force=True)
    host.start(KVM)
    assert host.read_file(log + ".0") == first
    assert "open /dev/kvm" not in host.read_file(log)
    for _ in range(12):
        host.stop(KVM)
        host.start(KVM)
    rotated = [p for p in host.files() if p.startswith(log + ".")]
    assert sorted(rotated) == sorted(f"{log}.{i}" for i in range(10)), "qemu-exec keeps .0-.9"
    host.reboot(order=[KVM])
    assert host.read_file(log + ".0")


def test_payload_files_create_vms() -> None:
    import json

    host = load_scenario("emy-17")
    for path in ("/opt/payloads/bhyve.json", "/opt/payloads/kvm.json", "/opt/payloads/joyent.json"):
        vm = host.create(json.loads(host.read_file(path)))
        assert vm.state == "running"


def test_concurrent_vmadm_from_two_terminals_leaves_one_holder() -> None:
    import threading

    for _ in range(20):
        host = load_scenario("race-lab")
        assert host.scenario == "race-lab"
        barrier = threading.Barrier(len(host.vms))
        errors: list[BaseException] = []

        def boot(
            uuid: str,
            host: Host = host,
            barrier: threading.Barrier = barrier,
            errors: list[BaseException] = errors,
        ) -> None:
            barrier.wait()
            try:
                host.start(uuid)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=boot, args=(vm.uuid,)) for vm in host.vms]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        users = host.hardware_users()
        assert len(users) == 1 and host.holder is not None
        winner = {"bhyve": "bhyve", "kvm": "SmartOS KVM"}[users.pop()]
        assert host.holder.text == winner


def test_bhyve_stop_needs_force_before_os_6745() -> None:
    host = load_scenario("emy-17")
    host.start(TEST)
    with pytest.raises(StopUnsupported) as refused:
        host.stop(TEST)
    assert refused.value.message == "stop is not yet supported for bhyve without force"
    assert refused.value.vmadm_exit_status == 1
    vm = host.find_vm(TEST)
    assert vm.state == "running" and vm.autoboot and host.holder is not None
    host.stop(TEST, force=True)
    assert vm.state == "stopped" and not vm.autoboot and host.holder is None
    graceful = load_scenario("emy-17", platform="20180329T000000Z")
    graceful.start(TEST)
    assert graceful.stop(TEST).state == "stopped"


def test_stop_force_of_a_stopped_vm_keeps_autoboot() -> None:
    # VM.js halt(): 'zone is already halted' -> ENOTRUNNING before any zonecfg
    host = load_scenario("emy-17")
    vm = host.find_vm(KVM)
    vm.autoboot = True
    with pytest.raises(NotRunning):
        host.stop(KVM, force=True)
    assert vm.autoboot
    with pytest.raises(NotRunning):
        host.stop(KVM)
    assert not vm.autoboot, "VM.stop clears autoboot before its state check"


@pytest.mark.parametrize("platform", ["pre-fix", "post-fix", "20190101T000000Z"])
def test_qemu_log_is_stamped_on_the_platforms_clock(platform: str) -> None:
    host = load_scenario("emy-17", platform=platform)
    host.start(KVM)
    log = host.read_file(f"/zones/{KVM}/root/tmp/vm.log")
    started = host.platform.clock_start
    output = next(line for line in log.splitlines() if line.startswith("=== OUTPUT ("))
    assert output[len("=== OUTPUT (") : len("=== OUTPUT (") + 10] == started.strftime("%Y-%m-%d")
    assert host.now() > started


def test_refused_holds_reach_var_adm_messages_from_os_6799() -> None:
    host = load_scenario("emy-17", platform="20180412T000000Z")
    assert host.read_file("/var/adm/messages") == ""
    host.start("test")
    host.start("kvm-debian8")
    (line,) = host.read_file("/var/adm/messages").splitlines()
    assert line == (
        "2018-04-17T14:00:28.271828+00:00 emy-17 unix: [ID 141716 kern.warning] "
        "WARNING: zone '57409636-927a-cc7a-d744-e0f92b73f4e4' cannot take HVM "
        "exclusion lock as 'SmartOS KVM': held by 'bhyve'"
    ), "rsyslog's file format, the trailing newline dropped"
    host.stop("kvm-debian8")
    host.stop("test")
    host.start("kvm-debian8")
    host.start("test")
    host.reboot(order=["test", "kvm-debian8"])
    lines = host.read_file("/var/adm/messages").splitlines()
    assert len(lines) == 3, "one per refusal, and the file survives the reboot"
    assert "as 'bhyve': held by 'SmartOS KVM'" in lines[1]
    assert "zone '79062669-e229-e55d-960d-9b18d0fed8d0'" in lines[1]
    assert "as 'SmartOS KVM': held by 'bhyve'" in lines[2]


@pytest.mark.parametrize("platform", ["pre-fix", "20180329T000000Z", "post-fix"])
def test_no_hvm_warning_before_os_6799_or_after_the_fix(platform: str) -> None:
    host = load_scenario("emy-17", platform=platform)
    host.start("test")
    host.start("kvm-debian8")
    assert host.read_file("/var/adm/messages") == ""


@pytest.mark.parametrize(
    ("platform", "cpu", "capable"),
    [
        ("pre-fix", "intel", True),
        ("pre-fix", "amd", False),  # vmm_is_supported(): !vmm_is_intel() -> ENXIO
        ("post-fix", "intel", True),
        ("post-fix", "amd", False),  # vmm_attach failed: no /dev/vmmctl
        ("hma-v2", "intel", True),
        ("hma-v2", "amd", True),  # OS-7170: AMD returns 0
        ("20200604T000000Z", "amd", True),
    ],
)
def test_sysinfo_bhyve_capable_follows_bhhwcompat(platform: str, cpu: str, capable: bool) -> None:
    host = load_scenario("emy-17", platform=platform, cpu=cpu)
    assert host.sysinfo() == {"Bhyve Capable": capable}
    assert host.bhhwcompat() == (0 if capable else 1)
    assert host.vmm.attached == (platform != "post-fix" or cpu == "intel")


@pytest.mark.parametrize(
    ("platform", "refused"),
    [
        ("pre-fix", False),  # 20180315: VM.js has no check before OS-6942
        ("20180426T000000Z", False),
        ("20180510T000000Z", True),  # release-20180510 carries ee76b399
        ("post-fix", True),
        ("hma-v2", False),  # Bhyve Capable is true on AMD from OS-7170
    ],
)
def test_vmadm_create_refuses_bhyve_on_amd_from_os_6942(platform: str, refused: bool) -> None:
    host = load_scenario("emy-17", platform=platform, cpu="amd")
    before = [vm.uuid for vm in host.vms]
    payload = {"alias": "new", "brand": "bhyve", "ram": 512, "autoboot": False}
    if refused:
        with pytest.raises(BhyveNotSupported) as info:
            host.create(payload)
        assert info.value.message == "Bhyve not supported"
        assert info.value.vmadm_exit_status == 1 and info.value.code == ""
        assert [vm.uuid for vm in host.vms] == before
    else:
        assert host.create(payload).state == "stopped"
    # KVM and zones are never checked; Intel hosts are always capable.
    assert host.create({"brand": "kvm", "ram": 512, "autoboot": False}).brand == "kvm"
    intel = load_scenario("emy-17", platform=platform, cpu="intel")
    assert intel.create(payload).brand == "bhyve"


def test_vmadm_create_validates_the_payload_before_the_bhyve_check() -> None:
    host = load_scenario("emy-17", platform="post-fix", cpu="amd")
    with pytest.raises(InvalidPayload):
        host.create({"brand": "bhyve", "ram": -1})


def test_vmadm_start_has_no_bhyve_capable_check() -> None:
    # VM.js exports.start never reads sysinfo: the scenario's bhyve VM "starts",
    # then stops when bhyve cannot create its vmm instance.
    host = load_scenario("emy-17", platform="post-fix", cpu="amd")
    assert not host.sysinfo()["Bhyve Capable"]
    vm = host.start("test")
    assert vm.state == "stopped" and vm.boot_error is not None
