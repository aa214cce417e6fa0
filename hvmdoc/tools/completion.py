"""Tab completion for a terminal: what a word being typed could become.

The word is the text after the last blank, quote, ``(``, ``|`` or ``=``, or
after the last comma of a ``vmadm list -o``/``-s`` field list (what the
workshop's line editor replaces). Candidates depend on where it stands: the
first word of a command is a command name; after ``vmadm`` a subcommand; after
a subcommand that takes a VM, a UUID (options such as ``-F`` may come first);
after ``vm`` an alias; after ``kill`` a job spec; after ``cat`` a host file;
after ``field=`` in ``vmadm list``/``lookup`` that field's values; inside a
``dtrace`` program a probe function, or a field after ``provider:module:`` or
``function:``; while ``mdb`` is open, dcmds (``::pr`` → ``::print``), walkers and
kernel symbols.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hvmdoc.tools.terminal import Terminal

__all__ = ["complete", "current_word"]

_WORD = re.compile(r"[^\s'\"(|=]*$")
#: ``vmadm list|lookup ... -o|-s a,b,c``: a comma-separated field list being typed.
_FIELD_LIST = re.compile(r"\bvmadm\s+(?:list|lookup)\b[^|;&]*\s-[os]\s*([^\s'\"]*)$")
_VM_SUBCOMMANDS = ("start", "stop", "get", "delete", "reboot")


def current_word(text: str) -> str:
    """The word being completed at the end of ``text``; in the field list of
    ``vmadm list -o``/``-s`` the field after the last comma."""
    fields = _FIELD_LIST.search(text)
    if fields is not None:
        return fields.group(1).rsplit(",", 1)[-1]
    match = _WORD.search(text)
    return match.group(0) if match else ""


def _prefixed(options: list[str] | tuple[str, ...], word: str) -> list[str]:
    seen: dict[str, None] = {}
    for option in options:
        if option.startswith(word):
            seen.setdefault(option, None)
    return sorted(seen)


def complete(terminal: Terminal, text: str) -> list[str]:
    """Candidates for the word ending ``text`` (each replaces the whole word)."""
    word = current_word(text)
    if terminal.in_mdb:
        return _complete_mdb(terminal, text, word)
    return _complete_shell(terminal, text, word)


def _complete_mdb(terminal: Terminal, text: str, word: str) -> list[str]:
    from hvmdoc.tools.mdb import DCMDS, WALKERS

    kernel = terminal.host.kernel
    segment = text.rsplit("|", 1)[-1]
    if "::" in word:
        head, _, tail = word.rpartition("::")
        return [f"{head}::{name}" for name in DCMDS if name.startswith(tail)]
    if re.search(r"::walk\s+\S*$", segment):
        return _prefixed(WALKERS, word)
    if re.search(r"::print\s+\S*$", segment) and "zone" in word:
        return _prefixed(["zone_t"], word)
    if re.search(r"::print\s+zone_t\s+(\S+\s+)*\S*$", segment):
        return _prefixed(["zone_name", "zone_id"], word)
    if word.startswith("$"):
        return _prefixed(["$q"], word)
    names = [s.name for s in kernel.symbols()]
    return _prefixed(names, word)


def _command_words(text: str) -> list[str]:
    """The words typed so far of the command the cursor is in."""
    segment = re.split(r"\||;|&&|\|\||\$\(|`", text)[-1]
    return segment.split()


def _complete_shell(terminal: Terminal, text: str, word: str) -> list[str]:
    from hvmdoc.tools.shell import command_names

    words = _command_words(text)
    typing_new = not text or text[-1].isspace() or text.endswith(("(", "|", ";"))
    before = words if typing_new else words[:-1]
    if not before:
        return _prefixed(command_names(), word)
    command = before[0].rsplit("/", 1)[-1]
    host = terminal.host
    if command == "vmadm":
        return _complete_vmadm(terminal, text, word, before)
    if command == "vm":
        return _prefixed([vm.alias for vm in host.vms if vm.alias], word)
    if command == "kill":
        return _prefixed([f"%{job.number}" for job in terminal.jobs], word)
    if command == "cat":
        return _prefixed(host.files(), word)
    if command == "dtrace":
        return _complete_dtrace(terminal, word)
    if command == "mdb":
        return _prefixed(["-k"], word)
    if command == "uname":
        return _prefixed(["-a", "-v"], word)
    if command == "ps":
        return _prefixed(["-ef"], word)
    return []


def _complete_vmadm(terminal: Terminal, text: str, word: str, before: list[str]) -> list[str]:
    from hvmdoc.formats.vmadm import LIST_FIELDS
    from hvmdoc.tools.vmadm import IMPLEMENTED

    host = terminal.host
    if len(before) == 1:
        return _prefixed(sorted(IMPLEMENTED), word)
    sub = before[1]
    if sub in {"list", "lookup"}:
        key = re.search(r"(\w+)=~?[^\s=]*$", text)
        if key is not None and text.rstrip() == text:
            values = {str(obj.get(key.group(1), "")) for obj in _objects(terminal)}
            return _prefixed(sorted(v for v in values if v), word)
        if _FIELD_LIST.search(text) is not None:
            return _prefixed(sorted(LIST_FIELDS), word)
        return _prefixed([f"{field}=" for field in sorted(LIST_FIELDS)], word)
    if sub in _VM_SUBCOMMANDS or sub in {"boot", "halt", "destroy", "json"}:
        # options may come before the UUID (`vmadm stop -F UUID`, as the labs type it)
        operands = [arg for arg in before[2:] if not arg.startswith("-")]
        if not operands and not word.startswith("-"):
            return _prefixed([vm.uuid for vm in host.vms], word)
        if sub in {"stop", "halt", "reboot"} and "-F" not in before:
            return _prefixed(["-F"], word)
        return []
    if sub == "create":
        if before[-1] == "-f":
            return _prefixed(host.files(), word)
        return _prefixed(["-f"], word)
    return []


def _objects(terminal: Terminal) -> list[dict[str, object]]:
    from hvmdoc.tools.vmadm import vm_object

    return [vm_object(vm) for vm in terminal.host.vms]


def _complete_dtrace(terminal: Terminal, word: str) -> list[str]:
    if word.startswith("-") or not word:
        options = ["-n", "-l", "-q"]
        if word.startswith("-"):
            return _prefixed(options, word)
    probes = terminal.host.kernel.probes()
    fields = word.split(":")
    if len(fields) == 1:
        return _prefixed([p.function for p in probes], word)
    # A description fills from the right (provider:module:function:name), but
    # while it is typed the last field could be a name (`hvm_excl_hold:en`) or,
    # with more fields to come, a function (`fbt::hvm_ex`, `unix:hvm_ex`).
    head, tail = ":".join(fields[:-1]), fields[-1]
    given = fields[:-1]
    found: set[str] = set()
    for probe in probes:
        full = (probe.provider, probe.module, probe.function, probe.name)
        # the last field is the probe name
        if len(fields) <= 4 and _fields_match(given, full[4 - len(given) - 1 : 3]):
            found.add(probe.name)
        # the last field is the function (provider:module:function, or module:function)
        if len(fields) <= 3 and _fields_match(given, full[3 - len(given) - 1 : 2]):
            found.add(probe.function)
    return sorted(f"{head}:{value}" for value in found if value.startswith(tail))


def _fields_match(given: list[str], actual: tuple[str, ...]) -> bool:
    """Typed fields against a probe's: an empty field matches anything, others
    as dtrace's globs."""
    from fnmatch import fnmatchcase

    return len(given) == len(actual) and all(
        not want or fnmatchcase(have, want) for want, have in zip(given, actual, strict=True)
    )
