"""Observable kernel events: what DTrace's ``fbt`` provider would see.

Every kernel function the model runs fires an ``entry`` and a ``return``
`ProbeEvent` on the kernel's `EventBus`. The stack is leaf-first,
exactly as DTrace's ``stack()`` walks it for an ``fbt`` probe: the first frame is
the *caller's* return address (``vmmdev_mod_incr+0x37`` for ``hvm_excl_hold:entry``
in the seed), the last the system-call trap (``unix`sys_syscall+0x19f``).
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

ProbeName = Literal["entry", "return"]


@dataclass(frozen=True)
class Frame:
    """One stack frame: a return address inside ``module`function``.

    ``resolved`` says whether DTrace could name it: the seed shows the ``vmm``
    module's frames as bare addresses (assumption ``dtrace-vmm-unresolved``).
    """

    module: str
    function: str
    offset: int
    address: int
    resolved: bool = True

    @property
    def symbolic(self) -> str:
        """``module`function+0xoff``, as DTrace prints a resolved frame."""
        return f"{self.module}`{self.function}+{self.offset:#x}"


@dataclass(frozen=True)
class Probe:
    """An ``fbt`` probe: ``provider:module:function:name`` with a stable id."""

    id: int
    provider: str
    module: str
    function: str
    name: ProbeName

    @property
    def description(self) -> str:
        """The full probe description, ``fbt:unix:hvm_excl_hold:entry``."""
        return f"{self.provider}:{self.module}:{self.function}:{self.name}"


@dataclass(frozen=True)
class ProbeEvent:
    """A probe firing: on which CPU, with which arguments, from which stack.

    ``args`` are the function's arguments (kernel values as the model holds
    them: ints, `KString` pointers, ...); for a
    ``return`` probe ``retval`` is the return value (DTrace's ``arg1``).
    ``timestamp`` is a monotonically increasing event counter (nanoseconds are
    illustrative).
    """

    probe: Probe
    cpu: int
    args: tuple[object, ...]
    retval: object | None
    stack: tuple[Frame, ...]
    timestamp: int = 0
    zone_name: str = "global"
    execname: str = "sched"
    pid: int = 0


Callback = Callable[[ProbeEvent], None]


class EventBus:
    """Thread-safe publish/subscribe of `ProbeEvent` (what ``dtrace`` reads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[int, Callback] = {}
        self._handles = itertools.count(1)

    def subscribe(self, callback: Callback) -> int:
        """Call ``callback(event)`` for every event from now on; returns a handle."""
        with self._lock:
            handle = next(self._handles)
            self._subscribers[handle] = callback
            return handle

    def unsubscribe(self, handle: int) -> None:
        """Stop delivering to ``handle``; unknown handles are ignored."""
        with self._lock:
            self._subscribers.pop(handle, None)

    @property
    def active(self) -> bool:
        """Whether anyone listens (the kernel skips building events otherwise)."""
        return bool(self._subscribers)

    def publish(self, event: ProbeEvent) -> None:
        """Deliver ``event`` to every subscriber, in subscription order."""
        with self._lock:
            callbacks = list(self._subscribers.values())
        for callback in callbacks:
            callback(event)


__all__ = ["Callback", "EventBus", "Frame", "Probe", "ProbeEvent", "ProbeName"]
