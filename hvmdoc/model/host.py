"""A SmartOS compute node: platform, CPU vendor, kernel, VMs as zones, vmadm semantics.

``Host`` is what the emulated tools drive. ``vmadm`` semantics follow
TritonDataCenter/smartos-live ``src/vm/sbin/vmadm.js`` and
``src/vm/node_modules/VM.js`` (release-20180315 and later):

* ``start``: ``VM.start`` refuses a running VM with ``VM <uuid> is already
  'running'`` (code ``EALREADYRUNNING``; vmadm prints it and exits 0); on success
  vmadm prints ``Successfully started VM <uuid>``. ``startZone`` sets
  ``autoboot=true``.
* ``stop``: ``VM <uuid> is already not 'running' (currently: <state>)`` (code
  ``ENOTRUNNING``, exit 0); success prints ``Successfully completed stop for VM
  <uuid>``; stop sets ``autoboot=false``. Before OS-6745 (platforms before
  ``20180329T000000Z``) ``VM.stop`` without force refuses any bhyve VM, running
  or not, before it touches autoboot: ``stop is not yet supported for bhyve
  without force`` (exit 1). ``stop -F`` is ``VM.js`` ``halt()``: ``zoneadm halt
  -X`` (zone shutdown, then zone destroy), then ``autoboot=false``.
* unknown VM: vmload's ``VM <uuid> not found in zoneadm``, wrapped by vmadm
  (``Unable to start VM <uuid>: ...``, ``Failed to delete VM <uuid>: ...``).
* a bad uuid argument: ``Invalid or missing UUID for <command>`` (``getUUID()``).
* unknown brand: ``Invalid brand while validating payload: "<brand>"``.
* ``create`` of a bhyve VM when sysinfo says ``"Bhyve Capable": false``:
  ``Bhyve not supported`` (exit 1), from OS-6942 (smartos-live ee76b399,
  platforms from ``20180510T000000Z``), after payload validation and before
  anything is created. ``VM.start`` has no such check, so a bhyve VM already on
  such a host still "starts" and then stops (``bhyve-boot-failure-report``).

sysinfo's ``Bhyve Capable`` (smartos-live ``src/sysinfo``
``get_bhyve_capability()``, OS-6687 d9a408bd, on release-20180315) is true
when ``/usr/lib/brand/bhyve/bhhwcompat`` exits 0: illumos-joyent
``usr/src/lib/brand/bhyve/zone/bhhwcompat.c`` (OS-6675 d895d9b060) exits 1
when it cannot open ``/dev/vmmctl`` or the ``VMM_VM_SUPPORTED`` ioctl
(``vmm_is_supported()``) fails. So on AMD it is false before OS-7080
(``vmm_is_supported()`` refuses non-Intel CPUs), false with the first HMA (the
driver never attached: no ``/dev/vmmctl``; and the ioctl would refuse anyway),
and true from HMA version 2 (OS-7170). `Host.sysinfo`.

Each VM is a zone (``zone_create`` at start, ``zone_shutdown``/``zone_destroy`` at
stop). A KVM VM runs QEMU (`qemu`), a bhyve VM the bhyve
process whose ``VMM_CREATE_VM`` ioctl goes through ``vmm_ioctl``
(`vmm`).

Kernel messages (``cmn_err``) land in ``/var/adm/messages``: SmartOS's global
zone runs ``rsyslogd`` (smartos-live ``overlay/generic/lib/svc/method/system-log``)
with ``overlay/generic/etc/rsyslog.conf``'s ``*.err;kern.debug;daemon.notice;mail.crit
/var/adm/messages``. Each line is an RFC 3339 time with microseconds, the host
name, then the log driver's text with its one trailing newline dropped and
other control characters written ``#ooo`` (``#012`` for a newline), as
SmartOS hosts' logs show (``kvm: [ID 177374 kern.warning] WARNING: kvm:
emulating exchange as write#012`` in TritonDataCenter/illumos-kvm issue 13,
``ip: [ID 722105 kern.warning] WARNING: ...`` in illumos-joyent issue 103). The
model's file holds only the messages the model's kernel logs (assumption
``var-adm-messages-content``).
"""

from __future__ import annotations

import random
import re
import threading
import uuid as uuidlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from hvmdoc.model.errno import ENOENT, ENXIO, strerror
from hvmdoc.model.errors import (
    AlreadyRunning,
    BhyveNotSupported,
    InvalidPayload,
    InvalidUUID,
    NotRunning,
    StopUnsupported,
    UnknownBrand,
    UnknownVM,
    VMStateError,
)
from hvmdoc.model.hma import Hma
from hvmdoc.model.kernel import Kernel, KernelMessage, KString
from hvmdoc.model.kvm import KvmDriver
from hvmdoc.model.pc_hvm import HvmExclusion
from hvmdoc.model.platform import Platform, parse_cpu, parse_platform
from hvmdoc.model.qemu import QEMU_BINARY, QemuProcess, vm_log_path
from hvmdoc.model.vmm import VMM_CREATE_VM, VmmDriver

BRANDS = ("bhyve", "kvm", "joyent", "lx")
HVM_BRANDS = ("bhyve", "kvm")
#: vmadm's TYPE column per brand (``proptable.js`` ``features.type``; the seed shows BHYV).
BRAND_TYPES = {"bhyve": "BHYV", "kvm": "KVM", "joyent": "OS", "lx": "LX"}

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

#: Where the system log keeps kernel messages (smartos-live ``rsyslog.conf``).
MESSAGES_PATH = "/var/adm/messages"

#: vmadm's success texts (``vmadm.js``), keyed by command.
SUCCESS = {
    "start": "Successfully started VM {uuid}",
    "stop": "Successfully completed stop for VM {uuid}",
    "create": "Successfully created VM {uuid}",
    "delete": "Successfully deleted VM {uuid}",
    "reboot": "Successfully completed reboot for VM {uuid}",
}

#: Kernel-thread CPUs by path: base CPU per kind, + 8 per VM index, mod ncpus
#: (``attach``, the drivers' attach at kernel boot, has no VM: its base only).
#: emy-17's vm_create/zone_destroy bases reproduce the seed's CPUs 48 and 72 for
#: its first VM; all else is illustrative (assumption ``cpu-choice``).
DEFAULT_CPU_PLAN: dict[str, int] = {
    "attach": 0,
    "zone_create": 12,
    "vm_create": 48,
    "kvm_open": 30,
    "zone_shutdown": 60,
    "kvm_close": 84,
    "zone_destroy": 72,
}


def is_uuid(text: str) -> bool:
    """Whether ``text`` is a lower-case 8-4-4-4-12 uuid."""
    return bool(_UUID.match(text))


def success_message(command: str, uuid: str) -> str:
    """What vmadm prints when ``command`` succeeds for ``uuid``."""
    return SUCCESS[command].format(uuid=uuid)


@dataclass
class VM:
    """A VM (zone) as ``vmadm get`` sees it, plus the model's HVM facts.

    ``accelerated`` is True/False for a running bhyve/KVM VM (whether it got the
    CPU's virtualization hardware), None otherwise. ``boot_error`` keeps why the
    last boot failed (bhyve: ``vm_create: No such device or address``).
    """

    uuid: str
    alias: str
    brand: str
    ram: int
    state: str = "stopped"
    autoboot: bool = False
    zone_id: int | None = None
    accelerated: bool | None = None
    vcpus: int = 1
    boot_error: str | None = None
    create_timestamp: str = ""
    pid: int | None = None
    vpids: tuple[int, ...] = ()

    @property
    def type(self) -> str:
        """vmadm's TYPE: BHYV, KVM, OS or LX."""
        return BRAND_TYPES[self.brand]

    @property
    def zonename(self) -> str:
        """SmartOS names a VM's zone after its uuid."""
        return self.uuid

    @property
    def zonepath(self) -> str:
        """``/zones/<uuid>``."""
        return f"/zones/{self.uuid}"

    @property
    def hvm(self) -> bool:
        """Whether the brand is a hardware-virtualized VM (bhyve or kvm)."""
        return self.brand in HVM_BRANDS

    def as_dict(self) -> dict[str, Any]:
        """The properties ``vmadm get`` prints (the subset the model knows)."""
        data: dict[str, Any] = {
            "alias": self.alias,
            "autoboot": self.autoboot,
            "brand": self.brand,
            "create_timestamp": self.create_timestamp,
            "max_physical_memory": self.ram,
            "ram": self.ram,
            "state": self.state,
            "type": self.type,
            "uuid": self.uuid,
            "vcpus": self.vcpus,
            "zone_state": "running" if self.state == "running" else "installed",
            "zonename": self.zonename,
            "zonepath": self.zonepath,
        }
        if self.zone_id is not None:
            data["zoneid"] = self.zone_id
        return data


@dataclass(frozen=True)
class Process:
    """A ``ps -ef`` line's fields (``stime`` as ``HH:MM:SS``)."""

    uid: str
    pid: int
    ppid: int
    stime: str
    tty: str
    time: str
    cmd: str
    zone: str = "global"
    c: int = 0


@dataclass(frozen=True)
class BootResult:
    """How one autoboot VM came up at host boot."""

    uuid: str
    alias: str
    brand: str
    state: str
    accelerated: bool | None
    failed: bool


@dataclass(frozen=True)
class RebootReport:
    """What a host reboot did: the start order and each VM's result."""

    order: tuple[str, ...]
    results: tuple[BootResult, ...]
    holder: str | None
    seed: int | None = None

    @property
    def unaccelerated(self) -> int:
        """How many HVM VMs run without hardware virtualization."""
        return sum(1 for r in self.results if r.state == "running" and r.accelerated is False)

    @property
    def failed(self) -> int:
        """How many VMs failed to boot."""
        return sum(1 for r in self.results if r.failed)


@dataclass
class _Runtime:
    """What runs for a VM: its QEMU or bhyve process state."""

    qemu: QemuProcess | None = None
    bhyve_name: str | None = None
    pids: list[int] = field(default_factory=list)


class Host:
    """A SmartOS host: build with `load_scenario`.

    ``platform`` and ``cpu_vendor`` choose the kernel; ``vms`` keeps creation
    order. All public operations are serialized by one lock (vmadm runs one
    operation at a time per VM; the kernel's own locks are modelled inside).
    After `reboot`, ``kernel`` is a new `Kernel` (a new event bus:
    tracers must subscribe again).
    """

    def __init__(
        self,
        hostname: str,
        *,
        platform: Platform | str | None = None,
        cpu_vendor: str | None = None,
        ncpus: int = 96,
        seed: int | None = None,
        cpu_plan: dict[str, int] | None = None,
        boot_time: datetime | None = None,
        prompt_dir: str = "/root",
    ) -> None:
        self.hostname = hostname
        self.platform = platform if isinstance(platform, Platform) else parse_platform(platform)
        self.cpu_vendor = parse_cpu(cpu_vendor)
        self.ncpus = ncpus
        self.seed = seed
        self.rng = random.Random(seed)
        self.cpu_plan = dict(DEFAULT_CPU_PLAN if cpu_plan is None else cpu_plan)
        self.prompt_dir = prompt_dir
        #: The scenario this host was built from (set by ``load_scenario``).
        self.scenario: str | None = None
        self.vms: list[VM] = []
        self._lock = threading.RLock()
        self._runtime: dict[str, _Runtime] = {}
        self._files: dict[str, str] = {MESSAGES_PATH: ""}
        self._messages_logged = 0
        self._clock = boot_time or self.platform.clock_start
        self.boot_time = self._clock
        self._next_pid = 1000
        self.boots = 0
        self._boot_kernel()

    # -- kernel -----------------------------------------------------------------
    def _boot_kernel(self) -> None:
        fixed = self.platform.fixed
        self.kernel = Kernel(
            fixed=fixed,
            ncpus=self.ncpus,
            hma_version=self.platform.hma_version,
            stamp=self.platform.stamp,
        )
        self.kernel.message_sinks.append(self._syslog)
        # pc_hvm.c before OS-7080, HMA from it on (befffd5 deleted pc_hvm.c).
        self.excl: HvmExclusion | None = None if fixed else HvmExclusion(self.kernel)
        self.hma: Hma | None = (
            Hma(self.kernel, cpu_vendor=self.cpu_vendor, version=self.platform.hma_version)
            if fixed
            else None
        )
        self.vmm = VmmDriver(
            self.kernel,
            self.excl,
            self.hma,
            cpu_vendor=self.cpu_vendor,
            per_vm=self.platform.bhyve_hma_per_vm,
        )
        self.kvm = KvmDriver(self.kernel, self.excl, self.hma, cpu_vendor=self.cpu_vendor)
        # The drivers attach as the kernel comes up (for vmm: SmartOS's boot runs
        # sysinfo, whose bhhwcompat opens /dev/vmmctl); the stack below
        # devi_attach is not modelled, nor is a later detach (assumption
        # ``driver-attach-path``). From OS-7080 to illumos 12750 vmm_attach
        # registers bhyve with HMA here, for as long as the driver stays.
        with self.kernel.thread("devi_attach", cpu=self.cpu_plan.get("attach", 0) % self.ncpus):
            self.vmm.vmm_attach()
            self.kvm.kvm_attach()
        self._next_pid = 1000 + 1000 * self.boots
        self.boots += 1

    @property
    def uname_v(self) -> str:
        """``uname -v``: ``joyent_<stamp>``."""
        return self.platform.uname_v

    @property
    def fixed(self) -> bool:
        """Whether the platform carries OS-7080."""
        return self.platform.fixed

    @property
    def prompt(self) -> str:
        """The global zone's shell prompt, ``[root@<host> /root]# ``."""
        return f"[root@{self.hostname} {self.prompt_dir}]# "

    def bhhwcompat(self) -> int:
        """``/usr/lib/brand/bhyve/bhhwcompat``'s exit status (illumos-joyent
        ``bhhwcompat.c``): 1 when ``open(VMM_CTL_DEV)`` fails (no ``ctl`` node:
        ``vmm_attach()`` failed) or ``ioctl(VMM_VM_SUPPORTED)``
        (`VmmDriver.vmm_is_supported`) fails, else 0."""
        with self._lock:
            if not self.vmm.attached:
                return 1
            return 1 if self.vmm.vmm_is_supported() != 0 else 0

    def sysinfo(self) -> dict[str, Any]:
        """The ``sysinfo`` keys the model knows: ``"Bhyve Capable"`` (smartos-live
        ``src/sysinfo`` ``get_bhyve_capability()``: true iff ``bhhwcompat`` exits
        0). Derived from the running kernel, as sysinfo's boot-time run is."""
        return {"Bhyve Capable": self.bhhwcompat() == 0}

    @property
    def holder(self) -> KString | None:
        """``hvm_excl_holder``; None when it is NULL, and after the fix, whose
        kernels have no lock at all."""
        return self.excl.holder if self.excl is not None else None

    def now(self) -> datetime:
        """The host's clock (advances a few seconds per operation; illustrative)."""
        return self._clock

    def _advance(self, seconds: int) -> datetime:
        self._clock += timedelta(seconds=seconds)
        return self._clock

    def _syslog(self, message: KernelMessage) -> None:
        """rsyslogd appends a kernel message to ``/var/adm/messages`` (see the
        module doc). The microseconds are illustrative (the model's clock keeps
        whole seconds): a fixed pattern per message logged since the host was
        built."""
        self._messages_logged += 1
        fraction = (self._messages_logged * 271_828) % 1_000_000
        when = self._clock.replace(microsecond=fraction)
        text = message.line.removesuffix("\n")
        text = "".join(ch if ch >= " " else f"#{ord(ch):03o}" for ch in text)
        line = f"{when.isoformat(timespec='microseconds')} {self.hostname} {text}\n"
        self._files[MESSAGES_PATH] = self._files.get(MESSAGES_PATH, "") + line

    # -- lookup -------------------------------------------------------------------
    def find_vm(self, key: str, command: str = "get") -> VM:
        """The VM with uuid or alias ``key``.

        Raises `UnknownVM` (vmadm's text for ``command``) or, for a key
        that is neither an alias nor a uuid, `InvalidUUID`.
        """
        for vm in self.vms:
            if key in (vm.uuid, vm.alias):
                return vm
        if not is_uuid(key):
            raise InvalidUUID(f"Invalid or missing UUID for {command}")
        raise UnknownVM(_unknown_vm_message(command, key))

    def vm_by_zone_id(self, zone_id: int) -> VM | None:
        """The running VM whose zone has ``zone_id``."""
        for vm in self.vms:
            if vm.zone_id == zone_id:
                return vm
        return None

    # -- CPU choice -------------------------------------------------------------------
    def _cpu(self, kind: str, vm: VM) -> int:
        index = self.vms.index(vm) if vm in self.vms else 0
        return (self.cpu_plan.get(kind, 0) + 8 * index) % self.ncpus

    def _pid(self) -> int:
        self._next_pid += 1 + (self._next_pid % 7)
        return self._next_pid

    # -- vmadm start ------------------------------------------------------------------
    def start(self, key: str) -> VM:
        """``vmadm start`` (``vmadm.js`` → ``VM.js`` ``exports.start``, which for bhyve
        and KVM runs ``startVM()`` and then ``startZone()``): boot the VM's zone
        and its hypervisor process.

        Returns the VM after the attempt; a bhyve VM whose ``VMM_CREATE_VM``
        failed ends ``stopped`` with ``boot_error`` set, though vmadm reported
        success (assumption ``bhyve-boot-failure-report``).
        """
        with self._lock:
            vm = self.find_vm(key, "start")
            if vm.state == "running":
                raise AlreadyRunning(f"VM {vm.uuid} is already 'running'")
            vm.autoboot = True  # VM.js startZone(): 'set autoboot=true'
            self._boot_vm(vm)
            return vm

    def _boot_vm(self, vm: VM) -> None:
        started = self._advance(3)
        vm.boot_error = None
        zone = self._zone_create(vm)
        vm.zone_id = zone.zone_id
        vm.state = "running"
        runtime = _Runtime()
        self._runtime[vm.uuid] = runtime
        zoneadmd = self._pid()
        runtime.pids.append(zoneadmd)
        stamp = started.strftime("%Y-%m-%dT%H:%M:%SZ")
        if vm.brand == "kvm":
            qemu = QemuProcess(vm.uuid, vm.ram, vm.vcpus)
            vm.pid = self._pid()
            with self.kernel.thread(
                "sys_syscall",
                cpu=self._cpu("kvm_open", vm),
                zone_name=vm.uuid,
                execname="qemu-system-x86_64",
                pid=vm.pid,
            ):
                self._qemu_open(qemu, stamp)
            runtime.qemu = qemu
            vm.accelerated = qemu.accelerated
            vm.vpids = self.kvm.minors.get(qemu.minor, ()) if qemu.minor else ()
            self._rotate_logs(vm_log_path(vm.uuid))
            self._files[vm_log_path(vm.uuid)] = "\n".join(qemu.log) + "\n"
        elif vm.brand == "bhyve":
            vm.pid = self._pid()
            if not self.vmm.attached:
                # No ctl node: bhyve's open of /dev/vmmctl fails before any vmm
                # code runs (assumption ``bhyve-no-vmmctl``).
                error = ENOENT
            else:
                with self.kernel.thread(
                    "sys_syscall",
                    cpu=self._cpu("vm_create", vm),
                    zone_name=vm.uuid,
                    execname="bhyve",
                    pid=vm.pid,
                ):
                    error = self._vm_create_ioctl(vm)
            if error == 0:
                runtime.bhyve_name = vm.uuid
                vm.accelerated = True
                softc = self.vmm.instances.get(vm.uuid)
                vm.vpids = softc.vpids if softc else ()
            else:
                # bhyverun.c do_open(): perror("vm_create"); exit(1). The zone's
                # init is gone, so the zone halts.
                vm.boot_error = f"vm_create: {strerror(error)}"
                self._halt_zone(vm)
                vm.state = "stopped"
        else:
            vm.pid = self._pid()
            vm.accelerated = None
        runtime.pids.append(vm.pid)

    def _rotate_logs(self, log: str) -> None:
        """qemu-exec.c ``rotate_logs()``: vm.log.8 → vm.log.9 ... vm.log → vm.log.0."""
        for i in range(9, 0, -1):
            older = self._files.pop(f"{log}.{i - 1}", None)
            if older is not None:
                self._files[f"{log}.{i}"] = older
        current = self._files.pop(log, None)
        if current is not None:
            self._files[f"{log}.0"] = current

    def _qemu_open(self, qemu: QemuProcess, stamp: str) -> None:
        """QEMU's ``open("/dev/kvm")`` down to ``kvm_open`` (assumption ``kvm-open-path``)."""
        k = self.kernel
        with (
            k.function("open", "/dev/kvm") as call,
            k.function("openat", "/dev/kvm"),
            k.function("copen", "/dev/kvm"),
            k.function("vn_openat", "/dev/kvm"),
            k.function("fop_open"),
            k.function("spec_open"),
            k.function("dev_open"),
            k.function("cdev_open"),
        ):
            qemu.start(self.kvm, stamp)
            call.retval = 3 if qemu.accelerated else -1

    def _vm_create_ioctl(self, vm: VM) -> int:
        """bhyve's ``vm_create()`` → ``ioctl(VMM_CREATE_VM)`` down the seed's hold path."""
        k = self.kernel
        with (
            k.function("ioctl", 3, VMM_CREATE_VM) as ioctl,
            k.function("fop_ioctl", VMM_CREATE_VM),
            k.function("spec_ioctl", VMM_CREATE_VM),
            k.function("cdev_ioctl", VMM_CREATE_VM),
        ):
            error = self.vmm.vmm_ioctl(VMM_CREATE_VM, vm.uuid, vm.zone_id or 0, vcpus=vm.vcpus)
            ioctl.retval = -1 if error else 0
        return error

    def _zone_create(self, vm: VM) -> Any:
        with (
            self.kernel.thread(
                "sys_syscall",
                cpu=self._cpu("zone_create", vm),
                execname="zoneadmd",
                pid=self._next_pid,
            ),
            self.kernel.function("zone", "ZONE_CREATE"),
            self.kernel.function("zone_create", vm.uuid) as call,
        ):
            zone = self.kernel._add_zone(vm.uuid, vm.brand)
            call.retval = zone.zone_id
        return zone

    # -- vmadm stop -------------------------------------------------------------------
    def stop(self, key: str, force: bool = False) -> VM:
        """``vmadm stop [-F]``: halt the VM's zone; ``autoboot`` becomes false.

        Without ``force`` (``VM.stop``): a bhyve VM on a platform before OS-6745
        raises `StopUnsupported` (before the state check, autoboot
        untouched); otherwise autoboot is cleared, then a VM not running raises
        `NotRunning`. With ``force`` (``VM.js`` ``halt()``): a VM not
        running raises `NotRunning` with autoboot untouched; otherwise the
        zone is halted and autoboot cleared. The model's clean shutdown and its
        halt reach the same zone shutdown and zone destroy.
        """
        with self._lock:
            vm = self.find_vm(key, "stop")
            if not force:
                if vm.brand == "bhyve" and not self.platform.bhyve_stop:
                    raise StopUnsupported("stop is not yet supported for bhyve without force")
                vm.autoboot = False  # VM.stop: 'set autoboot=false' before the state check
            if vm.state != "running":
                raise NotRunning(f"VM {vm.uuid} is already not 'running' (currently: {vm.state})")
            self._advance(5)
            self._halt_zone(vm)
            vm.state = "stopped"
            vm.autoboot = False  # halt(): zonecfg 'set autoboot=false' after zoneadm halt
            return vm

    def _halt_zone(self, vm: VM) -> None:
        """zoneadmd's halt: ZONE_SHUTDOWN (processes exit), then ZONE_DESTROY."""
        zone_id = vm.zone_id
        runtime = self._runtime.pop(vm.uuid, _Runtime())
        k = self.kernel
        if zone_id is not None:
            with (
                k.thread("sys_syscall", cpu=self._cpu("zone_shutdown", vm), execname="zoneadmd"),
                k.function("zone", "ZONE_SHUTDOWN"),
                k.function("zone_shutdown", zone_id),
                k.function("zone_zsd_callbacks", zone_id, "ZSD_SHUTDOWN"),
                k.function("zsd_apply_all_keys", zone_id),
                k.function("zsd_apply_shutdown", zone_id),
            ):
                self.vmm.vmm_zsd_shutdown(zone_id)
        if runtime.qemu is not None:
            self._qemu_exit(vm, runtime.qemu)
        if zone_id is not None:
            with (
                k.thread("sys_syscall", cpu=self._cpu("zone_destroy", vm), execname="zoneadmd"),
                k.function("zone", "ZONE_DESTROY"),
                k.function("zone_destroy", zone_id),
                k.function("zone_zsd_callbacks", zone_id, "ZSD_DESTROY"),
                k.function("zsd_apply_all_keys", zone_id),
                k.function("zsd_apply_destroy", zone_id),
            ):
                self.vmm.vmm_zsd_destroy(zone_id)
            k._remove_zone(zone_id)
        vm.zone_id = None
        vm.accelerated = None
        vm.pid = None
        vm.vpids = ()

    def _qemu_exit(self, vm: VM, qemu: QemuProcess) -> None:
        """QEMU killed by the zone halt: exit closes ``/dev/kvm`` (illustrative path)."""
        k = self.kernel
        if not qemu.minor:
            return
        with (
            k.thread(
                "sys_syscall",
                cpu=self._cpu("kvm_close", vm),
                zone_name=vm.uuid,
                execname="qemu-system-x86_64",
                pid=vm.pid or 0,
            ),
            k.function("post_syscall"),
            k.function("psig"),
            k.function("exit", 9),
            k.function("proc_exit", 1, 9),
            k.function("closeall"),
            k.function("closef"),
            k.function("fop_close"),
            k.function("spec_close"),
            k.function("device_close"),
            k.function("dev_close"),
            k.function("cdev_close"),
        ):
            qemu.stop(self.kvm)

    # -- create / delete ------------------------------------------------------------
    def create(self, payload: dict[str, Any], *, preexisting: bool = False) -> VM:
        """``vmadm create`` (``VM.js`` ``exports.create`` → ``createVM()``): a new,
        stopped VM (started if ``autoboot`` is true).

        Checks the brand (``VM.js``: ``Invalid brand while validating payload:
        "<brand>"``), ``ram``/``max_physical_memory`` and ``alias``. A missing
        uuid is generated deterministically from the host's seed. Then, from
        OS-6942 (`Platform.create_checks_bhyve_capable`), a bhyve payload on a
        host whose `sysinfo` says ``"Bhyve Capable": false`` raises
        `BhyveNotSupported` (``Bhyve not supported``) before anything exists.

        ``preexisting`` is for scenarios: the VM is already on the host (its
        zone was configured under an earlier platform), so this platform's
        VM.js checks do not apply (assumption ``scenario-vms-preexist``).
        """
        with self._lock:
            if not isinstance(payload, dict):
                raise InvalidPayload("Invalid payload: expected a JSON object")
            brand = payload.get("brand")
            if brand not in BRANDS:
                raise UnknownBrand(
                    f'Invalid brand while validating payload: "{brand}"'
                    if isinstance(brand, str)
                    else f"Invalid brand while validating payload: {brand!r}"
                )
            uuid = payload.get("uuid")
            if uuid is None:
                uuid = str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))
            if not isinstance(uuid, str) or not is_uuid(uuid):
                raise InvalidPayload(f"Invalid value(s) for: uuid ({uuid!r})")
            if any(vm.uuid == uuid for vm in self.vms):
                raise InvalidPayload(f"VM with uuid {uuid} already exists")
            ram = payload.get("ram", payload.get("max_physical_memory", 256))
            if not isinstance(ram, int) or isinstance(ram, bool) or ram <= 0:
                raise InvalidPayload(f"Invalid value(s) for: ram ({ram!r})")
            vcpus = payload.get("vcpus", 1)
            if not isinstance(vcpus, int) or isinstance(vcpus, bool) or not 1 <= vcpus <= 64:
                raise InvalidPayload(f"Invalid value(s) for: vcpus ({vcpus!r})")
            alias = payload.get("alias", "")
            if not isinstance(alias, str):
                raise InvalidPayload(f"Invalid value(s) for: alias ({alias!r})")
            autoboot = payload.get("autoboot", True)
            if not isinstance(autoboot, bool):
                raise InvalidPayload(f"Invalid value(s) for: autoboot ({autoboot!r})")
            if (
                brand == "bhyve"
                and not preexisting
                and self.platform.create_checks_bhyve_capable
                and not self.sysinfo()["Bhyve Capable"]
            ):
                raise BhyveNotSupported("Bhyve not supported")
            stamp = self._advance(11).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            vm = VM(uuid, alias, brand, ram, vcpus=vcpus, create_timestamp=stamp)
            self.vms.append(vm)
            if autoboot:
                self.start(uuid)
            return vm

    def delete(self, key: str) -> VM:
        """``vmadm delete`` (``VM.js`` ``exports.delete`` → ``deleteZone()``: ``zoneadm
        halt -X`` if running, ``zoneadm uninstall -F``, ``zonecfg delete -F``):
        halt the zone if it runs, then remove the VM and its files."""
        with self._lock:
            vm = self.find_vm(key, "delete")
            if vm.state == "running":
                self._halt_zone(vm)
                vm.state = "stopped"
            self.vms.remove(vm)
            for path in [p for p in self._files if p.startswith(f"{vm.zonepath}/")]:
                del self._files[path]
            return vm

    # -- reboot -----------------------------------------------------------------------
    def reboot(
        self, order: Sequence[str] | None = None, rng: random.Random | None = None
    ) -> RebootReport:
        """Reboot the host: a fresh kernel, then every autoboot VM starts, as
        ``vmadmd.js`` ``loadVM()`` (``VM.start`` for each autoboot VM) and the zones
        service do at boot.

        The start order is ``order`` (uuids/aliases of the autoboot VMs, each
        once), else a uniformly random permutation drawn from ``rng`` (default:
        the host's seeded generator) -- assumption ``reboot-order-uniform``.
        """
        with self._lock:
            autoboot = [vm for vm in self.vms if vm.autoboot]
            if order is None:
                generator = rng if rng is not None else self.rng
                chosen = generator.sample(autoboot, k=len(autoboot))
            else:
                chosen = [self.find_vm(key, "start") for key in order]
                if sorted(v.uuid for v in chosen) != sorted(v.uuid for v in autoboot):
                    raise VMStateError(
                        "reboot order must name every autoboot VM exactly once: "
                        + ", ".join(vm.alias or vm.uuid for vm in autoboot)
                    )
            for vm in self.vms:
                vm.state = "stopped"
                vm.zone_id = None
                vm.accelerated = None
                vm.pid = None
                vm.vpids = ()
            self._runtime.clear()  # files under /zones and /opt persist (ZFS)
            self._clock = self._clock + timedelta(minutes=3)
            self.boot_time = self._clock
            self._boot_kernel()
            results = []
            for vm in chosen:
                self._boot_vm(vm)
                results.append(
                    BootResult(
                        vm.uuid,
                        vm.alias,
                        vm.brand,
                        vm.state,
                        vm.accelerated,
                        vm.boot_error is not None,
                    )
                )
            holder = self.holder
            return RebootReport(
                tuple(vm.uuid for vm in chosen),
                tuple(results),
                holder.text if holder is not None else None,
                self.seed,
            )

    # -- files and processes ------------------------------------------------------------
    def read_file(self, path: str) -> str:
        """A host file's text (``cat``); raises FileNotFoundError for others."""
        with self._lock:
            try:
                return self._files[path]
            except KeyError:
                raise FileNotFoundError(path) from None

    def add_file(self, path: str, text: str) -> None:
        """Put a file on the host (scenarios use it for ``vmadm create -f`` payloads)."""
        with self._lock:
            self._files[path] = text

    def files(self) -> list[str]:
        """Paths `read_file` can read."""
        with self._lock:
            return sorted(self._files)

    def processes(self) -> list[Process]:
        """``ps -ef`` rows: a few global-zone daemons, zoneadmd and VM processes.

        PIDs, times and arguments are illustrative; the command names are those
        SmartOS runs (``zoneadmd``, ``qemu-system-x86_64``, ``bhyve``).
        """
        with self._lock:
            boot = self.boot_time.strftime("%H:%M:%S")
            rows = [
                Process("root", 0, 0, boot, "?", "0:02", "sched"),
                Process("root", 1, 0, boot, "?", "0:00", "/sbin/init"),
                Process("root", 5, 0, boot, "?", "0:01", "zpool-zones"),
                Process(
                    "root", 412, 1, boot, "?", "0:03", "/usr/node/bin/node /usr/vm/sbin/vmadmd.js"
                ),
            ]
            for vm in self.vms:
                runtime = self._runtime.get(vm.uuid)
                if runtime is None or vm.state != "running":
                    continue
                zoneadmd, proc = runtime.pids[0], runtime.pids[-1]
                rows.append(
                    Process("root", zoneadmd, 1, boot, "?", "0:00", f"zoneadmd -z {vm.uuid}")
                )
                if vm.brand == "kvm":
                    cmd = f"{QEMU_BINARY} -m {vm.ram} -name {vm.uuid} -uuid {vm.uuid}"
                elif vm.brand == "bhyve":
                    cmd = f"bhyve -m {vm.ram}M -c {vm.vcpus} {vm.uuid}"
                else:
                    cmd = "/sbin/init"
                rows.append(Process("root", proc, zoneadmd, boot, "?", "0:01", cmd, vm.uuid))
            return rows

    # -- summaries ------------------------------------------------------------------
    def running(self) -> list[VM]:
        """VMs in state ``running``, creation order."""
        return [vm for vm in self.vms if vm.state == "running"]

    def hardware_users(self) -> set[str]:
        """Which hypervisors use VMX/SVM now: brands of running, accelerated VMs."""
        return {vm.brand for vm in self.vms if vm.state == "running" and vm.accelerated}


def _unknown_vm_message(command: str, uuid: str) -> str:
    reason = f"VM {uuid} not found in zoneadm"
    if command == "start":
        return f"Unable to start VM {uuid}: {reason}"
    if command == "delete":
        return f"Failed to delete VM {uuid}: {reason}"
    return reason


__all__ = [
    "BRANDS",
    "BRAND_TYPES",
    "DEFAULT_CPU_PLAN",
    "ENXIO",
    "HVM_BRANDS",
    "MESSAGES_PATH",
    "SUCCESS",
    "VM",
    "BootResult",
    "Host",
    "Process",
    "RebootReport",
    "is_uuid",
    "success_message",
]
