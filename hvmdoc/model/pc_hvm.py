"""The HVM exclusion lock, mirroring illumos-joyent ``usr/src/uts/i86pc/os/pc_hvm.c``.

Added by OS-6400 (October 2017; KVM side: illumos-kvm commit 8c4fef5). The C
file is 60 lines: a mutex ``hvm_excl_lock`` and ``static const char
*hvm_excl_holder``. ``hvm_excl_hold(consumer)`` makes ``consumer`` the holder
when there is none and returns B_TRUE, else B_FALSE -- also for the current
holder (not re-entrant). ``hvm_excl_rele(consumer)`` does
``VERIFY(consumer == hvm_excl_holder)`` -- a *pointer* comparison -- and clears
the holder. In the 2017 version we cite (copyright 2017 Joyent, the comment at
line 24 the seed links to) that ``VERIFY`` is on line 54.
"""

from __future__ import annotations

import threading

from hvmdoc.model.errors import KernelPanic
from hvmdoc.model.kernel import Kernel, KString

#: ``__FILE__`` as the uts build passes it, and the line of the VERIFY in
#: ``hvm_excl_rele`` (2017 pc_hvm.c, 1479 bytes, as indexed; see module doc).
PC_HVM_FILE = "../../i86pc/os/pc_hvm.c"
PC_HVM_VERIFY_LINE = 54
PC_HVM_VERIFY_EXPR = "consumer == hvm_excl_holder"


class HvmExclusion:
    """``hvm_excl_lock`` and ``hvm_excl_holder`` with their two functions.

    Thread-safe: a `threading.Lock` plays ``hvm_excl_lock``.
    """

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel
        self._lock = threading.Lock()
        self._holder: KString | None = None
        kernel.define_variable("hvm_excl_holder", lambda: self._holder)
        kernel.define_variable("hvm_excl_lock", lambda: 0)

    @property
    def holder(self) -> KString | None:
        """``hvm_excl_holder``: the holding consumer's string, or None (NULL)."""
        return self._holder

    @property
    def hvm_excl_holder(self) -> KString | None:
        """The C variable's name for `holder`."""
        return self._holder

    def hvm_excl_hold(self, consumer: KString) -> bool:
        """``pc_hvm.c`` ``hvm_excl_hold()``: take the lock if nobody holds it."""
        with self.kernel.function("hvm_excl_hold", consumer) as call:
            with self._lock:
                if self._holder is None:
                    self._holder = consumer
                    result = True
                else:
                    result = False
            call.retval = int(result)
        return result

    def hvm_excl_rele(self, consumer: KString) -> None:
        """``pc_hvm.c`` ``hvm_excl_rele()``: ``VERIFY`` the caller holds it, release.

        A release by anyone but the holder raises `KernelPanic`. The C
        code compares pointers, so the same text at another address does not
        count as the holder.
        """
        with self.kernel.function("hvm_excl_rele", consumer), self._lock:
            if self._holder is None or consumer.address != self._holder.address:
                raise KernelPanic(PC_HVM_VERIFY_EXPR, PC_HVM_FILE, PC_HVM_VERIFY_LINE)
            self._holder = None


__all__ = [
    "PC_HVM_FILE",
    "PC_HVM_VERIFY_EXPR",
    "PC_HVM_VERIFY_LINE",
    "HvmExclusion",
]
