"""QEMU as SmartOS runs it for a KVM VM (TritonDataCenter/illumos-kvm-cmd).

* ``vl.c``: ``int kvm_allowed = -1;`` -- "auto": SmartOS's ``startvm`` (written by
  smartos-live ``VM.js``, release-20180315 and today) passes no ``-enable-kvm``,
  so ``kvm_allowed`` stays -1.
* ``qemu-kvm.c`` ``kvm_init()``: ``open("/dev/kvm", O_RDWR)``; on failure
  ``perror("open /dev/kvm")`` → ``open /dev/kvm: No such device or address`` for
  ``ENXIO`` (illumos ``strerror``), and returns -1.
* ``vl.c`` ``main()``: with ``kvm_allowed`` not > 0, a failed ``kvm_init()`` prints
  ``Could not initialize KVM, will disable KVM support`` and continues with
  ``kvm_allowed = 0``: the guest runs under software emulation (TCG). Only
  ``kvm_allowed > 0`` would print ``failed to initialize KVM: ...`` and exit.
* Where it goes: ``startvm`` runs ``/smartdc/bin/qemu-exec``, which redirects
  stdout and stderr to ``/tmp/vm.log`` inside the zone
  (smartos-live ``src/smartdc/bin/qemu-exec.c``, ``LOG_FILE``), i.e.
  ``/zones/<uuid>/root/tmp/vm.log`` from the global zone, after printing
  ``== Zone privileges ==``, ``=== ARGV ===`` and ``=== OUTPUT (<time>) ===``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hvmdoc.model.errno import strerror
from hvmdoc.model.kvm import KvmDriver

QEMU_BINARY = "/smartdc/bin/qemu-system-x86_64"
QEMU_EXEC = "/smartdc/bin/qemu-exec"
KVM_DISABLED_MESSAGE = "Could not initialize KVM, will disable KVM support"

#: A few of the zone's privileges qemu-exec lists (illustrative subset).
ZONE_PRIVILEGES_SAMPLE = ("contract_event", "file_chown", "proc_fork", "sys_mount")


def vm_log_path(uuid: str) -> str:
    """``/zones/<uuid>/root/tmp/vm.log``: where a KVM VM's QEMU output lands."""
    return f"/zones/{uuid}/root/tmp/vm.log"


@dataclass
class QemuProcess:
    """One ``qemu-system-x86_64`` for a KVM VM: its ``/dev/kvm`` fd and its log."""

    uuid: str
    ram: int
    vcpus: int = 1
    kvm_allowed: int = -1
    minor: int = 0
    accelerated: bool = False
    log: list[str] = field(default_factory=list)

    def argv(self) -> list[str]:
        """The command line ``qemu-exec`` logs (abridged, illustrative options)."""
        return [
            QEMU_EXEC,
            QEMU_BINARY,
            "-m",
            str(self.ram),
            "-name",
            self.uuid,
            "-uuid",
            self.uuid,
            "-smp",
            str(self.vcpus),
            "-pidfile",
            "/tmp/vm.pid",
        ]

    def start(self, kvm: KvmDriver, started_at: str) -> None:
        """qemu-exec's header, then ``vl.c`` ``main()``'s ``kvm_init()`` and fallback."""
        self.log = ["== Zone privileges ==", *ZONE_PRIVILEGES_SAMPLE, "=== ARGV ==="]
        self.log += self.argv()
        self.log.append(f"=== OUTPUT ({started_at}) ===")
        if self.kvm_allowed == 0:
            self.accelerated = False
            return
        error, minor = kvm.kvm_open(vcpus=self.vcpus)
        if error == 0:
            self.minor = minor
            self.accelerated = True
            return
        self.log.append(f"open /dev/kvm: {strerror(error)}")
        if self.kvm_allowed > 0:
            self.log.append(f"failed to initialize KVM: {strerror(error)}")
            raise RuntimeError("qemu exited: -enable-kvm and no KVM")
        self.log.append(KVM_DISABLED_MESSAGE)
        self.accelerated = False

    def stop(self, kvm: KvmDriver) -> None:
        """Process exit closes ``/dev/kvm`` (``kvm_close`` via ``closef``)."""
        if self.minor:
            kvm.kvm_close(self.minor)
            self.minor = 0
        self.accelerated = False


__all__ = [
    "KVM_DISABLED_MESSAGE",
    "QEMU_BINARY",
    "QEMU_EXEC",
    "QemuProcess",
    "vm_log_path",
]
