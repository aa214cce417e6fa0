"""KVM's ``/dev/kvm`` driver, mirroring TritonDataCenter/illumos-kvm ``kvm.c``.

Before OS-7080 (commit 8c4fef5, OS-6400, 2017-10-16;
``kvm_excl_ident = "SmartOS KVM"``):

* ``kvm_open()`` (each open of ``/dev/kvm``) → ``kvm_hvm_incr()``; a failure makes
  ``kvm_open()`` return ``ENXIO``.
* ``kvm_hvm_incr()``: at ``kvm_usage_count == 0``, ``kvm_hvm_init()``; then count++.
* ``kvm_hvm_init()``: fail if ``kvm_init_failed`` is latched; ``hvm_excl_hold()`` or
  fail *without* latching ("A failure to acquire this advisory lock does
  preclude a potential success in the future. (So kvm_init_failed is not
  asserted.)"); ``vmx_init()`` and ``hardware_enable_all()``, else latch
  ``kvm_init_failed`` and ``hvm_excl_rele()``.
* ``kvm_close()`` → ``kvm_hvm_decr()``: ``VERIFY(kvm_usage_count > 0)``, and at
  zero ``kvm_hvm_fini()`` releases the lock last. ``kvm_attach()`` clears the
  latch.

After OS-7080 (commit 08e1d7f, 2018-07-31; ``kvm_hma_ident``): ``kvm_open()`` →
``kvm_hvm_incr()`` → (at ``kvm_usage_count == 0``) ``kvm_hvm_init()``, which is
``hma_register(kvm_hma_ident)`` then ``vmx_init()`` (``hma_unregister`` on
failure); no latch; ``kvm_hvm_fini()`` (the last close) ends with
``hma_unregister``. So KVM is registered exactly while ``/dev/kvm`` is open. KVM on
illumos is VMX-only: ``vmx_init()`` fails on AMD (assumption ``kvm-vmx-only``).

The ``VERIFY`` in ``kvm_hvm_decr()`` sits on line 1880 of ``kvm.c`` from
illumos-kvm's ``release-20171026`` through ``release-20180816``, on line 1790
from ``release-20180830`` (OS-7080), 1791 from ``release-20210701`` and 1796
from ``release-20220210`` (read on the release branches through
``release-20250612``). illumos-kvm's Makefile compiles ``kvm.c`` from the
repository's top (``$(CC) ... -c $<``), so ``__FILE__`` is ``kvm.c``.
"""

from __future__ import annotations

import threading

from hvmdoc.model.errno import ENXIO
from hvmdoc.model.hma import Hma, HmaReg
from hvmdoc.model.kernel import Kernel
from hvmdoc.model.pc_hvm import HvmExclusion
from hvmdoc.model.platform import LOCK_STAMP, by_release

KVM_FILE = "kvm.c"
KVM_DECR_VERIFY_EXPR = "kvm_usage_count > 0"
#: ``(first release stamp, line)`` of ``VERIFY(kvm_usage_count > 0)`` in ``kvm.c``.
KVM_DECR_VERIFY_LINES: tuple[tuple[str, int], ...] = (
    (LOCK_STAMP, 1880),
    ("20180830T000000Z", 1790),
    ("20210701T000000Z", 1791),
    ("20220210T000000Z", 1796),
)


class KvmDriver:
    """The ``kvm`` module: ``kvm_usage_count``, ``kvm_init_failed``, open minors."""

    def __init__(
        self, kernel: Kernel, excl: HvmExclusion | None, hma: Hma | None, *, cpu_vendor: str
    ) -> None:
        if (excl is None) == (hma is None):
            raise ValueError("a kvm driver uses the exclusion lock (pre-fix) or HMA, not both")
        self.kernel = kernel
        self.excl = excl
        self.hma = hma
        self.cpu_vendor = cpu_vendor
        self.ident = kernel.strings["kvm_ident"]
        self.usage_count = 0
        self.init_failed = False
        self.hma_reg: HmaReg | None = None
        self._lock = threading.RLock()  # kvm_lock
        self._next_minor = 1
        self.minors: dict[int, tuple[int, ...]] = {}  # minor -> VPIDs of its VM
        self.decr_verify_line = by_release(KVM_DECR_VERIFY_LINES, kernel.stamp)
        kernel.define_variable("kvm_usage_count", lambda: self.usage_count)
        if hma is None:
            kernel.define_variable("kvm_init_failed", lambda: int(self.init_failed))
            kernel.define_variable("kvm_excl_ident", lambda: self.ident)
        else:
            kernel.define_variable("kvm_hma_ident", lambda: self.ident)

    def kvm_attach(self) -> int:
        """``kvm.c`` ``kvm_attach()``: creates ``/dev/kvm`` and clears
        ``kvm_init_failed`` (pre-fix); takes no lock and registers nothing.
        Returns ``DDI_SUCCESS`` (0)."""
        with self.kernel.function("kvm_attach", "DDI_ATTACH") as call, self._lock:
            self.init_failed = False
            call.retval = 0
        return 0

    def vmx_init(self) -> bool:
        """illumos-kvm ``kvm_vmx.c`` ``vmx_init()``: VMX setup; fails on a CPU
        without VMX (AMD, assumption ``kvm-vmx-only``)."""
        with self.kernel.function("vmx_init") as call:
            ok = self.cpu_vendor == "intel"
            call.retval = 0 if ok else -1
        return ok

    def hardware_enable_all(self) -> bool:
        """``kvm.c`` ``hardware_enable_all()`` (pre-fix only; HMA does it after
        OS-7080): VMXON on every CPU."""
        with self.kernel.function("hardware_enable_all") as call:
            call.retval = 0
        return True

    def kvm_hvm_init(self) -> bool:
        """``kvm.c`` ``kvm_hvm_init()`` (see the module doc for both versions)."""
        with self.kernel.function("kvm_hvm_init") as call:
            ok = self._hvm_init()
            call.retval = int(ok)
        return ok

    def _hvm_init(self) -> bool:
        if self.excl is None:
            assert self.hma is not None
            reg = self.hma.hma_register(self.ident)
            if reg is None:
                return False
            if not self.vmx_init():
                self.hma.hma_unregister(reg)
                return False
            self.hma_reg = reg
            return True
        excl = self.excl
        if self.init_failed:
            return False
        if not excl.hvm_excl_hold(self.ident):
            return False  # not latched: the lock may be free next time
        if self.vmx_init() and self.hardware_enable_all():
            return True
        self.init_failed = True
        excl.hvm_excl_rele(self.ident)
        return False

    def kvm_hvm_fini(self) -> None:
        """``kvm.c`` ``kvm_hvm_fini()``: tear down, then drop the lock/registration last."""
        with self.kernel.function("kvm_hvm_fini"):
            if self.excl is not None:
                self.excl.hvm_excl_rele(self.ident)
            elif self.hma is not None and self.hma_reg is not None:
                self.hma.hma_unregister(self.hma_reg)
                self.hma_reg = None

    def kvm_hvm_incr(self) -> bool:
        """``kvm.c`` ``kvm_hvm_incr()``: init at zero, then count up."""
        with self.kernel.function("kvm_hvm_incr") as call:
            with self._lock:
                ok = True
                if self.usage_count == 0:
                    ok = self.kvm_hvm_init()
                if ok:
                    self.usage_count += 1
            call.retval = int(ok)
        return ok

    def kvm_hvm_decr(self) -> None:
        """``kvm.c`` ``kvm_hvm_decr()``: ``VERIFY(kvm_usage_count > 0)``, fini at zero.

        A decrement at zero raises `AssertionPanic` with the ``VERIFY``'s line in
        this platform's ``kvm.c``.
        """
        with self.kernel.function("kvm_hvm_decr"):
            if self.usage_count <= 0:
                raise self.kernel.assfail(KVM_DECR_VERIFY_EXPR, KVM_FILE, self.decr_verify_line)
            self.usage_count -= 1
            if self.usage_count == 0:
                self.kvm_hvm_fini()

    def kvm_open(self, *, vcpus: int = 1) -> tuple[int, int]:
        """``kvm.c`` ``kvm_open()``: ``(0, minor)``, or ``(ENXIO, 0)`` if HVM is unavailable.

        ``vcpus`` VPIDs are allocated from HMA after the fix on Intel (KVM's
        ``vmx_vcpu_setup`` takes them with ``hma_vmx_vpid_alloc``; modelled here,
        at open, for brevity).
        """
        with self.kernel.function("kvm_open") as call:
            if not self.kvm_hvm_incr():
                call.retval = ENXIO
                return ENXIO, 0
            with self._lock:
                minor = self._next_minor
                self._next_minor += 1
                vpids: tuple[int, ...] = ()
                if self.hma is not None:
                    vpids = tuple(self.hma.hma_vmx_vpid_alloc() for _ in range(vcpus))
                self.minors[minor] = vpids
            call.retval = 0
        return 0, minor

    def kvm_close(self, minor: int) -> None:
        """``kvm.c`` ``kvm_close()``: destroy the VM state, then ``kvm_hvm_decr()``."""
        with self.kernel.function("kvm_close", minor), self._lock:
            vpids = self.minors.pop(minor)
            if self.hma is not None:
                for vpid in vpids:
                    if vpid:
                        self.hma.hma_vmx_vpid_free(vpid)
            self.kvm_hvm_decr()


__all__ = ["KVM_DECR_VERIFY_EXPR", "KVM_DECR_VERIFY_LINES", "KVM_FILE", "KvmDriver"]
