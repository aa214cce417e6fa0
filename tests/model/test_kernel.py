"""The kernel's public surface for mdb and dtrace: symbols, whatis, probes, zones."""

from __future__ import annotations

import fnmatch
import itertools

from hvmdoc.model.kernel import Kernel, KernelMessage, KString, strlog_msgid
from hvmdoc.model.layout import FUNCTIONS
from hvmdoc.model.scenarios import load_scenario


def test_seed_strings_and_global_zone_name() -> None:
    k = Kernel(fixed=False)
    assert k.string_at(0xFFFFFFFFF8224185) == KString(0xFFFFFFFFF8224185, "SmartOS KVM")
    assert k.string_at(0xFFFFFFFFF82CADED) == KString(0xFFFFFFFFF82CADED, "bhyve")
    (zone0,) = k.zones()
    assert (zone0.zone_id, zone0.zone_name.text) == (0, "global")
    assert k.string_at(zone0.zone_name.address) == zone0.zone_name


def test_string_constants_lie_in_their_modules_text() -> None:
    """krtld loads .rodata with a module's text (kobj.c): so do the model's strings."""
    k = Kernel(fixed=False)
    for key, module in (("kvm_ident", "kvm"), ("vmm_name", "vmm"), ("global_zone_name", "genunix")):
        address = k.strings[key].address
        assert k.modules[module].segment(address) == "text", key
        assert k.whatis(address) is None, "a string constant has no symbol of its own"


def test_strlog_msgid_matches_logged_messages() -> None:
    """STRLOG_MAKE_MSGID against ids seen in SmartOS logs for known formats."""
    assert strlog_msgid("kvm: emulating exchange as write\n") == 177374
    assert strlog_msgid("ip_interface_cleanup: cannot open %s: error %d") == 722105
    assert strlog_msgid("Unable to set CLSET_NODELAYONERR\n") == 497209


def test_cmn_err_from_a_kernel_function() -> None:
    k = Kernel(fixed=False)
    sunk: list[KernelMessage] = []
    k.message_sinks.append(sunk.append)
    with k.thread("sys_syscall", cpu=5, zone_name="z1"), k.function("hvm_excl_hold"):
        message = k.cmn_err("CE_WARN", "zone '%s' is %s", "z1", "here")
    msgid = strlog_msgid("zone '%s' is %s")
    assert message.line == f"unix: [ID {msgid} kern.warning] WARNING: zone 'z1' is here\n"
    assert (message.cpu, message.zone_name) == (5, "z1")
    assert k.messages == sunk == [message]


def test_panics_name_the_cpu_and_thread() -> None:
    k = Kernel(fixed=False)
    with k.thread("sys_syscall", cpu=7):
        panic = k.assfail("x > 0", "f.c", 3)
    assert str(panic).startswith("panic[cpu7]/thread=fffffe5a")
    assert str(panic).endswith(": assertion failed: x > 0, file: f.c, line: 3")
    with k.thread("sys_syscall", cpu=9):
        other = k.assfail("x > 0", "f.c", 3)
    assert other.thread != panic.thread, "each kernel thread has its own kthread_t"


def test_seed_probe_ids_and_only_two_hvm_excl_entry_probes() -> None:
    def matched(k: Kernel) -> list[tuple[int, str, str]]:
        return [
            (p.id, p.function, p.module)
            for p in k.probes()
            if fnmatch.fnmatch(f"{p.function}:{p.name}", "hvm_excl_*:entry")
        ]

    assert matched(Kernel(fixed=False)) == [
        (8666, "hvm_excl_hold", "unix"),
        (9030, "hvm_excl_rele", "unix"),
    ]
    # OS-7080 (befffd5) deleted pc_hvm.c: nothing left to probe
    assert matched(Kernel(fixed=True)) == matched(Kernel(fixed=True, hma_version=2)) == []


def test_probe_ids_unique_stable_and_sorted() -> None:
    a, b = Kernel(fixed=False).probes(), Kernel(fixed=False).probes()
    assert a == b
    ids = [p.id for p in a]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    for p in a:
        other = "return" if p.name == "entry" else "entry"
        partner = Kernel(fixed=False).probe(p.function, other)
        assert partner is not None and abs(partner.id - p.id) == 1


def test_whatis_and_lookup_round_trip_for_every_symbol() -> None:
    k = Kernel(fixed=True, hma_version=2)
    for symbol in k.symbols():
        assert k.lookup_symbol(symbol.name) == symbol
        assert k.lookup_symbol(f"{symbol.module}`{symbol.name}") == symbol
        assert k.whatis(symbol.address) == symbol
        assert k.whatis(symbol.address + symbol.size - 1) == symbol
        module = k.modules[symbol.module]
        assert module.contains(symbol.address)
    assert k.lookup_symbol("genunix`hvm_excl_hold") is None
    assert k.lookup_symbol("no_such_symbol") is None


def test_whatis_of_seed_frame_addresses() -> None:
    k = Kernel(fixed=False)
    for address, name, offset in (
        (0xFFFFFFFFF82AEC97, "vmmdev_mod_incr", 0x37),
        (0xFFFFFFFFF82AEE23, "vmmdev_do_vm_create", 0x73),
        (0xFFFFFFFFF82AFBD3, "vmm_ioctl", 0x193),
        (0xFFFFFFFFF82AED11, "vmmdev_mod_decr", 0x31),
        (0xFFFFFFFFF82AF6B6, "vmm_do_vm_destroy_locked", 0xE6),
        (0xFFFFFFFFF82AF70D, "vmm_do_vm_destroy", 0x3D),
        (0xFFFFFFFFF82C9F9A, "vmm_zsd_destroy", 0x3A),
    ):
        symbol = k.whatis(address)
        assert symbol is not None and symbol.name == name
        assert address - symbol.address == offset
    assert k.whatis(0x10) is None


def test_symbols_do_not_overlap() -> None:
    symbols = Kernel(fixed=True, hma_version=2).symbols()
    distinct = sorted({(s.address, s.size) for s in symbols})
    for (a, size), (b, _) in itertools.pairwise(distinct):
        assert a + size <= b


def test_platform_decides_symbols() -> None:
    pre, post, v2 = Kernel(fixed=False), Kernel(fixed=True), Kernel(fixed=True, hma_version=2)
    per_vm = Kernel(fixed=True, hma_version=2, stamp="20200604T000000Z")
    assert pre.lookup_symbol("kvm_excl_ident") and not pre.lookup_symbol("hma_register")
    assert post.lookup_symbol("hma_register") and not post.lookup_symbol("kvm_excl_ident")
    assert not post.lookup_symbol("hma_register_exclusive")
    assert v2.lookup_symbol("hma_register_exclusive")
    gone = ("hvm_excl_hold", "hvm_excl_rele", "hvm_excl_holder", "hvm_excl_lock")
    gone += ("vmmdev_mod_incr", "vmmdev_mod_decr", "vmmdev_inst_count", "vmmdev_load_failure")
    assert all(pre.lookup_symbol(name) for name in gone)
    for kernel in (post, v2, per_vm):
        assert [name for name in gone if kernel.lookup_symbol(name)] == []
    acquire = ("vmm_hma_acquire", "vmm_hma_release", "vmmdev_hma_ref")
    assert all(per_vm.lookup_symbol(name) for name in acquire)
    assert not any(k.lookup_symbol(name) for k in (pre, post, v2) for name in acquire)
    assert len({name for name, *_ in FUNCTIONS}) == len(FUNCTIONS)


def test_zones_walk_and_variables() -> None:
    host = load_scenario("emy-17")
    host.start("test")
    kernel = host.kernel
    zones = kernel.zones()
    assert [z.zone_name.text for z in zones] == ["global", "79062669-e229-e55d-960d-9b18d0fed8d0"]
    vm = host.find_vm("test")
    assert vm.zone_id == zones[1].zone_id
    assert kernel.zone_by_address(zones[1].address) is zones[1]
    assert kernel.string_at(zones[1].zone_name.address) == zones[1].zone_name
    assert kernel.read_variable("vmmdev_inst_count") == 1
    assert kernel.read_variable("vmmdev_hvm_name") == KString(0xFFFFFFFFF82CADED, "bhyve")
    assert "hvm_excl_holder" in kernel.variables()
    host.stop("test", force=True)
    assert [z.zone_id for z in kernel.zones()] == [0]
    host.start("test")
    assert host.find_vm("test").zone_id == zones[1].zone_id + 1, "zone ids are not reused"


def test_events_stop_after_unsubscribe() -> None:
    host = load_scenario("emy-17")
    seen: list[object] = []
    handle = host.kernel.events.subscribe(seen.append)
    host.start("test")
    count = len(seen)
    assert count > 0
    host.kernel.events.unsubscribe(handle)
    host.stop("test", force=True)
    assert len(seen) == count


def test_entry_and_return_events_nest_properly() -> None:
    host = load_scenario("emy-17", platform="post-fix")
    stack: list[str] = []
    depth_ok: list[bool] = []

    def check(event: object) -> None:
        from hvmdoc.model.events import ProbeEvent

        assert isinstance(event, ProbeEvent)
        if event.probe.name == "entry":
            stack.append(event.probe.function)
        else:
            depth_ok.append(bool(stack) and stack.pop() == event.probe.function)

    host.kernel.events.subscribe(check)
    host.start("test")
    host.start("kvm-debian8")
    host.stop("kvm-debian8")
    host.stop("test", force=True)
    assert stack == [] and depth_ok and all(depth_ok)


def test_every_event_stack_is_consistent_with_the_symbol_table() -> None:
    from hvmdoc.model.events import ProbeEvent

    for platform, cpu in (("pre-fix", "intel"), ("post-fix", "intel"), ("hma-v2", "amd")):
        host = load_scenario("race-lab", platform=platform, cpu=cpu)
        events: list[ProbeEvent] = []
        host.kernel.events.subscribe(events.append)
        for vm in list(host.vms):
            host.start(vm.uuid)
        for vm in list(host.vms)[::2]:
            host.stop(vm.uuid, force=True)
        host.delete(host.vms[-1].uuid)
        kernel = host.kernel
        assert events
        for event in events:
            symbol = kernel.lookup_symbol(event.probe.function)
            assert symbol is not None and symbol.kind == "func"
            assert event.probe.module == symbol.module
            assert 0 <= event.cpu < host.ncpus
            assert event.stack[-1].function == "sys_syscall"
            for frame in event.stack:
                owner = kernel.whatis(frame.address)
                assert owner is not None and owner.name == frame.function
                assert frame.address == owner.address + frame.offset
                assert 0 < frame.offset < owner.size
                assert frame.resolved == kernel.modules[frame.module].dtrace_resolves
