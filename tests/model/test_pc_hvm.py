"""The exclusion lock itself (pc_hvm.c): identity, non-reentrancy, VERIFY, threads."""

from __future__ import annotations

import threading

import pytest

from hvmdoc.model.errors import AssertionPanic, KernelPanic
from hvmdoc.model.kernel import Kernel, KString, strlog_msgid
from hvmdoc.model.pc_hvm import HVM_EXCL_WARNING, HvmExclusion

BHYVE = KString(0xFFFFFFFFF82CADED, "bhyve")
KVM = KString(0xFFFFFFFFF8224185, "SmartOS KVM")


@pytest.fixture
def excl() -> HvmExclusion:
    return HvmExclusion(Kernel(fixed=False))


def run(excl: HvmExclusion, fn: object, *args: object) -> object:
    with excl.kernel.thread("sys_syscall", cpu=1):
        return fn(*args)  # type: ignore[operator]


def test_hold_then_hold_again_fails_even_for_the_holder(excl: HvmExclusion) -> None:
    assert run(excl, excl.hvm_excl_hold, BHYVE) is True
    assert run(excl, excl.hvm_excl_hold, BHYVE) is False
    assert run(excl, excl.hvm_excl_hold, KVM) is False
    assert excl.holder is BHYVE


def test_release_by_holder_frees_the_lock(excl: HvmExclusion) -> None:
    run(excl, excl.hvm_excl_hold, KVM)
    run(excl, excl.hvm_excl_rele, KVM)
    assert excl.holder is None
    assert run(excl, excl.hvm_excl_hold, BHYVE) is True


def test_release_by_non_holder_panics_with_illumos_string(excl: HvmExclusion) -> None:
    run(excl, excl.hvm_excl_hold, BHYVE)
    with pytest.raises(KernelPanic) as info:
        run(excl, excl.hvm_excl_rele, KVM)
    assert info.value.panic_string == (
        "assertion failed: consumer == hvm_excl_holder, file: ../../i86pc/os/pc_hvm.c, line: 54"
    )
    assert excl.holder is BHYVE


def test_release_of_a_free_lock_panics(excl: HvmExclusion) -> None:
    with pytest.raises(KernelPanic):
        run(excl, excl.hvm_excl_rele, BHYVE)


def test_same_text_at_another_address_is_not_the_holder(excl: HvmExclusion) -> None:
    run(excl, excl.hvm_excl_hold, BHYVE)
    impostor = KString(BHYVE.address + 0x40, "bhyve")
    with pytest.raises(KernelPanic):
        run(excl, excl.hvm_excl_rele, impostor)
    same_pointer = KString(BHYVE.address, "bhyve")
    run(excl, excl.hvm_excl_rele, same_pointer)
    assert excl.holder is None


def test_release_event_has_no_return_after_panic(excl: HvmExclusion) -> None:
    names: list[str] = []
    excl.kernel.events.subscribe(lambda e: names.append(f"{e.probe.function}:{e.probe.name}"))
    with pytest.raises(KernelPanic):
        run(excl, excl.hvm_excl_rele, KVM)
    assert names == ["hvm_excl_rele:entry"]


def test_hold_return_probe_reports_the_result(excl: HvmExclusion) -> None:
    returns: list[object] = []
    excl.kernel.events.subscribe(
        lambda e: returns.append(e.retval) if e.probe.name == "return" else None
    )
    run(excl, excl.hvm_excl_hold, KVM)
    run(excl, excl.hvm_excl_hold, BHYVE)
    assert returns == [1, 0]


def test_concurrent_holds_exactly_one_wins(excl: HvmExclusion) -> None:
    consumers = [KString(0x1000 + i, f"c{i}") for i in range(16)]
    for _round in range(20):
        barrier = threading.Barrier(len(consumers))
        wins: list[KString] = []
        lock = threading.Lock()

        def contend(
            c: KString,
            barrier: threading.Barrier = barrier,
            lock: threading.Lock = lock,
            wins: list[KString] = wins,
        ) -> None:
            barrier.wait()
            if run(excl, excl.hvm_excl_hold, c):
                with lock:
                    wins.append(c)

        threads = [threading.Thread(target=contend, args=(c,)) for c in consumers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(wins) == 1
        assert excl.holder is wins[0]
        run(excl, excl.hvm_excl_rele, wins[0])


def test_function_outside_a_kernel_thread_is_a_bug(excl: HvmExclusion) -> None:
    with pytest.raises(RuntimeError):
        excl.hvm_excl_hold(BHYVE)


SEED_KERNEL = "20180315T000000Z"  # OS-6400's pc_hvm.c (release-20180315)
OS_6799_KERNEL = "20180412T000000Z"  # OS-6799's pc_hvm.c (release-20180412)


def test_verify_line_follows_the_platforms_pc_hvm_c() -> None:
    for stamp, line in ((SEED_KERNEL, 54), (OS_6799_KERNEL, 62), ("20180816T000000Z", 62)):
        excl = HvmExclusion(Kernel(fixed=False, stamp=stamp))
        with pytest.raises(AssertionPanic) as info:
            run(excl, excl.hvm_excl_rele, KVM)
        assert info.value.line == line, stamp
        assert info.value.panic_string.endswith(f"pc_hvm.c, line: {line}")
        assert str(info.value).startswith("panic[cpu1]/thread="), "the CPU it ran on"


def test_refused_hold_is_silent_before_os_6799() -> None:
    excl = HvmExclusion(Kernel(fixed=False, stamp=SEED_KERNEL))
    run(excl, excl.hvm_excl_hold, BHYVE)
    assert run(excl, excl.hvm_excl_hold, KVM) is False
    assert excl.kernel.messages == []


def test_refused_hold_warns_from_os_6799() -> None:
    kernel = Kernel(fixed=False, stamp=OS_6799_KERNEL)
    excl = HvmExclusion(kernel)
    calls: list[str] = []
    kernel.events.subscribe(lambda e: calls.append(f"{e.probe.function}:{e.probe.name}"))
    with kernel.thread("sys_syscall", cpu=30, zone_name="57409636-927a-cc7a-d744-e0f92b73f4e4"):
        assert excl.hvm_excl_hold(BHYVE) is True
        assert kernel.messages == [], "a granted hold logs nothing"
        assert excl.hvm_excl_hold(KVM) is False
    (message,) = kernel.messages
    assert message.line == (
        "unix: [ID 141716 kern.warning] WARNING: zone "
        "'57409636-927a-cc7a-d744-e0f92b73f4e4' cannot take HVM exclusion lock as "
        "'SmartOS KVM': held by 'bhyve'\n"
    )
    assert message.msgid == strlog_msgid(HVM_EXCL_WARNING)
    assert calls[-4:] == [
        "hvm_excl_hold:entry",
        "cmn_err:entry",
        "cmn_err:return",
        "hvm_excl_hold:return",
    ], "the warning is logged inside hvm_excl_hold, observably"
