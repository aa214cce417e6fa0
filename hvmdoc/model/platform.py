"""SmartOS platform images: a build stamp decides which kernel a host runs.

``--platform`` takes a stamp such as ``20180315T000000Z`` (``uname -v`` prints
``joyent_<stamp>``) or an alias. The cut-overs, checked against the release
branches of TritonDataCenter/illumos-kvm (SmartOS builds each component from
its ``release-YYYYMMDD`` branch):

* OS-6745 (smartos-live 56fa0c70, 2018-03-19: ``vmadm stop`` without ``-F``
  for bhyve): ``release-20180315``'s ``VM.js`` refuses it with ``stop is not
  yet supported for bhyve without force``; the commit is not on
  ``release-20180315`` and is first on ``release-20180329`` (checked in
  TritonDataCenter/smartos-live), so stamps from ``20180329T000000Z`` on stop
  a bhyve VM gracefully (assumption ``os-6745-first-release``).
* OS-6942 "bhyve incapable hosts should exit early on vmadm create"
  (smartos-live ee76b399, 2018-05-09): ``VM.js`` ``exports.create`` refuses a
  bhyve payload with ``Bhyve not supported`` when sysinfo's ``Bhyve Capable``
  is false. The commit is not on ``release-20180426`` and is first on
  ``release-20180510`` (checked in TritonDataCenter/smartos-live): from
  ``20180510T000000Z`` (assumption ``os-6942-first-release``). ``VM.start``
  never checks it (no other ``Bhyve Capable`` in ``VM.js`` through 2019).
* OS-6400 (the HVM exclusion lock; illumos-kvm 8c4fef5, 2017-10-16) is first in
  ``release-20171026``; the model starts there (earlier stamps are refused).
* OS-6799 "hvm exclusion failures are silent" (illumos-joyent 8098ab85dc,
  authored 2018-03-20, committed 2018-04-03): ``hvm_excl_hold()`` logs a
  ``CE_WARN`` when it refuses a hold. Not on illumos-joyent's
  ``release-20180329``, first on ``release-20180412``: stamps from
  ``20180412T000000Z`` until the fix warn (assumption ``os-6799-first-release``).
* OS-7080 (illumos-kvm 08e1d7f, 2018-07-31; illumos-joyent befffd5, 2018-07-18)
  is *not* in ``release-20180802`` nor ``release-20180816`` and is first in
  ``release-20180830``, in both repositories: stamps from ``20180830T000000Z``
  on get HMA version 1 (assumption ``os-7080-first-release``).
* HMA version 2: OS-7170 "bhyve should support AMD" (illumos-joyent 2453029c01,
  2018-12-14; AMD SVM in HMA) and OS-7600 "want exclusive hma registration"
  (e491baa0a1, 2019-02-07) are both first on illumos-joyent's
  ``release-20190328`` (neither is on ``release-20190314``): from
  ``20190328T000000Z`` (assumption ``hma-v2-cutover``).
* illumos 12750 "bhyve should not hold HMA registration with no running VMs"
  (illumos-joyent 8e3a263e49, authored 2019-03-18, committed 2020-06-01 with an
  illumos-gate merge) moved bhyve's HMA registration from driver attach to VM
  creation. It is not on ``release-20200521`` and first on
  ``release-20200604``: from ``20200604T000000Z`` (assumption
  ``illumos-12750-first-release``). OS-7080's own placement (befffd5's
  ``vmm_attach`` registers, ``vmm_detach`` unregisters) holds before.

Each cut-over takes the release branch's date as the first stamp of its
platforms; that a release's platform stamps start on its branch date is the
assumption each cut-over names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from hvmdoc.model.errors import UnknownPlatform

#: First stamp whose kernel has the exclusion lock (release-20171026).
LOCK_STAMP = "20171026T000000Z"
#: First stamp whose vmadm stops a bhyve VM without -F (OS-6745, release-20180329).
BHYVE_STOP_STAMP = "20180329T000000Z"
#: First stamp whose ``vmadm create`` refuses bhyve when sysinfo's ``Bhyve
#: Capable`` is false (OS-6942, smartos-live release-20180510).
BHYVE_CAPABLE_CHECK_STAMP = "20180510T000000Z"
#: First stamp whose ``hvm_excl_hold()`` warns on a refused hold (OS-6799,
#: illumos-joyent release-20180412).
EXCL_WARN_STAMP = "20180412T000000Z"
#: First stamp carrying OS-7080 (release-20180830; see module doc).
FIX_STAMP = "20180830T000000Z"
#: First stamp with HMA version 2 (assumption ``hma-v2-cutover``).
HMA2_STAMP = "20190328T000000Z"
#: First stamp where bhyve registers with HMA per VM, not at attach (illumos
#: 12750, release-20200604; assumption ``illumos-12750-first-release``).
BHYVE_HMA_PER_VM_STAMP = "20200604T000000Z"

#: How long after its build stamp a host first boots (assumption
#: ``host-clock-from-platform``; illustrative but for the seed's date).
CLOCK_AFTER_BUILD = timedelta(days=5, hours=14)

#: alias -> stamp. ``pre-fix`` is the seed's era (a March 2018 platform; the
#: time of day is illustrative).
ALIASES: dict[str, str] = {
    "pre-fix": "20180315T000000Z",
    "post-fix": FIX_STAMP,
    "hma-v2": HMA2_STAMP,
}

_T = TypeVar("_T")

_STAMP = re.compile(r"^(?:joyent_)?(\d{8}T\d{6}Z)$")


@dataclass(frozen=True)
class Platform:
    """A platform image: its stamp and what its kernel does about HVM sharing."""

    stamp: str
    fixed: bool
    hma_version: int
    alias: str | None = None

    @property
    def uname_v(self) -> str:
        """What ``uname -v`` prints: ``joyent_<stamp>``."""
        return f"joyent_{self.stamp}"

    @property
    def bhyve_stop(self) -> bool:
        """Whether ``vmadm stop`` (no ``-F``) works for bhyve VMs (OS-6745)."""
        return self.stamp >= BHYVE_STOP_STAMP

    @property
    def create_checks_bhyve_capable(self) -> bool:
        """Whether ``vmadm create`` refuses a bhyve VM on a host whose sysinfo
        says ``"Bhyve Capable": false`` (OS-6942, from ``20180510T000000Z``)."""
        return self.stamp >= BHYVE_CAPABLE_CHECK_STAMP

    @property
    def excl_warns(self) -> bool:
        """Whether ``hvm_excl_hold()`` logs a warning when it refuses (OS-6799, until OS-7080)."""
        return EXCL_WARN_STAMP <= self.stamp < FIX_STAMP

    @property
    def bhyve_hma_per_vm(self) -> bool:
        """Whether bhyve holds its HMA registration only while it has VMs
        (illumos 12750, from ``20200604T000000Z``), rather than from driver
        attach to detach (OS-7080's ``vmm_attach``)."""
        return self.fixed and self.stamp >= BHYVE_HMA_PER_VM_STAMP

    @property
    def clock_start(self) -> datetime:
        """When a host on this platform first boots: 5 days 14 hours after its
        build stamp (assumption ``host-clock-from-platform``), so the seed's
        ``20180315T000000Z`` host runs on the post's date, 2018-03-20 14:00 UTC."""
        built = datetime.strptime(self.stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return built + CLOCK_AFTER_BUILD

    @property
    def label(self) -> str:
        """``pre-fix`` / ``post-fix`` / ``hma-v2`` for this kernel's behaviour."""
        if not self.fixed:
            return "pre-fix"
        return "post-fix" if self.hma_version == 1 else "hma-v2"


def parse_platform(text: str | None) -> Platform:
    """A `Platform` from an alias, a stamp or ``joyent_<stamp>``; None → pre-fix.

    Raises `UnknownPlatform` for anything else, and for stamps before the
    lock existed.
    """
    if text is None:
        text = "pre-fix"
    raw = text.strip()
    alias = raw.lower() if raw.lower() in ALIASES else None
    stamp = ALIASES[alias] if alias is not None else None
    if stamp is None:
        match = _STAMP.match(raw)
        if match is None:
            known = ", ".join(ALIASES)
            raise UnknownPlatform(
                f"unknown platform {text!r}: expected {known} or a build stamp like "
                "20180315T000000Z"
            )
        stamp = match.group(1)
        try:
            datetime.strptime(stamp, "%Y%m%dT%H%M%SZ")
        except ValueError:
            raise UnknownPlatform(f"unknown platform {text!r}: not a valid date and time") from None
    if stamp < LOCK_STAMP:
        raise UnknownPlatform(
            f"platform {stamp} predates the HVM exclusion lock (OS-6400, first in "
            f"release-20171026); the model starts at {LOCK_STAMP}"
        )
    fixed = stamp >= FIX_STAMP
    hma_version = 0 if not fixed else (2 if stamp >= HMA2_STAMP else 1)
    return Platform(stamp, fixed, hma_version, alias)


def by_release(table: tuple[tuple[str, _T], ...], stamp: str) -> _T:
    """The value of the last ``(first_stamp, value)`` entry of ``table`` whose
    stamp is not after ``stamp`` (the table in stamp order); the first entry's
    value for an earlier stamp. Tables of source facts per release (line numbers
    of a ``VERIFY`` in the file a release branch carries) use it."""
    value = table[0][1]
    for first, candidate in table:
        if first <= stamp:
            value = candidate
    return value


CPU_VENDORS = ("intel", "amd")


def parse_cpu(text: str | None) -> str:
    """``intel`` (default) or ``amd``; anything else raises UnknownCPU."""
    from hvmdoc.model.errors import UnknownCPU

    if text is None:
        return "intel"
    vendor = text.strip().lower()
    if vendor not in CPU_VENDORS:
        raise UnknownCPU(f"unknown CPU vendor {text!r}: expected intel or amd")
    return vendor


__all__ = [
    "ALIASES",
    "BHYVE_CAPABLE_CHECK_STAMP",
    "BHYVE_HMA_PER_VM_STAMP",
    "BHYVE_STOP_STAMP",
    "CLOCK_AFTER_BUILD",
    "CPU_VENDORS",
    "EXCL_WARN_STAMP",
    "FIX_STAMP",
    "HMA2_STAMP",
    "LOCK_STAMP",
    "Platform",
    "by_release",
    "parse_cpu",
    "parse_platform",
]
