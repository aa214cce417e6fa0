"""hvmdoc: executable documentation of SmartOS's HVM exclusion lock and its fix.

In 2018 SmartOS kept bhyve and KVM from sharing VMX/SVM with an advisory lock,
``hvm_excl_hold()``/``hvm_excl_rele()`` (illumos-joyent ``usr/src/uts/i86pc/os/pc_hvm.c``,
OS-6400); OS-7080 (July 2018) replaced it with the HMA API. The package holds a
reference model of that behaviour (`hvmdoc.model`), parsers and renderers
for real tool output (`hvmdoc.formats`), emulated tools
(`hvmdoc.tools`), and the checker that replays the site's sessions
(`hvmdoc.sessions`).
"""

#: The package version; tests/test_cli_front_door.py holds it equal to pyproject.toml's
#: (a literal, not importlib.metadata, which costs every command ~20 ms of start-up).
__version__ = "0.1.0"

__all__ = ["__version__"]
