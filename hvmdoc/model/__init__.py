"""The reference model: SmartOS's kernel and host as they behaved before and after OS-7080.

Start with `hvmdoc.model.scenarios.load_scenario`, which returns a
`hvmdoc.model.host.Host`; its ``kernel`` (`hvmdoc.model.kernel.Kernel`)
has the symbols, probes and event bus the emulated tools read. Every behaviour
no source shows is listed in `hvmdoc.model.registry`.
"""

from __future__ import annotations

from hvmdoc.model.events import EventBus, Frame, Probe, ProbeEvent
from hvmdoc.model.host import VM, Host, Process, RebootReport
from hvmdoc.model.kernel import Kernel, KString, Module, Symbol, Zone
from hvmdoc.model.platform import Platform, parse_cpu, parse_platform
from hvmdoc.model.scenarios import SCENARIOS, load_scenario

__all__ = [
    "SCENARIOS",
    "VM",
    "EventBus",
    "Frame",
    "Host",
    "KString",
    "Kernel",
    "Module",
    "Platform",
    "Probe",
    "ProbeEvent",
    "Process",
    "RebootReport",
    "Symbol",
    "Zone",
    "load_scenario",
    "parse_cpu",
    "parse_platform",
]
