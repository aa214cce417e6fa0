"""The modelled illumos kernel: modules, symbols, strings, fbt probes, calls, zones.

This is what the emulated ``mdb -k`` and ``dtrace`` read, through public methods
only: `Kernel.lookup_symbol`, `Kernel.whatis`, `Kernel.symbols`,
`Kernel.probes`, `Kernel.read_variable`, `Kernel.string_at`,
`Kernel.zones` and the `EventBus` in
``Kernel.events``.

Subsystems (``pc_hvm``, ``vmm``, ``kvm``, ``hma``) run their functions inside
`Kernel.function`, which fires the fbt ``entry``/``return`` probes with the
stack DTrace's ``stack()`` would print (see `hvmdoc.model.events`). Layout
values (addresses, sizes, ids) come from `hvmdoc.model.layout`; most are
illustrative, the seed's are exact.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from hvmdoc.model import layout
from hvmdoc.model.errors import AssertionPanic, TrapPanic
from hvmdoc.model.events import EventBus, Frame, Probe, ProbeEvent
from hvmdoc.model.platform import (
    ALIASES,
    BHYVE_HMA_PER_VM_STAMP,
    EXCL_WARN_STAMP,
    FIX_STAMP,
    HMA2_STAMP,
)

SymbolKind = Literal["func", "data"]

#: Symbols of pre-OS-7080 kernels only: ``pc_hvm.c`` (deleted by befffd5), the
#: bhyve and KVM code that used it.
_PREFIX_ONLY = frozenset(
    {
        "hvm_excl_hold",
        "hvm_excl_rele",
        "hvm_excl_holder",
        "hvm_excl_lock",
        "vmmdev_mod_incr",
        "vmmdev_mod_decr",
        "vmmdev_inst_count",
        "vmmdev_load_failure",
        "kvm_excl_ident",
        "kvm_init_failed",
        "hardware_enable_all",
    }
)
#: Symbols of every HMA kernel (OS-7080 on).
_HMA_ONLY = frozenset(
    {
        "hma_register",
        "hma_unregister",
        "hma_vmx_vpid_alloc",
        "hma_vmx_vpid_free",
        "hma_registrations",
        "hma_vmx_ready",
        "kvm_hma_ident",
    }
)
#: Symbols of HMA version 2 (release-20190328 on).
_HMA2_ONLY = frozenset({"hma_register_exclusive", "hma_exclusive", "hma_svm_ready"})
#: bhyve's per-VM registration (illumos 12750, release-20200604 on).
_BHYVE_PER_VM_ONLY = frozenset({"vmm_hma_acquire", "vmm_hma_release", "vmmdev_hma_ref"})


@dataclass(frozen=True)
class Module:
    """A loaded kernel module (``::modinfo``): text and data ranges.

    ``dtrace_resolves`` is False for ``vmm``: the seed's dtrace printed its frames
    as bare addresses (assumption ``dtrace-vmm-unresolved``).
    """

    name: str
    text_base: int
    text_size: int
    data_base: int
    data_size: int
    dtrace_resolves: bool = True

    def contains(self, address: int) -> bool:
        """Whether ``address`` falls in this module's text or data."""
        return (
            self.text_base <= address < self.text_base + self.text_size
            or self.data_base <= address < self.data_base + self.data_size
        )

    def segment(self, address: int) -> str | None:
        """``"text"``, ``"data"`` or None for an address outside the module."""
        if self.text_base <= address < self.text_base + self.text_size:
            return "text"
        if self.data_base <= address < self.data_base + self.data_size:
            return "data"
        return None


@dataclass(frozen=True)
class Symbol:
    """A symbol (``::nm``): name, module, address, size, kind, and C type for data."""

    name: str
    module: str
    address: int
    size: int
    kind: SymbolKind = "func"
    ctype: str = ""

    def contains(self, address: int) -> bool:
        """Whether ``address`` is inside ``[address, address + size)``."""
        return self.address <= address < self.address + self.size


@dataclass(frozen=True)
class KString:
    """A NUL-terminated string literal at a kernel address.

    Identity matters: ``hvm_excl_rele`` compares *pointers* (``consumer ==
    hvm_excl_holder``), so two KStrings with the same text at different
    addresses are different consumers.
    """

    address: int
    text: str


#: ``offsetof(list_t, list_head)``: two ``size_t`` (``list_size``, ``list_offset``).
LIST_HEAD_OFFSET = 0x10


@dataclass(frozen=True)
class KList:
    """A ``list_t`` at ``address``, as illumos lays it out (``sys/list_impl.h``:
    ``size_t list_size; size_t list_offset; struct list_node list_head;``, a node
    being ``list_next``/``list_prev``). ``nodes`` holds the address of each
    element's embedded ``list_node_t`` in list order; ``list_create()`` makes an
    empty list's head point at itself, so ``first``/``last`` are the head then.
    """

    address: int
    size: int
    offset: int
    nodes: tuple[int, ...] = ()

    @property
    def head(self) -> int:
        """``&list->list_head``."""
        return self.address + LIST_HEAD_OFFSET

    @property
    def first(self) -> int:
        """``list_head.list_next``: the first node, or the head itself when empty."""
        return self.nodes[0] if self.nodes else self.head

    @property
    def last(self) -> int:
        """``list_head.list_prev``: the last node, or the head itself when empty."""
        return self.nodes[-1] if self.nodes else self.head

    @property
    def elements(self) -> tuple[int, ...]:
        """The elements' addresses (node address minus ``list_offset``), as genunix's
        ``list`` walker yields them."""
        return tuple(node - self.offset for node in self.nodes)

    def links(self, node: int) -> tuple[int, int]:
        """``(list_next, list_prev)`` of the node at ``node`` (the head's neighbours
        close the ring)."""
        ring = [self.head, *self.nodes]
        i = ring.index(node)
        return ring[(i + 1) % len(ring)], ring[i - 1]


@dataclass
class Zone:
    """A zone's ``zone_t`` as mdb would show it (``::walk zone | ::print zone_t ...``).

    ``address`` is the ``zone_t``; ``zone_name`` the ``char *`` name. Zone ids come
    from an id space (illumos ``zone.c``); every address (``zone_t``s, name
    strings, the global zone's too) is illustrative.
    """

    zone_id: int
    zone_name: KString
    address: int
    brand: str = "joyent"
    status: str = "running"


@dataclass
class _Context:
    """One kernel thread's state: its CPU, ``kthread_t`` address and a trap frame
    address on its stack (both illustrative), identity and current call chain."""

    cpu: int
    thread: int
    rp: int
    zone_name: str
    execname: str
    pid: int
    chain: list[str] = field(default_factory=list)


#: ``cmn_err()`` levels the model uses -> (``ce_prefix``, ``ce_suffix``, syslog
#: priority): ``usr/src/uts/common/os/printf.c`` ``ce_prefix``/``ce_suffix`` and
#: ``ce_to_sl`` (CE_NOTE → SL_NOTE, CE_WARN → SL_WARN), which ``logsubr.c``
#: ``log_console()`` turns into ``kern.notice`` / ``kern.warning``.
CE_LEVELS: dict[str, tuple[str, str, str]] = {
    "CE_NOTE": ("NOTICE: ", "\n", "kern.notice"),
    "CE_WARN": ("WARNING: ", "\n", "kern.warning"),
}


def strlog_msgid(fmt: str) -> int:
    """``STRLOG_MAKE_MSGID(fmt, msgid)`` (``usr/src/uts/common/sys/strlog.h``): the
    ``[ID n ...]`` of a kernel message, a hash of its *format* string (characters
    below ``' '`` skipped). Checked against logged messages: kvm's
    ``"kvm: emulating exchange as write\\n"`` is ``[ID 177374 kern.warning]``."""
    value = 0
    for byte in fmt.encode():
        if byte >= 0x20:
            value = ((value >> 5) + (value << 27) + byte) & 0xFFFFFFFF
    return value % 899981 + 100000


@dataclass(frozen=True)
class KernelMessage:
    """A ``cmn_err()`` message as the kernel's log driver hands it to syslog.

    ``printf.c`` ``cprintf()`` formats ``"%s: [ID %u FACILITY_AND_PRIORITY] "``
    with ``mod_containing_pc(site)`` (the module whose text holds the caller) and
    the format's msgid, then the level's prefix, the message and its suffix;
    ``logsubr.c`` ``log_sendmsg()`` writes the facility and priority in. ``line``
    is that text, what ``syslogd``/``rsyslogd`` receive from ``/dev/log``.
    """

    module: str
    msgid: int
    priority: str
    text: str
    cpu: int
    zone_name: str

    @property
    def line(self) -> str:
        """``MODULE: [ID N kern.LEVEL] PREFIX MESSAGE SUFFIX``."""
        return f"{self.module}: [ID {self.msgid} {self.priority}] {self.text}"


class Kernel:
    """A kernel with a symbol table, strings, fbt probes and an event bus.

    ``fixed`` selects the OS-7080 kernel (HMA symbols present, no ``pc_hvm.c``,
    ``kvm_hma_ident`` instead of ``kvm_excl_ident``; see `Kernel._present`).
    ``stamp`` is the platform's build stamp, which decides details that changed
    between releases (a ``VERIFY``'s line, OS-6799's warning, bhyve's per-VM
    HMA functions from illumos 12750); without one, the kernel is that of the
    first platform of its kind (``pre-fix``: the seed's ``20180315T000000Z``;
    fixed: the first release with its HMA version). Thread-safe: every thread
    has its own call chain; shared tables are read-only after construction.
    """

    def __init__(
        self,
        *,
        fixed: bool,
        ncpus: int = 96,
        hma_version: int = 1,
        stamp: str | None = None,
    ) -> None:
        self.fixed = fixed
        self.ncpus = ncpus
        self.hma_version = hma_version
        if stamp is None:
            stamp = (
                ALIASES["pre-fix"] if not fixed else (FIX_STAMP if hma_version < 2 else HMA2_STAMP)
            )
        self.stamp = stamp
        #: OS-6799: ``hvm_excl_hold()`` warns when it refuses (see `hvmdoc.model.platform`).
        self.hvm_excl_warns = not fixed and EXCL_WARN_STAMP <= stamp < FIX_STAMP
        #: Every ``cmn_err()`` message so far, oldest first; each is also passed to
        #: the callables in ``message_sinks`` (the host's syslog).
        self.messages: list[KernelMessage] = []
        self.message_sinks: list[Callable[[KernelMessage], None]] = []
        self._threads = itertools.count()
        self.events = EventBus()
        self._local = threading.local()
        self._clock = itertools.count(1)
        self._clock_lock = threading.Lock()
        self._variables: dict[str, Callable[[], object]] = {}
        self._stacks: dict[tuple[str, ...], tuple[Frame, ...]] = {}
        self.modules: dict[str, Module] = {
            name: Module(
                m.name, m.text_base, m.text_size, m.data_base, m.data_size, m.dtrace_resolves
            )
            for name, m in layout.MODULES.items()
        }
        self._symbols: dict[str, Symbol] = {}
        for name, module, address, size in layout.FUNCTIONS:
            if self._present(name):
                self._symbols[name] = Symbol(name, module, address, size, "func")
        for name, module, address, size, ctype in layout.DATA:
            if self._present(name):
                self._symbols[name] = Symbol(name, module, address, size, "data", ctype)
        self._by_address = sorted(self._symbols.values(), key=lambda s: s.address)
        self._starts = [s.address for s in self._by_address]
        self.strings: dict[str, KString] = {
            key: KString(address, text) for key, (address, text) in layout.STRINGS.items()
        }
        self._strings_by_address = {s.address: s for s in self.strings.values()}
        ids = layout.probe_ids()
        self._probes: dict[tuple[str, str], Probe] = {}
        for (function, name), probe_id in ids.items():
            symbol = self._symbols.get(function)
            if symbol is None:
                continue
            kind: Literal["entry", "return"] = "entry" if name == "entry" else "return"
            self._probes[(function, name)] = Probe(probe_id, "fbt", symbol.module, function, kind)
        self._zones: dict[int, Zone] = {}
        self._zone_ids = itertools.count(1)
        global_zone = Zone(0, self.strings["global_zone_name"], self._symbols["zone0"].address)
        self._zones[0] = global_zone
        #: Next ``zone_t`` (illustrative: a kmem heap address, one page per zone).
        self._next_zone_address = 0xFFFFFE5A1C7E3000
        self._objects: dict[int, tuple[str, object]] = {}

    # -- which symbols a platform has ---------------------------------------
    def _present(self, name: str) -> bool:
        """Whether this platform's kernel has the symbol ``name``.

        OS-7080 (illumos-joyent befffd5) deleted ``pc_hvm.c`` with its lock and
        functions, and bhyve's ``vmmdev_mod_incr``/``vmmdev_mod_decr`` with their
        counters; illumos-kvm 08e1d7f renamed ``kvm_excl_ident`` to
        ``kvm_hma_ident`` and removed ``kvm_init_failed`` and
        ``hardware_enable_all``. HMA's second version (release-20190328) added
        ``hma_register_exclusive`` and ``hma_exclusive`` (OS-7600) and SVM
        support (OS-7170); illumos 12750 (release-20200604) added bhyve's
        ``vmm_hma_acquire``/``vmm_hma_release`` and ``vmmdev_hma_ref``.
        """
        if name in _PREFIX_ONLY:
            return not self.fixed
        if name in _HMA2_ONLY:
            return self.fixed and self.hma_version >= 2
        if name in _HMA_ONLY:
            return self.fixed
        if name in _BHYVE_PER_VM_ONLY:
            return self.fixed and self.stamp >= BHYVE_HMA_PER_VM_STAMP
        return True

    # -- symbols ------------------------------------------------------------
    def symbols(self) -> list[Symbol]:
        """Every symbol, in address order (what ``::nm`` lists)."""
        return list(self._by_address)

    def lookup_symbol(self, name: str) -> Symbol | None:
        """The symbol called ``name`` (``mdb``'s ``name::print`` / ``::nm -n``)."""
        if "`" in name:
            module, _, bare = name.partition("`")
            symbol = self._symbols.get(bare)
            return symbol if symbol is not None and symbol.module == module else None
        return self._symbols.get(name)

    def whatis(self, address: int) -> Symbol | None:
        """The symbol whose range holds ``address`` (``::whatis``), else None."""
        index = bisect.bisect_right(self._starts, address) - 1
        if index >= 0:
            symbol = self._by_address[index]
            if symbol.contains(address):
                return symbol
        return None

    def module_at(self, address: int) -> Module | None:
        """The module whose text or data holds ``address``."""
        for module in self.modules.values():
            if module.contains(address):
                return module
        return None

    def string_at(self, address: int) -> KString | None:
        """The string literal starting at ``address`` (``ADDR/s``)."""
        found = self._strings_by_address.get(address)
        if found is not None:
            return found
        for zone in self._zones.values():
            if zone.zone_name.address == address:
                return zone.zone_name
        return None

    def frame(self, function: str, offset: int) -> Frame:
        """The stack frame ``function+offset`` (address = symbol start + offset)."""
        symbol = self._symbols[function]
        module = self.modules[symbol.module]
        return Frame(
            symbol.module, function, offset, symbol.address + offset, module.dtrace_resolves
        )

    # -- variables ------------------------------------------------------------
    def define_variable(self, name: str, getter: Callable[[], object]) -> None:
        """Let a subsystem publish a data symbol's current value."""
        if name not in self._symbols:
            raise KeyError(name)
        self._variables[name] = getter

    def read_variable(self, name: str) -> object:
        """The current value of a data symbol (``name::print``).

        Pointers to strings come back as `KString`, NULL as None, integers
        and booleans as ``int``; the C type is ``lookup_symbol(name).ctype``.
        """
        getter = self._variables.get(name)
        if getter is None:
            raise KeyError(name)
        return getter()

    def variables(self) -> list[str]:
        """Names of the data symbols `read_variable` can read."""
        return sorted(self._variables)

    # -- allocated structures ---------------------------------------------------
    def add_object(self, address: int, ctype: str, obj: object) -> None:
        """Record a structure a subsystem allocated (``kmem_alloc``) at ``address``
        with C type ``ctype`` (e.g. ``struct hma_reg``), so ``ADDR::print`` finds it."""
        self._objects[address] = (ctype, obj)

    def remove_object(self, address: int) -> None:
        """Forget a structure when it is freed."""
        self._objects.pop(address, None)

    def object_at(self, address: int) -> tuple[str, object] | None:
        """``(ctype, object)`` of the structure allocated at ``address``, if any."""
        return self._objects.get(address)

    # -- probes -------------------------------------------------------------
    def probes(self) -> list[Probe]:
        """Every fbt probe, ordered by id (stable and deterministic)."""
        return sorted(self._probes.values(), key=lambda p: p.id)

    def probe(self, function: str, name: str) -> Probe | None:
        """The fbt probe ``function:name``, if the function is probed."""
        return self._probes.get((function, name))

    # -- zones --------------------------------------------------------------
    def zones(self) -> list[Zone]:
        """Zones in ``::walk zone`` order: the global zone first, then by creation."""
        return list(self._zones.values())

    def zone_by_id(self, zone_id: int) -> Zone | None:
        """The zone with ``zone_id``, if it exists."""
        return self._zones.get(zone_id)

    def zone_by_address(self, address: int) -> Zone | None:
        """The zone whose ``zone_t`` is at ``address``."""
        for zone in self._zones.values():
            if zone.address == address:
                return zone
        return None

    def _add_zone(self, name: str, brand: str) -> Zone:
        """Create a zone (``zone_create``): a new id, ``zone_t`` and name string.

        Ids count up and are not reused while the kernel runs (illumos allocates
        them from ``zoneid_space`` with ``id_alloc``, next-fit); addresses are
        illustrative.
        """
        zone_id = next(self._zone_ids)
        address = self._next_zone_address
        self._next_zone_address += 0x1000
        zone = Zone(zone_id, KString(address + 0xC00, name), address, brand)
        self._zones[zone_id] = zone
        return zone

    def _remove_zone(self, zone_id: int) -> None:
        self._zones.pop(zone_id, None)

    # -- calls and events ---------------------------------------------------
    def _context(self) -> _Context | None:
        context: _Context | None = getattr(self._local, "context", None)
        return context

    @contextmanager
    def thread(
        self,
        entry: str,
        *,
        cpu: int,
        zone_name: str = "global",
        execname: str = "sched",
        pid: int = 0,
    ) -> Iterator[None]:
        """Run the body as a kernel thread that entered through ``entry``.

        ``entry`` is the bottom frame (``sys_syscall`` for a system call). Nested
        use on one Python thread keeps the outer context. Each thread gets a
        ``kthread_t`` address and a trap-frame address on its stack (illustrative:
        `layout.KTHREAD_BASE` and `layout.KSTACK_RP_BASE` plus a stride per
        thread, in the order threads start), which a panic prints.
        """
        if self._context() is not None:
            yield
            return
        index = next(self._threads)
        self._local.context = _Context(
            cpu % self.ncpus,
            layout.KTHREAD_BASE + layout.KTHREAD_STRIDE * index,
            layout.KSTACK_RP_BASE + layout.KSTACK_STRIDE * index,
            zone_name,
            execname,
            pid,
            [entry],
        )
        try:
            yield
        finally:
            self._local.context = None

    def _current(self, what: str) -> _Context:
        context = self._context()
        if context is None:
            raise RuntimeError(f"{what} outside a kernel thread")
        return context

    @property
    def curzone_name(self) -> str:
        """``curproc->p_zone->zone_name`` of the running kernel thread."""
        return self._current("curproc").zone_name

    def assfail(self, expression: str, file: str, line: int) -> AssertionPanic:
        """``assfail()`` for a failed ``VERIFY(expression)`` at ``file:line`` on the
        running thread: the `AssertionPanic` to raise (CPU and thread filled in)."""
        context = self._current("assfail()")
        return AssertionPanic(expression, file, line, cpu=context.cpu, thread=context.thread)

    def null_dereference(self, module: str) -> TrapPanic:
        """A kernel page fault at address 0 in ``module`` on the running thread
        (``trap.c`` ``die()``): the `TrapPanic` to raise (``rp`` illustrative)."""
        context = self._current("a page fault")
        return TrapPanic(module, 0, context.rp, cpu=context.cpu, thread=context.thread)

    def cmn_err(self, level: str, fmt: str, *args: str) -> KernelMessage:
        """``cmn_err(level, fmt, ...)`` from the running kernel function (``printf.c``).

        ``level`` is ``CE_NOTE`` or ``CE_WARN``; ``fmt`` the C format string (``%s``
        conversions only), whose hash is the message id. The module is that of
        the calling function (``mod_containing_pc(caller())``). The message goes
        to `messages` and every sink in `message_sinks`; with neither ``!`` nor
        ``^`` leading ``fmt``, the kernel also prints it on the console, which
        the model does not show.
        """
        context = self._current("cmn_err()")
        prefix, suffix, priority = CE_LEVELS[level]
        caller = context.chain[-1]
        with self.function("cmn_err", level, fmt, *args):
            message = KernelMessage(
                module=self._symbols[caller].module,
                msgid=strlog_msgid(fmt),
                priority=priority,
                text=prefix + (fmt % args) + suffix,
                cpu=context.cpu,
                zone_name=context.zone_name,
            )
            self.messages.append(message)
            for sink in list(self.message_sinks):
                sink(message)
        return message

    def _stack(self, chain: list[str], callee: str) -> tuple[Frame, ...]:
        key = (*chain, callee)
        cached = self._stacks.get(key)
        if cached is not None:
            return cached
        frames: list[Frame] = []
        targets = [*chain[1:], callee]
        for caller, target in zip(chain, targets, strict=True):
            size = self._symbols[caller].size
            frames.append(self.frame(caller, layout.call_site(caller, target, size)))
        frames.reverse()
        stack = tuple(frames)
        self._stacks[key] = stack
        return stack

    def _tick(self) -> int:
        with self._clock_lock:
            return next(self._clock)

    @contextmanager
    def function(self, name: str, *args: object) -> Iterator[Call]:
        """Run the body as kernel function ``name(*args)``; fire its fbt probes.

        Use ``call.retval = ...`` to set what the ``return`` probe reports. An
        exception (a panic) propagates without a ``return`` event.
        """
        context = self._context()
        if context is None:
            raise RuntimeError(f"{name}() called outside a kernel thread")
        call = Call(name, args)
        if self.events.active:
            self._fire(name, "entry", context, args, None)
        context.chain.append(name)
        try:
            yield call
        finally:
            context.chain.pop()
        if self.events.active:
            self._fire(name, "return", context, args, call.retval)

    def _fire(
        self,
        function: str,
        name: str,
        context: _Context,
        args: tuple[object, ...],
        retval: object,
    ) -> None:
        probe = self._probes.get((function, name))
        if probe is None:
            return
        event = ProbeEvent(
            probe=probe,
            cpu=context.cpu,
            args=args,
            retval=retval,
            stack=self._stack(context.chain, function),
            timestamp=self._tick(),
            zone_name=context.zone_name,
            execname=context.execname,
            pid=context.pid,
        )
        self.events.publish(event)


@dataclass
class Call:
    """A running kernel function; set ``retval`` for its ``return`` probe."""

    name: str
    args: tuple[object, ...]
    retval: object = None


__all__ = [
    "CE_LEVELS",
    "LIST_HEAD_OFFSET",
    "Call",
    "KList",
    "KString",
    "Kernel",
    "KernelMessage",
    "Module",
    "Symbol",
    "SymbolKind",
    "Zone",
    "strlog_msgid",
]
