"""Named, deterministic hosts: ``load_scenario(name, platform=None, cpu=None, seed=None)``.

* ``emy-17`` -- the seed's host (Mike Gerdts, 2018-03-20): VMs ``test`` (bhyve,
  2048 MB, 79062669-e229-e55d-960d-9b18d0fed8d0) and ``kvm-debian8`` (kvm, 1024 MB,
  57409636-927a-cc7a-d744-e0f92b73f4e4), both stopped, on a pre-fix platform.
  Its kernel has the seed's addresses, probe ids, and CPUs 48 (hold) and 72
  (release) for ``test``. ``autoboot`` starts false (assumption
  ``emy-17-initial-state``); ``vmadm start`` sets it, as VM.js does, so after the
  seed's two starts both race at the next reboot.
* ``emy-17-fixed`` -- the same host on the first OS-7080 platform.
* ``amd-host`` -- an AMD host with one bhyve and one KVM VM (pre-fix by default).
* ``race-lab`` -- several bhyve and KVM autoboot VMs, for ``reboot`` and ``hvmdoc race``.
* ``mixed`` -- bhyve, KVM, joyent and lx zones together.

Every scenario also has ``vmadm create -f`` payloads under ``/opt/payloads/``
(``bhyve.json``, ``kvm.json``, ``joyent.json``). Only emy-17's names, uuids,
sizes and the seed's kernel values come from a source; every other scenario
value is illustrative.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hvmdoc.model.errors import UnknownScenario
from hvmdoc.model.host import Host


def _payload_file(payload: dict[str, Any]) -> str:
    return json.dumps(payload, indent=2) + "\n"


#: ``vmadm create -f`` payloads every scenario offers (illustrative), under
#: /opt, which survives a SmartOS reboot (the global zone's /root does not).
PAYLOAD_FILES: tuple[tuple[str, str], ...] = (
    (
        "/opt/payloads/bhyve.json",
        _payload_file({"alias": "bhyve-new", "brand": "bhyve", "ram": 1024, "vcpus": 1}),
    ),
    (
        "/opt/payloads/kvm.json",
        _payload_file({"alias": "kvm-new", "brand": "kvm", "ram": 1024, "vcpus": 1}),
    ),
    (
        "/opt/payloads/joyent.json",
        _payload_file({"alias": "zone-new", "brand": "joyent", "ram": 256}),
    ),
)


@dataclass(frozen=True)
class VMSpec:
    """A VM a scenario creates: the vmadm payload fields the model uses."""

    uuid: str
    alias: str
    brand: str
    ram: int
    autoboot: bool = False
    running: bool = False
    vcpus: int = 1

    def payload(self) -> dict[str, Any]:
        """The ``vmadm create`` payload (``autoboot`` false: started separately)."""
        return {
            "uuid": self.uuid,
            "alias": self.alias,
            "brand": self.brand,
            "ram": self.ram,
            "vcpus": self.vcpus,
            "autoboot": False,
        }


@dataclass(frozen=True)
class Scenario:
    """A named host set-up with its defaults."""

    name: str
    hostname: str
    description: str
    vms: tuple[VMSpec, ...]
    platform: str = "pre-fix"
    cpu: str = "intel"
    ncpus: int = 96
    seed: int = 17
    files: tuple[tuple[str, str], ...] = PAYLOAD_FILES

    def build(
        self, platform: str | None = None, cpu: str | None = None, seed: int | None = None
    ) -> Host:
        """A fresh `Host` for this scenario (overrides as given)."""
        host = Host(
            self.hostname,
            platform=platform or self.platform,
            cpu_vendor=cpu or self.cpu,
            ncpus=self.ncpus,
            seed=self.seed if seed is None else seed,
        )
        host.scenario = self.name
        for path, text in self.files:
            host.add_file(path, text)
        for spec in self.vms:
            vm = host.create(spec.payload(), preexisting=True)
            vm.autoboot = spec.autoboot
        for spec in self.vms:
            if spec.running:
                host.start(spec.uuid)
        for spec in self.vms:  # start sets autoboot; keep the scenario's value
            host.find_vm(spec.uuid).autoboot = spec.autoboot
        return host


EMY17_VMS = (
    VMSpec("79062669-e229-e55d-960d-9b18d0fed8d0", "test", "bhyve", 2048),
    VMSpec("57409636-927a-cc7a-d744-e0f92b73f4e4", "kvm-debian8", "kvm", 1024),
)


def _race_lab_vms() -> tuple[VMSpec, ...]:
    specs = []
    for i in range(3):
        specs.append(
            VMSpec(
                f"b1a0{i:04d}-0000-4000-8000-00000000b{i:03d}", f"bhyve-{i}", "bhyve", 1024, True
            )
        )
    for i in range(2):
        specs.append(
            VMSpec(f"c0a0{i:04d}-0000-4000-8000-00000000c{i:03d}", f"kvm-{i}", "kvm", 1024, True)
        )
    return tuple(specs)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario(
            "emy-17",
            "emy-17",
            "The seed's host: a bhyve VM `test` and a KVM VM `kvm-debian8`, both stopped.",
            EMY17_VMS,
        ),
        Scenario(
            "emy-17-fixed",
            "emy-17",
            "The seed's host on the first platform carrying OS-7080.",
            EMY17_VMS,
            platform="post-fix",
        ),
        Scenario(
            "amd-host",
            "amd-1",
            "An AMD host with one bhyve and one KVM VM.",
            (
                VMSpec("a3d0c0de-0000-4000-8000-000000000001", "amd-bhyve", "bhyve", 2048),
                VMSpec("a3d0c0de-0000-4000-8000-000000000002", "amd-kvm", "kvm", 1024),
            ),
            cpu="amd",
            ncpus=64,
        ),
        Scenario(
            "race-lab",
            "race-lab",
            "Three bhyve and two KVM VMs, all autoboot: they race at every reboot.",
            _race_lab_vms(),
        ),
        Scenario(
            "mixed",
            "mixed-1",
            "bhyve, KVM, joyent and lx zones on one host; the joyent zone runs.",
            (
                VMSpec("d1e5e100-0000-4000-8000-000000000001", "web", "joyent", 512, True, True),
                VMSpec("d1e5e100-0000-4000-8000-000000000002", "ubuntu-lx", "lx", 1024),
                VMSpec("d1e5e100-0000-4000-8000-000000000003", "win-bhyve", "bhyve", 4096),
                VMSpec("d1e5e100-0000-4000-8000-000000000004", "legacy-kvm", "kvm", 2048),
            ),
        ),
    )
}


def load_scenario(
    name: str, platform: str | None = None, cpu: str | None = None, seed: int | None = None
) -> Host:
    """A new `Host` for scenario ``name``.

    ``platform`` (alias or stamp), ``cpu`` (``intel``/``amd``) and ``seed`` (the
    reboot race's generator) override the scenario's defaults. Unknown names
    raise `UnknownScenario`; bad platform/cpu values their own errors.
    """
    scenario = SCENARIOS.get(name)
    if scenario is None:
        raise UnknownScenario(
            f"unknown scenario {name!r}: choose one of {', '.join(sorted(SCENARIOS))}"
        )
    return scenario.build(platform, cpu, seed)


def scenario_names() -> list[str]:
    """Known scenario names, sorted."""
    return sorted(SCENARIOS)


#: Shell helpers a scenario's host defines (the seed's ``vm ALIAS`` prints a uuid).
def vm_helper(host: Host) -> Callable[[str], str | None]:
    """The seed host's ``vm`` shell function: alias → uuid (None if unknown)."""

    def vm(alias: str) -> str | None:
        for candidate in host.vms:
            if candidate.alias == alias:
                return candidate.uuid
        return None

    return vm


__all__ = ["SCENARIOS", "Scenario", "VMSpec", "load_scenario", "scenario_names", "vm_helper"]
