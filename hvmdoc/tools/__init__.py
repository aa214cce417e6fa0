"""Emulated SmartOS tools over the reference model: one implementation each.

Start from :class:`~hvmdoc.tools.session.HostSession` (a scenario's host) and
open :class:`~hvmdoc.tools.terminal.Terminal` s on it; a terminal runs the
shell (:mod:`~hvmdoc.tools.shell`, grammar in :mod:`~hvmdoc.tools.shellwords`),
``vmadm`` (:mod:`~hvmdoc.tools.vmadm`), ``mdb -k`` (:mod:`~hvmdoc.tools.mdb`)
and ``dtrace`` (:mod:`~hvmdoc.tools.dtrace`, D subset in
:mod:`~hvmdoc.tools.dlang`). Every line these tools print goes through the
renderers of :mod:`hvmdoc.formats`; what the kernel and host do is
:mod:`hvmdoc.model`'s.

>>> from hvmdoc.tools import HostSession
>>> term = HostSession("emy-17").terminal()
>>> print(term.execute("echo hvm_excl_holder::print | mdb -k"), end="")
0
"""

from hvmdoc.tools.session import HostSession
from hvmdoc.tools.terminal import ForegroundJob, Job, Terminal

__all__ = ["ForegroundJob", "HostSession", "Job", "Terminal"]
