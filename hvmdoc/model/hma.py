"""HMA, the hypervisor management API that replaced the exclusion lock (OS-7080).

Mirrors illumos-joyent ``usr/src/uts/i86pc/os/hma.c`` and ``sys/hma.h``:

* **version 1** (July 2018, illumos-joyent befffd577ca6c3a090d7d3c72d267a383c3a3c45,
  OS-7080; KVM side illumos-kvm 08e1d7f): ``hma_register(name)`` appends a
  registration when the vendor's support is ready, else returns NULL. Intel VMX
  only: for AMD ``hma_register`` says "Punt on SVM support for now" and
  ``hma_svm_init`` returns ``ENOTSUP``.
* **version 2**: OS-7170 "bhyve should support AMD" (illumos-joyent 2453029c01,
  2018-12-14: SVM in HMA) and OS-7600 "want exclusive hma registration"
  (e491baa0a1, 2019-02-07), both first on ``release-20190328``:
  ``hma_register_backend`` accepts Intel and AMD (Hygon from illumos 13339,
  2020); ``hma_register_exclusive`` succeeds only with no registrations and
  then blocks ``hma_register`` until the list empties (``hma_unregister``
  clears ``hma_exclusive``).

A failed ``VERIFY`` panics with the line it has in the ``hma.c`` of the
platform's release (`HMA_VERIFY_LINES`, read on illumos-joyent's release
branches through ``release-20210715``): ``hma_unregister``'s ``VERIFY(reg !=
NULL)`` and ``VERIFY(!list_is_empty(&hma_registrations))`` and
``hma_vmx_vpid_free``'s ``VERIFY(vpid > HMA_VPID_RESERVED)``.

VPIDs: ``hma_vmx_vpid_alloc`` hands out ids from ``id_space_create("hma_vmx_vpid",
HMA_VPID_RESERVED + 1, UINT16_MAX)`` with ``id_alloc_nosleep`` (next-fit,
``common/os/id_space.c``); ``HMA_VPID_RESERVED`` is ``NCPU`` and VPID 0 means
"VPID disabled" (returned when the space is exhausted).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from hvmdoc.model.kernel import Kernel, KList, KString
from hvmdoc.model.platform import FIX_STAMP, by_release

HMA_FILE = "../../i86pc/os/hma.c"
#: ``(first release stamp, (line of VERIFY(reg != NULL), of
#: VERIFY(!list_is_empty(&hma_registrations)), of VERIFY(vpid >
#: HMA_VPID_RESERVED)))`` in ``hma.c``: befffd5's file from release-20180830, then
#: the files of the releases where the lines moved.
HMA_VERIFY_LINES: tuple[tuple[str, tuple[int, int, int]], ...] = (
    (FIX_STAMP, (119, 120, 152)),
    ("20190328T000000Z", (161, 162, 196)),
    ("20190411T000000Z", (174, 175, 214)),
    ("20200910T000000Z", (181, 182, 221)),
    ("20210114T000000Z", (183, 184, 223)),
    ("20210311T000000Z", (184, 185, 224)),
)
#: ``NCPU`` on i86pc (illustrative: the model's value; it only bounds VPIDs).
NCPU = 256
UINT16_MAX = 0xFFFF


#: ``sizeof (struct hma_reg)`` and ``offsetof(struct hma_reg, hr_node)``: hma.c
#: declares ``const char *hr_name; list_node_t hr_node;`` (amd64: 8 + 16 bytes),
#: the values ``hma_init()`` passes to ``list_create(&hma_registrations, ...)``.
HMA_REG_SIZE = 0x18
HMA_REG_NODE_OFFSET = 0x8
#: Where the model's ``kmem_alloc``'d registrations live (illustrative; one
#: ``kmem_alloc_24`` buffer after another, never reused while the kernel runs).
HMA_REG_BASE = 0xFFFFFE5A1D2F4000
#: The C type mdb names a registration by.
HMA_REG_CTYPE = "struct hma_reg"


@dataclass(eq=False)
class HmaReg:
    """A ``struct hma_reg`` at ``address``: the registered hypervisor's name (pointer)."""

    name: KString
    address: int = 0

    @property
    def node(self) -> int:
        """``&reg->hr_node``: what ``hma_registrations`` links."""
        return self.address + HMA_REG_NODE_OFFSET


class Hma:
    """``hma_lock``, ``hma_registrations``, vendor readiness and the VPID space."""

    def __init__(self, kernel: Kernel, *, cpu_vendor: str, version: int) -> None:
        self.kernel = kernel
        self.cpu_vendor = cpu_vendor
        self.version = version
        self._lock = threading.Lock()
        self.registrations: list[HmaReg] = []
        self.exclusive = False
        # hma_init(): hma_vmx_init() on Intel; hma_svm_init() on AMD (v1: ENOTSUP).
        self.vmx_ready = cpu_vendor == "intel"
        self.svm_ready = cpu_vendor == "amd" and version >= 2
        self._vpid_low = NCPU + 1
        self._vpid_high = UINT16_MAX  # id_space high bound is exclusive
        self._vpid_next = self._vpid_low
        self._vpids: set[int] = set()
        self._next_reg = HMA_REG_BASE
        self.verify_lines = by_release(HMA_VERIFY_LINES, kernel.stamp)
        kernel.define_variable("hma_registrations", self.registrations_list)
        kernel.define_variable("hma_vmx_ready", lambda: int(self.vmx_ready))
        if version >= 2:
            kernel.define_variable("hma_exclusive", lambda: int(self.exclusive))
            kernel.define_variable("hma_svm_ready", lambda: int(self.svm_ready))

    def registrations_list(self) -> KList:
        """``hma_registrations`` as a ``list_t`` (``list_insert_tail`` order)."""
        symbol = self.kernel.lookup_symbol("hma_registrations")
        address = symbol.address if symbol is not None else 0
        nodes = tuple(reg.node for reg in self.registrations)
        return KList(address, HMA_REG_SIZE, HMA_REG_NODE_OFFSET, nodes)

    def _is_ready(self) -> bool:
        if self.cpu_vendor == "intel":
            return self.vmx_ready
        if self.cpu_vendor == "amd":
            return self.svm_ready  # v1: "Punt on SVM support for now"
        return False

    def _register_backend(self, name: KString) -> HmaReg | None:
        if not self._is_ready():
            return None
        reg = HmaReg(name, self._next_reg)
        self._next_reg += HMA_REG_SIZE
        self.registrations.append(reg)
        self.kernel.add_object(reg.address, HMA_REG_CTYPE, reg)
        return reg

    def hma_register(self, name: KString) -> HmaReg | None:
        """``hma.c`` ``hma_register()``: a registration, or None when not ready.

        Version 2 also refuses while an exclusive registration exists.
        """
        with self.kernel.function("hma_register", name) as call:
            with self._lock:
                reg = None if self.exclusive else self._register_backend(name)
            call.retval = reg
        return reg

    def hma_register_exclusive(self, name: KString) -> HmaReg | None:
        """``hma.c`` ``hma_register_exclusive()`` (version 2 only): sole registration."""
        if self.version < 2:
            raise AttributeError("hma_register_exclusive does not exist in HMA version 1")
        with self.kernel.function("hma_register_exclusive", name) as call:
            with self._lock:
                reg = None
                if not self.registrations:
                    reg = self._register_backend(name)
                    if reg is not None:
                        self.exclusive = True
            call.retval = reg
        return reg

    def hma_unregister(self, reg: HmaReg | None) -> None:
        """``hma.c`` ``hma_unregister()``: ``VERIFY(reg != NULL)``,
        ``VERIFY(!list_is_empty(&hma_registrations))``, then ``list_remove()``.

        Either failed ``VERIFY`` raises `AssertionPanic`. A registration not on
        the list (unregistered before) reaches ``list_remove()``, whose only
        check is a DEBUG-kernel ``ASSERT``; ``list_remove_node()`` then follows
        the ``list_prev`` that the first removal set to NULL and the kernel
        panics on the NULL pointer in genunix (``common/list/list.c``), modelled
        as `TrapPanic` (assumption ``hma-double-unregister``).
        """
        with self.kernel.function("hma_unregister", reg), self._lock:
            not_null, not_empty, _ = self.verify_lines
            if reg is None:
                raise self.kernel.assfail("reg != NULL", HMA_FILE, not_null)
            if not self.registrations:
                raise self.kernel.assfail("!list_is_empty(&hma_registrations)", HMA_FILE, not_empty)
            if reg not in self.registrations:
                raise self.kernel.null_dereference("genunix")
            self.registrations.remove(reg)
            self.kernel.remove_object(reg.address)
            if self.exclusive and not self.registrations:
                self.exclusive = False

    def hma_vmx_vpid_alloc(self) -> int:
        """``hma.c`` ``hma_vmx_vpid_alloc()``: next-fit id above NCPU, 0 when exhausted."""
        with self.kernel.function("hma_vmx_vpid_alloc") as call:
            with self._lock:
                vpid = 0
                span = self._vpid_high - self._vpid_low
                for step in range(span):
                    candidate = self._vpid_low + (self._vpid_next - self._vpid_low + step) % span
                    if candidate not in self._vpids:
                        self._vpids.add(candidate)
                        self._vpid_next = candidate + 1
                        if self._vpid_next >= self._vpid_high:
                            self._vpid_next = self._vpid_low
                        vpid = candidate
                        break
            call.retval = vpid
        return vpid

    def hma_vmx_vpid_free(self, vpid: int) -> None:
        """``hma.c`` ``hma_vmx_vpid_free()``: ``VERIFY(vpid > HMA_VPID_RESERVED)``."""
        with self.kernel.function("hma_vmx_vpid_free", vpid), self._lock:
            if vpid <= NCPU:
                raise self.kernel.assfail(
                    "vpid > HMA_VPID_RESERVED", HMA_FILE, self.verify_lines[2]
                )
            self._vpids.discard(vpid)

    @property
    def vpids_in_use(self) -> frozenset[int]:
        """VPIDs currently handed out."""
        with self._lock:
            return frozenset(self._vpids)


__all__ = ["HMA_FILE", "HMA_VERIFY_LINES", "NCPU", "Hma", "HmaReg"]
