"""Errors the model raises: typed, each carrying the message a real system prints.

Messages are data of the model (the real kernel's panic string, vmadm's texts from
smartos-live ``src/vm/sbin/vmadm.js`` and ``src/vm/node_modules/VM.js``); how a tool
shows them is the tools' business. Every class derives from
`hvmdoc.errors.HvmdocError`, so a CLI that lets one escape still prints one
line and exits 2, never a traceback.
"""

from __future__ import annotations

from hvmdoc.errors import HvmdocError


class ModelError(HvmdocError):
    """Base of every model error; ``.message`` is the text a real system prints."""


class KernelPanic(ModelError):
    """The kernel panics (illumos ``panic()``); ``panic_string`` is its message.

    ``str()`` and ``message`` are the line the console shows (``usr/src/uts/common/os/panic.c``
    ``panicsys()``: ``"panic[cpu%d]/thread=%p: "`` then the message), with the
    CPU the failing call ran on and the address of its ``kthread_t``
    (illustrative, see `hvmdoc.model.kernel.Kernel.thread`); ``?`` where a
    panic was raised without them.
    """

    def __init__(self, panic_string: str, *, cpu: int | None = None, thread: int | None = None):
        self.panic_string = panic_string
        self.cpu = cpu
        self.thread = thread
        where = "?" if cpu is None else str(cpu)
        who = "?" if thread is None else f"{thread:x}"  # the kernel's %p: hex, no 0x
        super().__init__(f"panic[cpu{where}]/thread={who}: {panic_string}")


class AssertionPanic(KernelPanic):
    """A failed ``VERIFY`` (illumos ``assfail()``): the kernel panics.

    ``panic_string`` has illumos's form, ``assertion failed: EXPR, file: FILE,
    line: N`` (``usr/src/uts/common/os/printf.c`` ``assfail()`` →
    ``panic("assertion failed: %s, file: %s, line: %d", a, f, l)``). ``line`` is
    where the ``VERIFY`` sits in the source file of the platform's release.
    """

    def __init__(
        self,
        expression: str,
        file: str,
        line: int,
        *,
        cpu: int | None = None,
        thread: int | None = None,
    ) -> None:
        self.expression = expression
        self.file = file
        self.line = line
        super().__init__(
            f"assertion failed: {expression}, file: {file}, line: {line}", cpu=cpu, thread=thread
        )


class TrapPanic(KernelPanic):
    """A kernel page fault on a NULL pointer (``usr/src/uts/i86pc/os/trap.c`` ``die()``):
    ``BAD TRAP: type=e (#pf Page fault) rp=RP addr=ADDR occurred in module "MOD"
    due to a NULL pointer dereference``; ``rp`` (the saved registers' address on
    the thread's stack) is illustrative."""

    def __init__(
        self,
        module: str,
        address: int,
        rp: int,
        *,
        cpu: int | None = None,
        thread: int | None = None,
    ) -> None:
        self.module = module
        self.address = address
        super().__init__(
            f"BAD TRAP: type=e (#pf Page fault) rp={rp:x} addr={address:x} "
            f'occurred in module "{module}" due to a NULL pointer dereference',
            cpu=cpu,
            thread=thread,
        )


class VmadmError(ModelError):
    """An operation ``vmadm`` refuses; ``.message`` is vmadm's own text.

    ``exit_status`` is what ``vmadm`` exits with (``vmadm.js`` main: 1 on error,
    0 for the no-op cases ``EALREADYRUNNING``/``ENOTRUNNING``); ``code`` mirrors
    the ``err.code`` VM.js sets.
    """

    code: str = ""
    vmadm_exit_status: int = 1

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class UnknownVM(VmadmError):
    """No VM with that uuid or alias (vmload ``getVmobj``: ``VM <uuid> not found in zoneadm``)."""

    code = "ENOENT"


class InvalidUUID(VmadmError):
    """Not a uuid (``vmadm.js`` ``getUUID()``: ``Invalid or missing UUID for <command>``)."""

    code = "EINVAL"
    vmadm_exit_status = 2


class VMStateError(VmadmError):
    """The VM is not in a state the operation needs."""


class AlreadyRunning(VMStateError):
    """``VM.start`` of a running VM: ``VM <uuid> is already 'running'`` (vmadm exits 0)."""

    code = "EALREADYRUNNING"
    vmadm_exit_status = 0


class NotRunning(VMStateError):
    """``VM.stop`` of a VM not running: "... is already not 'running' (currently: S)"."""

    code = "ENOTRUNNING"
    vmadm_exit_status = 0


class StopUnsupported(VmadmError):
    """``VM.stop`` of a bhyve VM without force before OS-6745: smartos-live
    release-20180315 ``VM.js`` ``exports.stop`` step ``_unsupportedBhyve``:
    "stop is not yet supported for bhyve without force" (no ``err.code``;
    vmadm.js prints the bare message and exits 1)."""


class BhyveNotSupported(VmadmError):
    """``VM.create`` of a bhyve VM on a host whose sysinfo says ``"Bhyve Capable":
    false``: smartos-live ee76b399 (OS-6942, first on release-20180510)
    ``VM.js`` ``exports.create`` calls ``cb(new Error('Bhyve not supported'))``
    before ``createVM()`` (nothing is created; no ``err.code``); ``vmadm.js``
    ``main()`` prints the bare message on stderr and exits 1."""


class UnknownBrand(VmadmError):
    """``VM.create`` validation: ``Invalid brand while validating payload: "<brand>"``."""

    code = "EINVAL"


class InvalidPayload(VmadmError):
    """A create payload the model cannot use (missing or malformed property)."""

    code = "EINVAL"


class UnknownScenario(ModelError):
    """``load_scenario`` got a name it does not know."""


class UnknownPlatform(ModelError):
    """A ``--platform`` value that is neither an alias nor a build stamp."""


class UnknownCPU(ModelError):
    """A ``--cpu`` value other than ``intel`` or ``amd``."""


__all__ = [
    "AlreadyRunning",
    "AssertionPanic",
    "BhyveNotSupported",
    "InvalidPayload",
    "InvalidUUID",
    "KernelPanic",
    "ModelError",
    "NotRunning",
    "StopUnsupported",
    "TrapPanic",
    "UnknownBrand",
    "UnknownCPU",
    "UnknownPlatform",
    "UnknownScenario",
    "UnknownVM",
    "VMStateError",
    "VmadmError",
]
