"""Where things sit in the modelled kernel: modules, functions, data, strings, probe ids.

Sources for the values that are not illustrative:

* the seed (Mike Gerdts, 2018-03-20, host ``emy-17``): the strings "SmartOS KVM"
  at ``0xfffffffff8224185`` and "bhyve" at ``0xfffffffff82caded``; probe ids 8666
  (``fbt::hvm_excl_hold:entry``) and 9030 (``fbt::hvm_excl_rele:entry``); every
  frame of the two ``stack()`` outputs, from which the ``vmm`` function starts follow
  (``vmmdev_mod_incr+0x37 = 0xfffffffff82aec97`` → ``vmmdev_mod_incr`` at
  ``0xfffffffff82aec60``, ...) and the call-site offsets of both paths;
* ``KERNEL_TEXT`` on amd64 illumos (``0xfffffffffb800000``) as the base of ``unix``;
* where string constants live: krtld (``usr/src/uts/common/krtld/kobj.c``,
  ``load_section()``: every allocated section without ``SHF_WRITE`` goes to the
  module's text) loads ``.rodata`` with the code, so the seed's two strings lie
  in their modules' *text* ranges, and so does the global zone's name, the
  literal ``GLOBAL_ZONENAME`` (``"global"``) that ``zone.c`` ``zone_zsd_init()``
  stores in ``zone0.zone_name``.

**Everything else here is illustrative**: other addresses (the global zone's
name string at ``0xfffffffffbb4a6d8`` among them), sizes, offsets and probe ids
are made up, chosen only to be plausible and consistent (no overlaps, call
sites inside their functions, string constants in text). Pages must not present
them as facts. Each module has one data range for all its variables, where
illumos would put zero-initialized ones in a separate bss (assumption
``module-data-no-bss``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Literal

SymbolKind = Literal["func", "data"]


@dataclass(frozen=True)
class ModuleLayout:
    """A kernel module's text and data ranges (illustrative except where noted)."""

    name: str
    text_base: int
    text_size: int
    data_base: int
    data_size: int
    dtrace_resolves: bool = True


#: name -> layout (illustrative). ``vmm`` and ``kvm`` text ranges are chosen to
#: contain the seed's addresses, its strings included (``.rodata`` is loaded
#: with the text); ``dtrace_resolves=False`` for vmm is assumption
#: ``dtrace-vmm-unresolved``.
MODULES: dict[str, ModuleLayout] = {
    m.name: m
    for m in (
        ModuleLayout("unix", 0xFFFFFFFFFB800000, 0x180000, 0xFFFFFFFFFBC00000, 0x80000),
        ModuleLayout("genunix", 0xFFFFFFFFFB980000, 0x280000, 0xFFFFFFFFFBE80000, 0xC0000),
        ModuleLayout("specfs", 0xFFFFFFFFF7A3C000, 0x10000, 0xFFFFFFFFF7A4C000, 0x2000),
        ModuleLayout("kvm", 0xFFFFFFFFF81D8000, 0x50000, 0xFFFFFFFFF8228000, 0x8000),
        ModuleLayout(
            "vmm", 0xFFFFFFFFF8290000, 0x3C000, 0xFFFFFFFFF82CC000, 0x6000, dtrace_resolves=False
        ),
    )
}

# (name, module, address, size). Functions of the seed's vmm frames: exact starts.
FUNCTIONS: tuple[tuple[str, str, int, int], ...] = (
    # unix (pc_hvm.c, hma.c, the syscall trap) -- illustrative
    ("sys_syscall", "unix", 0xFFFFFFFFFB800F50, 0x2C0),
    ("hvm_excl_hold", "unix", 0xFFFFFFFFFB8A5C30, 0x60),
    ("hvm_excl_rele", "unix", 0xFFFFFFFFFB8A5C90, 0x50),
    ("hma_register", "unix", 0xFFFFFFFFFB8A6010, 0x90),
    ("hma_register_exclusive", "unix", 0xFFFFFFFFFB8A60A0, 0x80),
    ("hma_unregister", "unix", 0xFFFFFFFFFB8A6120, 0x70),
    ("hma_vmx_vpid_alloc", "unix", 0xFFFFFFFFFB8A6190, 0x40),
    ("hma_vmx_vpid_free", "unix", 0xFFFFFFFFFB8A61D0, 0x40),
    # genunix -- illustrative
    ("ioctl", "genunix", 0xFFFFFFFFFBA1C2A0, 0x1B0),
    ("fop_ioctl", "genunix", 0xFFFFFFFFFBA3E470, 0x90),
    ("cdev_ioctl", "genunix", 0xFFFFFFFFFBA0B5E0, 0x60),
    ("open", "genunix", 0xFFFFFFFFFBA1D900, 0x30),
    ("openat", "genunix", 0xFFFFFFFFFBA1D930, 0x60),
    ("copen", "genunix", 0xFFFFFFFFFBA1D990, 0x3A0),
    ("vn_openat", "genunix", 0xFFFFFFFFFBA40C10, 0x6A0),
    ("fop_open", "genunix", 0xFFFFFFFFFBA3DC90, 0x120),
    ("dev_open", "genunix", 0xFFFFFFFFFBA0B3A0, 0x60),
    ("cdev_open", "genunix", 0xFFFFFFFFFBA0B400, 0x50),
    ("post_syscall", "genunix", 0xFFFFFFFFFBA6D2E0, 0x5B0),
    ("psig", "genunix", 0xFFFFFFFFFBA6F0A0, 0x560),
    ("exit", "genunix", 0xFFFFFFFFFBA58E10, 0x40),
    ("proc_exit", "genunix", 0xFFFFFFFFFBA58E50, 0x7C0),
    ("closeall", "genunix", 0xFFFFFFFFFBA61720, 0x90),
    ("closef", "genunix", 0xFFFFFFFFFBA617B0, 0x110),
    ("fop_close", "genunix", 0xFFFFFFFFFBA3DDB0, 0x90),
    ("device_close", "genunix", 0xFFFFFFFFFBA0B460, 0x70),
    ("dev_close", "genunix", 0xFFFFFFFFFBA0B4D0, 0x60),
    ("cdev_close", "genunix", 0xFFFFFFFFFBA0B530, 0x50),
    ("zone", "genunix", 0xFFFFFFFFFBAD1B10, 0x340),
    ("zone_create", "genunix", 0xFFFFFFFFFBACE2F0, 0xD40),
    ("zone_shutdown", "genunix", 0xFFFFFFFFFBAD0650, 0x3B0),
    ("zone_destroy", "genunix", 0xFFFFFFFFFBAD0A00, 0x220),
    ("zone_zsd_callbacks", "genunix", 0xFFFFFFFFFBACC3A0, 0x170),
    ("zsd_apply_all_keys", "genunix", 0xFFFFFFFFFBACBF40, 0x90),
    ("zsd_apply_shutdown", "genunix", 0xFFFFFFFFFBACBD20, 0x220),
    ("zsd_apply_destroy", "genunix", 0xFFFFFFFFFBACBAF0, 0x230),
    ("cmn_err", "genunix", 0xFFFFFFFFFBA8C1A0, 0xD0),
    ("devi_attach", "genunix", 0xFFFFFFFFFBA2E5F0, 0x120),
    # specfs -- illustrative
    ("spec_ioctl", "specfs", 0xFFFFFFFFF7A3F2E0, 0x90),
    ("spec_open", "specfs", 0xFFFFFFFFF7A3D8C0, 0x7A0),
    ("spec_close", "specfs", 0xFFFFFFFFF7A3E060, 0x3C0),
    # kvm (illumos-kvm kvm.c) -- illustrative
    ("kvm_open", "kvm", 0xFFFFFFFFF81F3A10, 0x110),
    ("kvm_close", "kvm", 0xFFFFFFFFF81F3B20, 0xD0),
    ("kvm_hvm_incr", "kvm", 0xFFFFFFFFF81F37F0, 0x90),
    ("kvm_hvm_decr", "kvm", 0xFFFFFFFFF81F3880, 0x50),
    ("kvm_hvm_init", "kvm", 0xFFFFFFFFF81F3610, 0xB0),
    ("kvm_hvm_fini", "kvm", 0xFFFFFFFFF81F36C0, 0x130),
    ("vmx_init", "kvm", 0xFFFFFFFFF81E44D0, 0x2F0),
    ("hardware_enable_all", "kvm", 0xFFFFFFFFF81F1E80, 0x90),
    ("kvm_attach", "kvm", 0xFFFFFFFFF81F3C00, 0x1F0),
    # vmm (bhyve) -- starts derived from the seed's frames; sizes illustrative
    ("vmmdev_mod_incr", "vmm", 0xFFFFFFFFF82AEC60, 0x80),
    ("vmmdev_mod_decr", "vmm", 0xFFFFFFFFF82AECE0, 0x50),
    ("vmm_lookup", "vmm", 0xFFFFFFFFF82AED30, 0x80),
    ("vmmdev_do_vm_create", "vmm", 0xFFFFFFFFF82AEDB0, 0x1C0),
    ("vmm_mod_load", "vmm", 0xFFFFFFFFF82A1B40, 0x60),
    ("vmm_mod_unload", "vmm", 0xFFFFFFFFF82A1BA0, 0x50),
    ("vmm_do_vm_destroy_locked", "vmm", 0xFFFFFFFFF82AF5D0, 0x100),
    ("vmm_do_vm_destroy", "vmm", 0xFFFFFFFFF82AF6D0, 0x60),
    ("vmm_ioctl", "vmm", 0xFFFFFFFFF82AFA40, 0x200),
    ("vmm_zsd_shutdown", "vmm", 0xFFFFFFFFF82C9EF0, 0x70),
    ("vmm_zsd_destroy", "vmm", 0xFFFFFFFFF82C9F60, 0x90),
    ("vmm_attach", "vmm", 0xFFFFFFFFF82B0A10, 0x1A0),
    # vmm from illumos 12750 (release-20200604) -- illustrative
    ("vmm_hma_acquire", "vmm", 0xFFFFFFFFF82AEF70, 0xB0),
    ("vmm_hma_release", "vmm", 0xFFFFFFFFF82AF020, 0x90),
)

#: Functions DTrace's fbt provider does not instrument (assembly entry points).
UNPROBED: frozenset[str] = frozenset({"sys_syscall"})

# (name, module, address, size, C type) -- all illustrative.
DATA: tuple[tuple[str, str, int, int, str], ...] = (
    ("hvm_excl_lock", "unix", 0xFFFFFFFFFBC47A10, 0x8, "kmutex_t"),
    ("hvm_excl_holder", "unix", 0xFFFFFFFFFBC47A18, 0x8, "const char *"),
    ("hma_registrations", "unix", 0xFFFFFFFFFBC47B00, 0x20, "list_t"),
    ("hma_exclusive", "unix", 0xFFFFFFFFFBC47B20, 0x4, "boolean_t"),
    ("hma_vmx_ready", "unix", 0xFFFFFFFFFBC47B24, 0x4, "boolean_t"),
    ("hma_svm_ready", "unix", 0xFFFFFFFFFBC47B28, 0x4, "boolean_t"),
    ("zone0", "genunix", 0xFFFFFFFFFBF3F400, 0xB00, "zone_t"),
    ("kvm_usage_count", "kvm", 0xFFFFFFFFF822AA40, 0x4, "uint_t"),
    ("kvm_init_failed", "kvm", 0xFFFFFFFFF822AA44, 0x4, "boolean_t"),
    ("kvm_excl_ident", "kvm", 0xFFFFFFFFF822AA48, 0x8, "const char *"),
    ("kvm_hma_ident", "kvm", 0xFFFFFFFFF822AA48, 0x8, "const char *"),
    ("vmmdev_inst_count", "vmm", 0xFFFFFFFFF82CC580, 0x4, "uint_t"),
    ("vmmdev_load_failure", "vmm", 0xFFFFFFFFF82CC584, 0x4, "boolean_t"),
    ("vmmdev_hvm_name", "vmm", 0xFFFFFFFFF82CC588, 0x8, "const char *"),
    ("vmmdev_hma_ref", "vmm", 0xFFFFFFFFF82CC590, 0x4, "uint_t"),
)

#: String literals: key -> (address, text). The first two addresses are the
#: seed's; the global zone's name is illustrative (in genunix's text, where
#: ``.rodata`` is loaded).
STRINGS: dict[str, tuple[int, str]] = {
    "kvm_ident": (0xFFFFFFFFF8224185, "SmartOS KVM"),  # seed
    "vmm_name": (0xFFFFFFFFF82CADED, "bhyve"),  # seed
    "global_zone_name": (0xFFFFFFFFFBB4A6D8, "global"),  # illustrative
}

#: ``kthread_t`` addresses (a kmem heap address, one stride per kernel thread)
#: and trap-frame addresses on their stacks (segkp) that panics print: illustrative.
KTHREAD_BASE = 0xFFFFFE5A1E4C2000
KTHREAD_STRIDE = 0x1000
KSTACK_RP_BASE = 0xFFFFFE00F4A8E8A0
KSTACK_STRIDE = 0x6000

#: Call-site offsets (caller, callee) -> offset of the return address in caller.
#: The seed fixes the two paths it shows; the rest is illustrative.
CALL_SITES: dict[tuple[str, str], int] = {
    # hold path, from the seed
    ("sys_syscall", "ioctl"): 0x19F,
    ("ioctl", "fop_ioctl"): 0x9B,
    ("fop_ioctl", "spec_ioctl"): 0x55,
    ("spec_ioctl", "cdev_ioctl"): 0x60,
    ("cdev_ioctl", "vmm_ioctl"): 0x39,
    ("vmm_ioctl", "vmmdev_do_vm_create"): 0x193,
    ("vmmdev_do_vm_create", "vmmdev_mod_incr"): 0x73,
    ("vmmdev_mod_incr", "hvm_excl_hold"): 0x37,
    # release path, from the seed
    ("sys_syscall", "zone"): 0x19F,
    # every system call goes through the same indirect call in sys_syscall
    ("sys_syscall", "open"): 0x19F,
    ("zone", "zone_destroy"): 0x1E7,
    ("zone_destroy", "zone_zsd_callbacks"): 0x124,
    ("zone_zsd_callbacks", "zsd_apply_all_keys"): 0xE6,
    ("zsd_apply_all_keys", "zsd_apply_destroy"): 0x5F,
    ("zsd_apply_destroy", "vmm_zsd_destroy"): 0x1D1,
    ("vmm_zsd_destroy", "vmm_do_vm_destroy"): 0x3A,
    ("vmm_do_vm_destroy", "vmm_do_vm_destroy_locked"): 0x3D,
    ("vmm_do_vm_destroy_locked", "vmmdev_mod_decr"): 0xE6,
    ("vmmdev_mod_decr", "hvm_excl_rele"): 0x31,
}

#: Probe ids from the seed; every other id is assigned by `probe_ids`.
SEED_PROBE_IDS: dict[tuple[str, str], int] = {
    ("hvm_excl_hold", "entry"): 8666,
    ("hvm_excl_rele", "entry"): 9030,
}

#: Illustrative first probe id per module (fbt numbers probes as it loads modules).
PROBE_ID_BASE: dict[str, int] = {
    "unix": 9100,
    "genunix": 24000,
    "specfs": 61000,
    "kvm": 72000,
    "vmm": 74000,
}


def call_site(caller: str, callee: str, caller_size: int) -> int:
    """Offset of ``caller``'s call to ``callee``: the seed's, else an illustrative one.

    The illustrative offset is a stable hash of the pair, kept inside the
    caller and away from its first and last bytes.
    """
    known = CALL_SITES.get((caller, callee))
    if known is not None:
        return known
    span = max(caller_size - 0x18, 0x8)
    return 0xC + zlib.crc32(f"{caller}->{callee}".encode()) % span


def probe_ids() -> dict[tuple[str, str], int]:
    """``(function, "entry"|"return") -> id`` for every probed function.

    The seed's two entry ids are kept; a return probe takes its entry's id + 1
    (assumption ``fbt-return-id``); the rest count up per module, in table order,
    from `PROBE_ID_BASE` (illustrative).
    """
    ids: dict[tuple[str, str], int] = {}
    next_id = dict(PROBE_ID_BASE)
    for name, module, _address, _size in FUNCTIONS:
        if name in UNPROBED:
            continue
        entry = SEED_PROBE_IDS.get((name, "entry"))
        if entry is None:
            entry = next_id[module]
            next_id[module] += 2
        ids[(name, "entry")] = entry
        ids[(name, "return")] = entry + 1
    return ids


#: Name -> KString key of the string a ``const char *`` variable points at.
POINTER_TARGETS: dict[str, str] = {
    "kvm_excl_ident": "kvm_ident",
    "kvm_hma_ident": "kvm_ident",
    "vmmdev_hvm_name": "vmm_name",
}
