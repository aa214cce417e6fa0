"""The HVM exclusion lock, mirroring illumos-joyent ``usr/src/uts/i86pc/os/pc_hvm.c``.

Added by OS-6400 (illumos-joyent 8359acfb8f, 2017-10-13; KVM side: illumos-kvm
commit 8c4fef5): a mutex ``hvm_excl_lock`` and ``static const char
*hvm_excl_holder``. ``hvm_excl_hold(consumer)`` makes ``consumer`` the holder
when there is none and returns B_TRUE, else B_FALSE -- also for the current
holder (not re-entrant). ``hvm_excl_rele(consumer)`` does
``VERIFY(consumer == hvm_excl_holder)`` -- a *pointer* comparison -- and clears
the holder. OS-7080 (befffd5) deleted the file.

The file had two versions on SmartOS platforms (read on illumos-joyent's
``release-*`` branches):

* OS-6400's, 57 lines, on ``release-20171026`` through ``release-20180329``
  (the seed's March 2018 host): a refused hold is silent; the ``VERIFY`` is on
  line 54.
* OS-6799 "hvm exclusion failures are silent" (illumos-joyent 8098ab85dc by
  Mike Gerdts, the seed's author, authored 2018-03-20, committed 2018-04-03),
  on ``release-20180412`` through ``release-20180816``: a refused hold first
  logs ``cmn_err(CE_WARN, "zone '%s' cannot take HVM exclusion lock as '%s':
  held by '%s'", curproc->p_zone->zone_name, consumer, hvm_excl_holder)``; the
  ``VERIFY`` moved to line 62.

`hvmdoc.model.platform` maps a build stamp to its release (``EXCL_WARN_STAMP``).
"""

from __future__ import annotations

import threading

from hvmdoc.model.kernel import Kernel, KString
from hvmdoc.model.platform import LOCK_STAMP, by_release

#: ``__FILE__`` as the uts build passes it.
PC_HVM_FILE = "../../i86pc/os/pc_hvm.c"
PC_HVM_VERIFY_EXPR = "consumer == hvm_excl_holder"
#: The line of the ``VERIFY`` in ``hvm_excl_rele`` per first release: OS-6400's
#: file (release-20171026 on), OS-6799's (release-20180412 on).
PC_HVM_VERIFY_LINES: tuple[tuple[str, int], ...] = (
    (LOCK_STAMP, 54),
    ("20180412T000000Z", 62),
)
#: OS-6799's warning, the C format string (its hash is the message id).
HVM_EXCL_WARNING = "zone '%s' cannot take HVM exclusion lock as '%s': held by '%s'"
#: Kept for callers of the seed's version: the line in OS-6400's ``pc_hvm.c``.
PC_HVM_VERIFY_LINE = PC_HVM_VERIFY_LINES[0][1]


class HvmExclusion:
    """``hvm_excl_lock`` and ``hvm_excl_holder`` with their two functions.

    Thread-safe: a `threading.Lock` plays ``hvm_excl_lock``. The kernel's
    ``stamp`` decides the version of ``pc_hvm.c`` (see the module doc); a
    kernel with OS-7080 has none (`ValueError`).
    """

    def __init__(self, kernel: Kernel) -> None:
        if kernel.fixed:
            raise ValueError("pc_hvm.c is not in an OS-7080 kernel (befffd5 deleted it)")
        self.kernel = kernel
        self._lock = threading.Lock()
        self._holder: KString | None = None
        self.verify_line = by_release(PC_HVM_VERIFY_LINES, kernel.stamp)
        self.warns = kernel.hvm_excl_warns
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
        """``pc_hvm.c`` ``hvm_excl_hold()``: take the lock if nobody holds it.

        From OS-6799 on, a refusal is logged with ``cmn_err(CE_WARN, ...)``
        naming the caller's zone, the consumer and the holder, under the mutex.
        """
        with self.kernel.function("hvm_excl_hold", consumer) as call:
            with self._lock:
                holder = self._holder
                if holder is None:
                    self._holder = consumer
                    result = True
                else:
                    if self.warns:
                        self.kernel.cmn_err(
                            "CE_WARN",
                            HVM_EXCL_WARNING,
                            self.kernel.curzone_name,
                            consumer.text,
                            holder.text,
                        )
                    result = False
            call.retval = int(result)
        return result

    def hvm_excl_rele(self, consumer: KString) -> None:
        """``pc_hvm.c`` ``hvm_excl_rele()``: ``VERIFY`` the caller holds it, release.

        A release by anyone but the holder raises `AssertionPanic` (a
        `KernelPanic`) with the ``VERIFY``'s line in this platform's file. The C
        code compares pointers, so the same text at another address does not
        count as the holder.
        """
        with self.kernel.function("hvm_excl_rele", consumer), self._lock:
            if self._holder is None or consumer.address != self._holder.address:
                raise self.kernel.assfail(PC_HVM_VERIFY_EXPR, PC_HVM_FILE, self.verify_line)
            self._holder = None


__all__ = [
    "HVM_EXCL_WARNING",
    "PC_HVM_FILE",
    "PC_HVM_VERIFY_EXPR",
    "PC_HVM_VERIFY_LINE",
    "PC_HVM_VERIFY_LINES",
    "HvmExclusion",
]
