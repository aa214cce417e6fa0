"""bhyve's kernel driver, mirroring illumos-joyent ``usr/src/uts/i86pc/io/vmm/vmm_sol_dev.c``
(with ``vmm.c`` for the module's HVM setup and ``vmm_zsd.c`` for the zone callbacks).

Before OS-7080 (the 2018 driver; ``vmmdev_hvm_name = "bhyve"``):

* ``vmmdev_mod_incr()``: at ``vmmdev_inst_count == 0``, fail if the load failure
  is latched (``vmmdev_load_failure``), then ``hvm_excl_hold(vmmdev_hvm_name)`` or
  fail, then ``vmm_mod_load()`` or release the lock, latch and fail; then count++.
* ``vmmdev_mod_decr()``: count--, at zero ``vmm_mod_unload()`` and
  ``hvm_excl_rele(vmmdev_hvm_name)``.
* ``vmmdev_do_vm_create()`` returns ``ENXIO`` when ``vmmdev_mod_incr()`` fails
  (reached from ``vmm_ioctl(VMM_CREATE_VM)``). ``vmm_attach()`` clears the latch.
  The lock is not taken at module load.
* Destroy comes from the zone: ``vmm_zsd_destroy()`` (``vmm_zsd.c``, the zone key's
  destroy callback) → ``vmm_do_vm_destroy(sc, B_FALSE)`` →
  ``vmm_do_vm_destroy_locked()`` → ``vmmdev_mod_decr()``, the seed's release stack.

After OS-7080 the exclusion lock gives way to an HMA registration; where bhyve
takes it is assumption ``bhyve-hma-at-first-vm`` (the model registers when the
instance count leaves zero, like the later ``vmm_hma_acquire()``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from hvmdoc.model.errno import EEXIST, ENXIO
from hvmdoc.model.hma import Hma, HmaReg
from hvmdoc.model.kernel import Kernel
from hvmdoc.model.pc_hvm import HvmExclusion

#: ioctl command on the ``vmmctl`` device (``sys/vmm_dev.h``).
VMM_CREATE_VM = "VMM_CREATE_VM"


@dataclass
class VmmSoftc:
    """A ``vmm_softc_t``: one bhyve VM instance in the kernel."""

    name: str
    zone_id: int
    vpids: tuple[int, ...] = ()


class VmmDriver:
    """The ``vmm`` module: instance count, load-failure latch, VMs per zone."""

    def __init__(
        self,
        kernel: Kernel,
        excl: HvmExclusion,
        hma: Hma | None,
        *,
        cpu_vendor: str,
    ) -> None:
        self.kernel = kernel
        self.excl = excl
        self.hma = hma
        self.cpu_vendor = cpu_vendor
        self.name = kernel.strings["vmm_name"]
        self.inst_count = 0
        self.load_failure = False
        self.hma_reg: HmaReg | None = None
        self.instances: dict[str, VmmSoftc] = {}
        self._mtx = threading.RLock()  # vmmdev_mtx (+ vmm_mtx)
        kernel.define_variable("vmmdev_inst_count", lambda: self.inst_count)
        kernel.define_variable("vmmdev_load_failure", lambda: int(self.load_failure))
        kernel.define_variable("vmmdev_hvm_name", lambda: self.name)

    # -- module lifecycle ---------------------------------------------------
    def vmm_attach(self) -> int:
        """``vmm_sol_dev.c`` ``vmm_attach()``: creates the ``ctl`` minor node and
        clears ``vmmdev_load_failure``; takes no lock. Returns ``DDI_SUCCESS`` (0)."""
        with self.kernel.function("vmm_attach", "DDI_ATTACH") as call, self._mtx:
            self.load_failure = False
            call.retval = 0
        return 0

    def vmm_mod_load(self) -> int:
        """``vmm.c`` ``vmm_mod_load()`` → ``vmm_init()``: 0, or an error when the CPU cannot.

        Before OS-7080 bhyve on SmartOS drove Intel VMX only (assumption
        ``bhyve-intel-only-prefix``); with HMA the registration already decided.
        """
        with self.kernel.function("vmm_mod_load") as call:
            ok = self.cpu_vendor == "intel" or (self.hma is not None and self.hma.version >= 2)
            call.retval = 0 if ok else ENXIO
        return 0 if ok else ENXIO

    def vmm_mod_unload(self) -> int:
        """``vmm.c`` ``vmm_mod_unload()``: always succeeds here (its caller,
        ``vmmdev_mod_decr()``, ``VERIFY0``s it)."""
        with self.kernel.function("vmm_mod_unload") as call:
            call.retval = 0
        return 0

    # -- instance counting ------------------------------------------------------
    def vmmdev_mod_incr(self) -> bool:
        """``vmm_sol_dev.c`` ``vmmdev_mod_incr()``: count up, taking HVM at zero."""
        with self.kernel.function("vmmdev_mod_incr") as call:
            ok = self._mod_incr()
            call.retval = int(ok)
        return ok

    def _mod_incr(self) -> bool:
        if self.inst_count == 0:
            if self.load_failure:
                return False
            if self.hma is None:
                if not self.excl.hvm_excl_hold(self.name):
                    return False
                if self.vmm_mod_load() != 0:
                    self.excl.hvm_excl_rele(self.name)
                    self.load_failure = True
                    return False
            else:
                reg = self.hma.hma_register(self.name)
                if reg is None:
                    return False
                if self.vmm_mod_load() != 0:
                    self.hma.hma_unregister(reg)
                    self.load_failure = True
                    return False
                self.hma_reg = reg
        self.inst_count += 1
        return True

    def vmmdev_mod_decr(self) -> None:
        """``vmm_sol_dev.c`` ``vmmdev_mod_decr()``: count down, releasing HVM at zero."""
        with self.kernel.function("vmmdev_mod_decr"):
            if self.inst_count <= 0:
                # The C code has ASSERT(vmmdev_inst_count > 0), compiled only into
                # DEBUG kernels: a production SmartOS kernel would not panic, its
                # uint_t count would wrap. The model stops with Python's
                # AssertionError (a broken invariant of the model's callers), not
                # a KernelPanic, claiming nothing about what the kernel would do.
                raise AssertionError("vmmdev_inst_count > 0")
            self.inst_count -= 1
            if self.inst_count == 0:
                self.vmm_mod_unload()
                if self.hma is None:
                    self.excl.hvm_excl_rele(self.name)
                elif self.hma_reg is not None:
                    self.hma.hma_unregister(self.hma_reg)
                    self.hma_reg = None

    # -- create / destroy ---------------------------------------------------
    def vmm_ioctl(self, cmd: str, name: str, zone_id: int, *, vcpus: int = 1) -> int:
        """``vmm_sol_dev.c`` ``vmm_ioctl()`` on the ``ctl`` minor: ``VMM_CREATE_VM`` →
        ``vmmdev_do_vm_create()``."""
        with self.kernel.function("vmm_ioctl", cmd, name) as call:
            if cmd != VMM_CREATE_VM:
                raise ValueError(f"unmodelled vmm ioctl {cmd}")
            error = self.vmmdev_do_vm_create(name, zone_id, vcpus=vcpus)
            call.retval = error
        return error

    def vmmdev_do_vm_create(self, name: str, zone_id: int, *, vcpus: int = 1) -> int:
        """``vmm_sol_dev.c`` ``vmmdev_do_vm_create()``: ``ENXIO`` if mod_incr fails."""
        with self.kernel.function("vmmdev_do_vm_create", name) as call:
            with self._mtx:
                if not self.vmmdev_mod_incr():
                    call.retval = ENXIO
                    return ENXIO
                if name in self.instances:
                    self.vmmdev_mod_decr()
                    call.retval = EEXIST
                    return EEXIST
                vpids: tuple[int, ...] = ()
                if self.hma is not None and self.cpu_vendor == "intel":
                    vpids = tuple(self.hma.hma_vmx_vpid_alloc() for _ in range(vcpus))
                self.instances[name] = VmmSoftc(name, zone_id, vpids)
            call.retval = 0
        return 0

    def vmm_zsd_shutdown(self, zone_id: int) -> None:
        """``vmm_zsd.c`` ``vmm_zsd_shutdown()``: power off the zone's VMs (no release)."""
        with self.kernel.function("vmm_zsd_shutdown", zone_id):
            pass

    def vmm_zsd_destroy(self, zone_id: int) -> None:
        """``vmm_zsd.c`` ``vmm_zsd_destroy()``: destroy every VM left in the zone."""
        with self.kernel.function("vmm_zsd_destroy", zone_id):
            with self._mtx:
                doomed = [sc for sc in self.instances.values() if sc.zone_id == zone_id]
            for sc in doomed:
                self.vmm_do_vm_destroy(sc, False)

    def vmm_do_vm_destroy(self, sc: VmmSoftc, clean_zsd: bool) -> int:
        """``vmm_sol_dev.c`` ``vmm_do_vm_destroy()``: lock, then the locked variant."""
        with self.kernel.function("vmm_do_vm_destroy", sc.name, int(clean_zsd)) as call:
            with self._mtx:
                error = self.vmm_do_vm_destroy_locked(sc, clean_zsd)
            call.retval = error
        return error

    def vmm_do_vm_destroy_locked(self, sc: VmmSoftc, clean_zsd: bool) -> int:
        """``vmm_sol_dev.c`` ``vmm_do_vm_destroy_locked()``: free the VM, mod_decr."""
        with self.kernel.function("vmm_do_vm_destroy_locked", sc.name, int(clean_zsd)) as call:
            self.instances.pop(sc.name, None)
            if self.hma is not None:
                for vpid in sc.vpids:
                    if vpid:
                        self.hma.hma_vmx_vpid_free(vpid)
            self.vmmdev_mod_decr()
            call.retval = 0
        return 0


__all__ = ["VMM_CREATE_VM", "VmmDriver", "VmmSoftc"]
