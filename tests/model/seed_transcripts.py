"""The seed's two ``stack()`` outputs, as data (transcripts may be reproduced exactly).

Mike Gerdts, "Mutual exclusion of bhyve and kvm on SmartOS", 2018-03-20. The
parenthesised names on the vmm frames were added by the author with mdb's
``::whatis``; DTrace itself printed only the addresses.
"""

from __future__ import annotations

#: DTrace ends each probe line with a space; kept explicit so editors cannot strip it.
TRAILING = " "

HOLD = (
    " 48   8666              hvm_excl_hold:entry"
    + TRAILING
    + """
              0xfffffffff82aec97 (vmmdev_mod_incr+0x37)
              0xfffffffff82aee23 (vmmdev_do_vm_create+0x73)
              0xfffffffff82afbd3 (vmm_ioctl+0x193)
              genunix`cdev_ioctl+0x39
              specfs`spec_ioctl+0x60
              genunix`fop_ioctl+0x55
              genunix`ioctl+0x9b
              unix`sys_syscall+0x19f
"""
)

RELE = (
    " 72   9030              hvm_excl_rele:entry"
    + TRAILING
    + """
              0xfffffffff82aed11 (vmmdev_mod_decr+0x31)
              0xfffffffff82af6b6 (vmm_do_vm_destroy_locked+0xe6)
              0xfffffffff82af70d (vmm_do_vm_destroy+0x3d)
              0xfffffffff82c9f9a (vmm_zsd_destroy+0x3a)
              genunix`zsd_apply_destroy+0x1d1
              genunix`zsd_apply_all_keys+0x5f
              genunix`zone_zsd_callbacks+0xe6
              genunix`zone_destroy+0x124
              genunix`zone+0x1e7
              unix`sys_syscall+0x19f
"""
)
