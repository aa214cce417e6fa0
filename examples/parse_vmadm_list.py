"""Parse a real ``vmadm list`` and ask which hypervisors have running VMs.

``examples/vmadm-list.txt`` is the table from the post, exactly as ``vmadm
list`` printed it on ``emy-17``. ``hvmdoc.formats.vmadm.parse`` reads it line
by line; the header names the columns, so every row comes back as a
``ListRow`` whose ``as_dict()`` maps field names (``uuid``, ``type``, ``ram``,
``state``, ``alias``) to the printed values. Before OS-7080, running VMs of
both types on one host meant one of them had no hardware virtualization.

Run it from the repository root: ``python examples/parse_vmadm_list.py``.
"""

from __future__ import annotations

from pathlib import Path

from hvmdoc.formats import vmadm

SAMPLE = Path(__file__).with_name("vmadm-list.txt")


def main() -> None:
    with SAMPLE.open(encoding="utf-8") as lines:
        records = list(vmadm.parse(lines, str(SAMPLE)))
    rows = [record.as_dict() for record in records if isinstance(record, vmadm.ListRow)]
    for row in rows:
        print(f"{row['alias']:<12} {row['type']:<5} {row['ram']:>5} MB  {row['state']}")
    running = sorted({row["type"] for row in rows if row["state"] == "running"})
    print("running hypervisor types:", ", ".join(running))
    if {"KVM", "BHYV"} <= set(running):
        print("both at once: before OS-7080, only one of them has VMX/SVM")


if __name__ == "__main__":
    main()
