"""bhyve's kernel driver, mirroring illumos-joyent ``usr/src/uts/i86pc/io/vmm/vmm_sol_dev.c``
(with ``vmm.c`` for the module's HVM setup and ``vmm_zsd.c`` for the zone callbacks).

Where bhyve claims the hardware changed twice; the platform decides which
driver a host runs (`hvmdoc.model.platform`).

**Before OS-7080** (the 2018 driver; ``vmmdev_hvm_name = "bhyve"``), per VM:

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

**OS-7080** (illumos-joyent befffd577ca6c3a090d7d3c72d267a383c3a3c45, first on
``release-20180830``) deleted ``vmmdev_mod_incr``/``vmmdev_mod_decr`` and their
counters. ``vmm_attach()`` does ``hma_register(vmmdev_hvm_name)``, then
``vmm_mod_load()``; either failing undoes the other and attach returns
``DDI_FAILURE``, so no ``ctl`` node exists. On success the registration is kept
(``vmm_hma_reg``, ``vmmdev_hma_reg`` from OS-7446) until ``vmm_detach()``
does ``vmm_mod_unload()`` and ``hma_unregister()``: bhyve stays registered
while the driver is attached, VMs or not. ``vmmdev_do_vm_create()`` takes no
HVM step.

**illumos 12750** "bhyve should not hold HMA registration with no running VMs"
(illumos-joyent 8e3a263e49, first on ``release-20200604``): ``vmm_attach()``
registers only to check the system (``hma_register``, ``vmm_mod_load``, then
``hma_unregister`` at once). ``vmmdev_do_vm_create()`` first calls
``vmm_hma_acquire()``: under ``vmmdev_mtx``, ``hma_register()`` when
``vmmdev_hma_reg`` is NULL (failure: ``cmn_err(CE_WARN, "%s HMA registration
failed.", vmmdev_hvm_name)`` and ``ENXIO``), then ``vmmdev_hma_ref++``. Each
VM's destruction (``vmm_do_vm_destroy()`` after ``vmm_do_vm_destroy_locked()``
set ``hma_release``; also ``vmmdev_do_vm_destroy()`` and a deferred destroy
in ``vmm_close()``) calls ``vmm_hma_release()``: ``vmmdev_hma_ref--`` and at zero
``hma_unregister()``; a failed create releases too.

The model never detaches the driver (assumption ``driver-attach-path``).
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
#: ``vmm_attach()``'s results (``sys/sunddi.h``).
DDI_SUCCESS = 0
DDI_FAILURE = -1
#: ``vmm_hma_acquire()``'s warning (illumos 12750).
HMA_REGISTRATION_FAILED = "%s HMA registration failed."


@dataclass
class VmmSoftc:
    """A ``vmm_softc_t``: one bhyve VM instance in the kernel."""

    name: str
    zone_id: int
    vpids: tuple[int, ...] = ()


class VmmDriver:
    """The ``vmm`` module: its VMs, and how it claims the hardware on this platform.

    ``excl`` is the exclusion lock (pre-fix kernels only), ``hma`` HMA (OS-7080
    on); ``per_vm`` selects illumos 12750's per-VM registration. ``attached``
    says whether ``vmm_attach()`` succeeded (it fails on an HMA that refuses
    bhyve, the first HMA on AMD).
    """

    def __init__(
        self,
        kernel: Kernel,
        excl: HvmExclusion | None,
        hma: Hma | None,
        *,
        cpu_vendor: str,
        per_vm: bool = False,
    ) -> None:
        if (excl is None) == (hma is None):
            raise ValueError("a vmm driver uses the exclusion lock (pre-fix) or HMA, not both")
        self.kernel = kernel
        self.excl = excl
        self.hma = hma
        self.per_vm = hma is not None and per_vm
        self.cpu_vendor = cpu_vendor
        self.name = kernel.strings["vmm_name"]
        self.inst_count = 0
        self.load_failure = False
        self.hma_reg: HmaReg | None = None
        self.hma_ref = 0
        self.attached = False
        self.instances: dict[str, VmmSoftc] = {}
        self._mtx = threading.RLock()  # vmmdev_mtx (+ vmm_mtx)
        kernel.define_variable("vmmdev_hvm_name", lambda: self.name)
        if hma is None:
            kernel.define_variable("vmmdev_inst_count", lambda: self.inst_count)
            kernel.define_variable("vmmdev_load_failure", lambda: int(self.load_failure))
        elif self.per_vm:
            kernel.define_variable("vmmdev_hma_ref", lambda: self.hma_ref)

    # -- module lifecycle ---------------------------------------------------
    def vmm_attach(self) -> int:
        """``vmm_sol_dev.c`` ``vmm_attach()``: ``DDI_SUCCESS`` (0) or ``DDI_FAILURE``.

        Before OS-7080 it creates the ``ctl`` node and clears
        ``vmmdev_load_failure``, taking no lock. From OS-7080 on it refuses
        when already attached (``vmm_dip``/``vmmdev_dip`` set), then registers
        with HMA and loads the VMX/SVM side (``vmm_mod_load()``), and fails if
        either fails; OS-7080's driver keeps the registration, illumos 12750's
        drops it again at once.
        """
        with self.kernel.function("vmm_attach", "DDI_ATTACH") as call, self._mtx:
            result = self._attach()
            if result == DDI_SUCCESS:
                self.attached = True
            call.retval = result
        return result

    def _attach(self) -> int:
        if self.hma is None:
            self.load_failure = False
            return DDI_SUCCESS
        if self.attached:  # "Ensure we are not already attached."
            return DDI_FAILURE
        reg = self.hma.hma_register(self.name)
        if reg is None:
            return DDI_FAILURE
        if self.vmm_mod_load() != 0:
            self.hma.hma_unregister(reg)
            return DDI_FAILURE
        if self.per_vm:
            self.hma.hma_unregister(reg)  # "temporary HMA registration"
        else:
            self.hma_reg = reg
        return DDI_SUCCESS

    def vmm_mod_load(self) -> int:
        """``vmm.c`` ``vmm_mod_load()`` → ``vmm_init()``: 0, or an error when the CPU cannot.

        Before OS-7080 bhyve on SmartOS drove Intel VMX only (assumption
        ``bhyve-intel-only-prefix``); with HMA the registration already decided
        (SVM came with HMA's second version, OS-7170).
        """
        with self.kernel.function("vmm_mod_load") as call:
            ok = self.cpu_vendor == "intel" or (self.hma is not None and self.hma.version >= 2)
            call.retval = 0 if ok else ENXIO
        return 0 if ok else ENXIO

    def vmm_is_supported(self) -> int:
        """``vmm_sol_dev.c`` ``vmm_is_supported()``, the ``VMM_VM_SUPPORTED`` ioctl
        that ``bhhwcompat`` asks: 0 when bhyve can run here, else ``ENXIO``.

        Until OS-7170 (illumos-joyent 2453029c01; on ``release-20180315``,
        ``release-20180510``, ``release-20180830`` and ``release-20190314``)
        it starts ``if (!vmm_is_intel()) return (ENXIO);`` and otherwise
        returns ``vmx_x86_supported()``; from OS-7170 (``release-20190328``)
        AMD returns 0 ("HMA already ensured that the features necessary for SVM
        operation were present and online during vmm_attach()"). The model's
        Intel hosts have VMX (``vmx_x86_supported()`` is 0). It is pure: it
        fires no probes (the model never runs ``bhhwcompat`` on a traced path).
        """
        if self.cpu_vendor == "intel":
            return 0
        if self.hma is not None and self.hma.version >= 2:
            return 0
        return ENXIO

    def vmm_mod_unload(self) -> int:
        """``vmm.c`` ``vmm_mod_unload()``: always succeeds here (its caller,
        ``vmmdev_mod_decr()``, ``VERIFY0``s it)."""
        with self.kernel.function("vmm_mod_unload") as call:
            call.retval = 0
        return 0

    # -- instance counting (before OS-7080) ---------------------------------------
    def vmmdev_mod_incr(self) -> bool:
        """``vmm_sol_dev.c`` ``vmmdev_mod_incr()``: count up, taking the lock at zero."""
        with self.kernel.function("vmmdev_mod_incr") as call:
            ok = self._mod_incr()
            call.retval = int(ok)
        return ok

    def _mod_incr(self) -> bool:
        excl = self._excl()
        if self.inst_count == 0:
            if self.load_failure:
                return False
            if not excl.hvm_excl_hold(self.name):
                return False
            if self.vmm_mod_load() != 0:
                excl.hvm_excl_rele(self.name)
                self.load_failure = True
                return False
        self.inst_count += 1
        return True

    def vmmdev_mod_decr(self) -> None:
        """``vmm_sol_dev.c`` ``vmmdev_mod_decr()``: count down, releasing the lock at zero."""
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
                self._excl().hvm_excl_rele(self.name)

    def _excl(self) -> HvmExclusion:
        if self.excl is None:
            raise AssertionError("vmmdev_mod_incr/decr exist only before OS-7080")
        return self.excl

    # -- per-VM HMA registration (illumos 12750) ------------------------------------
    def vmm_hma_acquire(self) -> bool:
        """``vmm_sol_dev.c`` ``vmm_hma_acquire()``: register at the first reference."""
        hma = self._hma()
        with self.kernel.function("vmm_hma_acquire") as call, self._mtx:
            ok = True
            if self.hma_reg is None:
                self.hma_reg = hma.hma_register(self.name)
                if self.hma_reg is None:
                    self.kernel.cmn_err("CE_WARN", HMA_REGISTRATION_FAILED, self.name.text)
                    ok = False
            if ok:
                self.hma_ref += 1
            call.retval = int(ok)
        return ok

    def vmm_hma_release(self) -> None:
        """``vmm_sol_dev.c`` ``vmm_hma_release()``: unregister at the last reference."""
        hma = self._hma()
        with self.kernel.function("vmm_hma_release"), self._mtx:
            if self.hma_ref <= 0 or self.hma_reg is None:
                # VERIFY3U(vmmdev_hma_ref, !=, 0) and VERIFY(vmmdev_hma_reg != NULL):
                # the model's callers never get here (no line is modelled).
                raise AssertionError("vmmdev_hma_ref != 0")
            self.hma_ref -= 1
            if self.hma_ref == 0:
                hma.hma_unregister(self.hma_reg)
                self.hma_reg = None

    def _hma(self) -> Hma:
        if self.hma is None or not self.per_vm:
            raise AssertionError("vmm_hma_acquire/release exist only from illumos 12750")
        return self.hma

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
        """``vmm_sol_dev.c`` ``vmmdev_do_vm_create()``: 0, ``ENXIO`` when bhyve cannot
        claim the hardware (pre-fix: ``vmmdev_mod_incr()``; from illumos 12750:
        ``vmm_hma_acquire()``), ``EEXIST`` for a name in use."""
        with self.kernel.function("vmmdev_do_vm_create", name) as call:
            error = self._create(name, zone_id, vcpus)
            call.retval = error
        return error

    def _create(self, name: str, zone_id: int, vcpus: int) -> int:
        if self.per_vm and not self.vmm_hma_acquire():
            return ENXIO
        with self._mtx:
            if self.hma is None and not self.vmmdev_mod_incr():
                return ENXIO
            if name in self.instances:
                if self.hma is None:
                    self.vmmdev_mod_decr()
                release = self.per_vm
            else:
                vpids: tuple[int, ...] = ()
                if self.hma is not None and self.cpu_vendor == "intel":
                    vpids = tuple(self.hma.hma_vmx_vpid_alloc() for _ in range(vcpus))
                self.instances[name] = VmmSoftc(name, zone_id, vpids)
                return 0
        if release:
            self.vmm_hma_release()
        return EEXIST

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
        """``vmm_sol_dev.c`` ``vmm_do_vm_destroy()``: lock, the locked variant, then
        (illumos 12750) ``vmm_hma_release()`` after dropping ``vmm_mtx``."""
        with self.kernel.function("vmm_do_vm_destroy", sc.name, int(clean_zsd)) as call:
            with self._mtx:
                error = self.vmm_do_vm_destroy_locked(sc, clean_zsd)
            if self.per_vm:
                self.vmm_hma_release()
            call.retval = error
        return error

    def vmm_do_vm_destroy_locked(self, sc: VmmSoftc, clean_zsd: bool) -> int:
        """``vmm_sol_dev.c`` ``vmm_do_vm_destroy_locked()``: free the VM (and its
        VPIDs); before OS-7080 ``vmmdev_mod_decr()``."""
        with self.kernel.function("vmm_do_vm_destroy_locked", sc.name, int(clean_zsd)) as call:
            self.instances.pop(sc.name, None)
            if self.hma is not None:
                for vpid in sc.vpids:
                    if vpid:
                        self.hma.hma_vmx_vpid_free(vpid)
            else:
                self.vmmdev_mod_decr()
            call.retval = 0
        return 0


__all__ = [
    "DDI_FAILURE",
    "DDI_SUCCESS",
    "HMA_REGISTRATION_FAILED",
    "VMM_CREATE_VM",
    "VmmDriver",
    "VmmSoftc",
]
