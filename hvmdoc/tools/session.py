"""A host from a scenario, and the terminals open on it.

`HostSession` is what every user of the tools starts from: the docs
checker (one per page, reset when a block names another scenario), ``hvmdoc
run`` and the workshop shell. Every terminal of a session sees the same
`Host`, so a ``dtrace`` running in one terminal sees
the probes a ``vmadm start`` typed in another one fires.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING

from hvmdoc.errors import BadInput

if TYPE_CHECKING:
    from hvmdoc.model.host import Host
    from hvmdoc.tools.terminal import Terminal

__all__ = ["FIRST_PID", "HostSession"]

#: The first process id handed to a command this session starts (``dtrace &``
#: prints it as ``[1] PID``). Illustrative (assumption ``tools-pids``).
FIRST_PID = 4201


class HostSession:
    """A scenario's host plus the terminals open on it.

    ``scenario``, ``platform``, ``cpu`` and ``seed`` go to
    `hvmdoc.model.scenarios.load_scenario`; an unknown name raises
    `hvmdoc.errors.BadInput` (the model's own error, whose message names
    what it knows).
    """

    def __init__(
        self,
        scenario: str = "emy-17",
        platform: str | None = None,
        cpu: str | None = None,
        seed: int | None = None,
    ) -> None:
        self.scenario = scenario
        self.platform = platform
        self.cpu = cpu
        self.seed = seed
        self._terminals: weakref.WeakSet[Terminal] = weakref.WeakSet()
        self._terminal_ids = itertools.count(1)
        self.host: Host = self._load()
        self._pids = itertools.count(FIRST_PID)
        self.reboots = 0
        #: Called after every `reset` (e.g. a workshop journal noting it).
        self.reset_listeners: list[Callable[[], None]] = []

    def _load(self) -> Host:
        from hvmdoc.model import scenarios
        from hvmdoc.model.errors import ModelError

        try:
            return scenarios.load_scenario(
                self.scenario, platform=self.platform, cpu=self.cpu, seed=self.seed
            )
        except ModelError as exc:
            raise BadInput(exc.message) from None

    def terminal(self) -> Terminal:
        """A new terminal (a login shell) on this host."""
        from hvmdoc.tools.terminal import Terminal

        terminal = Terminal(self, next(self._terminal_ids))
        self._terminals.add(terminal)
        return terminal

    def next_pid(self) -> int:
        """A fresh process id for a command started on this host."""
        return next(self._pids)

    def reset(self) -> None:
        """Back to the scenario's start: a fresh host; every open terminal's jobs
        end and an open ``mdb`` closes (the old kernel is gone)."""
        for terminal in list(self._terminals):
            terminal.host_replaced()
        self.host = self._load()
        self._pids = itertools.count(FIRST_PID)
        self.reboots = 0
        for listener in list(self.reset_listeners):
            listener()

    def rebooted(self) -> None:
        """Called by ``reboot``: terminals lose their jobs and debuggers."""
        self.reboots += 1
        for terminal in list(self._terminals):
            terminal.host_replaced(clear_screen=False)
