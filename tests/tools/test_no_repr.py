"""No emulated output ever shows a Python object's representation.

Sweeps every data symbol through ``::print``, every probe argument through
dtrace's ``trace()``/``printf()``, and vmadm's JSON, on every platform, and
looks for ``ClassName(`` of any class the model or tools define (and any
CamelCase word followed by a parenthesis).
"""

from __future__ import annotations

import inspect
import re

import pytest

import hvmdoc.model
import hvmdoc.tools
from hvmdoc.tools.session import HostSession

from .conftest import KVM_UUID, TEST_UUID


def _class_names() -> set[str]:
    import importlib
    import pkgutil

    names: set[str] = set()
    for package in (hvmdoc.model, hvmdoc.tools):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            names |= {n for n, obj in vars(module).items() if inspect.isclass(obj)}
    return names


CLASSES = _class_names()
REPR = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, CLASSES))) + r")\(|\b[A-Z][a-z0-9]+[A-Z]\w*\("
)


def test_pattern_catches_a_leak() -> None:
    assert {"KString", "HmaReg", "KList"} <= CLASSES
    assert REPR.search("(HmaReg(name=KString(address=1, text='bhyve')),)")
    assert not REPR.search('0xfffffffff82caded "SmartOS KVM"\nmdb: unknown type (x)\n')


def _sweep(platform: str) -> str:
    session = HostSession("emy-17", platform=platform)
    term = session.terminal()
    out = [term.execute(f"vmadm start {TEST_UUID}"), term.execute(f"vmadm start {KVM_UUID}")]
    kernel = session.host.kernel
    for name in kernel.variables():
        out.append(term.execute(f"echo {name}::print | mdb -k"))
    for symbol in kernel.symbols():
        out.append(term.execute(f"echo {symbol.name}::print | mdb -k"))
    out.append(term.execute("echo 'hma_registrations::walk list | ::print hma_reg_t' | mdb -k"))
    out.append(term.execute("echo '::walk zone | ::print zone_t' | mdb -k"))
    trace = (
        "dtrace -n '::entry,::return { trace(arg0); trace(arg1); "
        'printf("%p %d %s", arg0, arg1, stringof(arg0)) }\''
    )
    out.append(
        term.execute(
            trace,
            meanwhile=[
                f"vmadm stop -F {TEST_UUID}",
                f"vmadm stop -F {KVM_UUID}",
                f"vmadm start {TEST_UUID}",
                "reboot",
            ],
        )
    )
    out.append(term.execute(f"vmadm get {TEST_UUID}"))
    out.append(term.execute("vmadm lookup -j"))
    out.append(term.execute("ps -ef"))
    return "".join(out)


@pytest.mark.parametrize("platform", ["pre-fix", "post-fix", "hma-v2"])
def test_no_python_repr_in_any_output(platform: str) -> None:
    text = _sweep(platform)
    assert "hr_name" in text or platform == "pre-fix", "the sweep reached the HMA list"
    leak = REPR.search(text)
    assert leak is None, text[max(0, leak.start() - 200) : leak.end() + 200]
