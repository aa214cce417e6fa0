"""Emulated SmartOS tools over the reference model: one implementation each.

Start from `HostSession` (a scenario's host) and
open `Terminal` s on it; a terminal runs the
shell (`shell`, grammar in `shellwords`),
``vmadm`` (`vmadm`), ``mdb -k`` (`mdb`)
and ``dtrace`` (`dtrace`, D subset in
`dlang`). Every line these tools print goes through the
renderers of `hvmdoc.formats`; what the kernel and host do is
`hvmdoc.model`'s.

>>> from hvmdoc.tools import HostSession
>>> term = HostSession("emy-17").terminal()
>>> print(term.execute("echo hvm_excl_holder::print | mdb -k"), end="")
0
"""

from hvmdoc.tools.session import HostSession
from hvmdoc.tools.terminal import ForegroundJob, Job, Terminal

__all__ = ["ForegroundJob", "HostSession", "Job", "Terminal"]
