"""The emulated SmartOS ``vmadm``: argument parsing, filters, sorting, messages.

Mirrors TritonDataCenter/smartos-live ``src/vm/sbin/vmadm.js`` as of the
bhyve brand's arrival (commit 48cb3c49, 2018-01-20, "OS-6669 create bhyve
brand"): ``main()`` and its ``switch (command)``, ``usage()`` (message then
usage on stderr, exit 2; ``help``/``-h`` on stdout, exit 0), ``getUUID()`` (36
characters with dashes at 8, 13, 18 and 23, else ``Invalid or missing UUID for
COMMAND``), ``addCommandOptions()`` + ``nopt`` (options per command; an unknown
option takes the next argument as its value), ``parseKeyEqualsValue()``,
``validFilterKey()``, ``sortVM()`` (JavaScript comparisons, ``-``/``+``
prefixes), ``addFakeFields()`` (``type``; ``ram`` from ``max_physical_memory``
for non-HVM brands) and ``readFile()`` (``File: F does not exist.``,
``Invalid JSON payload: ...``). Filters follow ``VM.js`` ``matcher()``:
``key=value`` compares ``String(value)``, ``key=~re`` is a case-insensitive
regular-expression search.

Success messages and errors go to standard error (``console.error`` in
``main()``'s callback), ``list``/``get``/``lookup`` output to standard output.
Every line is printed through `hvmdoc.formats.vmadm`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hvmdoc.formats import vmadm as fmt
from hvmdoc.tools.process import Context

if TYPE_CHECKING:
    from hvmdoc.model.host import VM, Host

__all__ = ["COMMANDS", "IMPLEMENTED", "is_vmadm_uuid", "vm_object", "vmadm_command"]

#: ``COMMANDS`` in vmadm.js (aliases included).
COMMANDS = (
    "start",
    "boot",
    "console",
    "create",
    "create-snapshot",
    "delete",
    "destroy",
    "delete-snapshot",
    "stop",
    "halt",
    "help",
    "info",
    "install",
    "get",
    "json",
    "list",
    "kill",
    "lookup",
    "reboot",
    "receive",
    "recv",
    "reprovision",
    "rollback-snapshot",
    "send",
    "sysrq",
    "update",
    "validate",
)
#: The subcommands this emulation runs.
IMPLEMENTED = (
    "create",
    "delete",
    "destroy",
    "get",
    "json",
    "halt",
    "help",
    "list",
    "lookup",
    "reboot",
    "start",
    "boot",
    "stop",
)


def _options(command: str) -> tuple[dict[str, type], dict[str, tuple[str, Any]]]:
    """``addCommandOptions()``: (long options with types, shorthands)."""
    opts: dict[str, type] = {"verbose": bool, "debug": bool}
    shorts: dict[str, tuple[str, Any]] = {"v": ("verbose", True), "d": ("debug", True)}
    if command == "lookup":
        opts.update(json=bool, output=str, unique=bool)
        shorts.update(j=("json", True), o=("output", None), **{"1": ("unique", True)})
    elif command in {"create", "receive", "recv", "reprovision", "update", "validate"}:
        shorts["f"] = ("file", None)
    elif command == "list":
        opts.update(order=str, sortby=str, parsable=bool, header=bool)
        shorts.update(
            o=("order", None),
            s=("sortby", None),
            p=("parsable", True),
            h=("header", True),
            H=("header", False),
        )
    elif command in {"halt", "reboot", "stop"}:
        opts.update(timeout=int, force=bool)
        shorts.update(t=("timeout", None), F=("force", True))
    elif command == "kill":
        opts["signal"] = str
        shorts["s"] = ("signal", None)
    return opts, shorts


def _nopt(args: list[str], command: str) -> tuple[dict[str, Any], list[str]]:
    """The part of ``nopt`` vmadm relies on: (parsed options, remaining args).
    An unknown option takes the next argument as its value (assumption
    ``tools-vmadm-unknown-option``)."""
    opts, shorts = _options(command)
    parsed: dict[str, Any] = {}
    remain: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            remain.extend(args[i + 1 :])
            break
        if not arg.startswith("-") or arg == "-":
            remain.append(arg)
            i += 1
            continue
        expanded: list[tuple[str, Any]] = []
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            expanded.append((name, value if eq else None))
        elif arg[1:] in shorts:
            expanded.append(shorts[arg[1:]])
        elif all(c in shorts for c in arg[1:]):
            expanded.extend(shorts[c] for c in arg[1:])
        else:
            expanded.append((arg[1:], None))
        for name, value in expanded:
            kind = opts.get(name)
            if value is not None:
                parsed[name] = value
            elif kind is bool:
                parsed[name] = True
            elif i + 1 < len(args) and not re.fullmatch(r"-{2,}", args[i + 1]):
                i += 1
                parsed[name] = args[i]
            else:
                parsed[name] = "" if kind is str else True
        i += 1
    return parsed, remain


class _Usage(Exception):
    """``usage(message)``: message and usage on stderr, exit 2."""

    def __init__(self, message: str | None) -> None:
        super().__init__(message)
        self.message = message


def is_vmadm_uuid(text: str) -> bool:
    """``getUUID()``'s test: 36 characters, dashes at 8, 13, 18, 23."""
    return len(text) == 36 and all(text[i] == "-" for i in (8, 13, 18, 23))


def _get_uuid(command: str, remain: list[str]) -> str:
    if remain:
        uuid = remain.pop(0)
        if is_vmadm_uuid(uuid):
            return uuid
    raise _Usage(f"Invalid or missing UUID for {command}")


def _usage_lines() -> list[str]:
    return list(fmt.render_record(fmt.Usage()))


# --------------------------------------------------------------------------- VM objects


def vm_object(vm: VM) -> dict[str, Any]:
    """What ``VM.load``/``VM.lookup`` give vmadm for a VM, with ``addFakeFields()``."""
    data = dict(vm.as_dict())
    if vm.pid is not None and vm.state == "running":
        data["pid"] = vm.pid
    data["type"] = fmt.BRAND_TYPES.get(vm.brand, "OS")[:4]
    if vm.brand not in {"kvm", "bhyve"}:
        data["ram"] = data.get("max_physical_memory")
    return data


def _flatten(obj: dict[str, Any], key: str) -> Any:
    """``VM.flatten(obj, 'a.b.c')``: nested lookup, undefined (None) if absent."""
    value: Any = obj
    for part in key.split("."):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _js_string(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _js_truthy(value: Any) -> bool:
    return value is not None and value is not False and value != 0 and value != ""


def _js_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip()) if value.strip() else 0.0
        except ValueError:
            return None
    return None


def _js_less(a: Any, b: Any) -> bool:
    """JavaScript's ``a < b`` for the values vmadm compares."""
    if a is None or b is None:
        return False
    if isinstance(a, str) and isinstance(b, str):
        return a < b
    na, nb = _js_number(a), _js_number(b)
    return na is not None and nb is not None and na < nb


def _sort_vm(a: dict[str, Any], b: dict[str, Any], fields: list[str]) -> int:
    """``sortVM()`` in vmadm.js, JavaScript truthiness and all."""
    for raw in fields:
        direction = 1
        field = raw
        if field.startswith(("+", "-")):
            direction = -1 if field[0] == "-" else 1
            field = field[1:]
        av, bv = _flatten(a, field), _flatten(b, field)
        if (
            _js_less(bv, av)
            or (not _js_truthy(av) and _js_truthy(bv))
            or (av is None and bv is not None)
        ):
            return direction
        if (
            _js_less(av, bv)
            or (_js_truthy(av) and not _js_truthy(bv))
            or (av is not None and bv is None)
        ):
            return -direction
    return 0


def _valid_filter_key(key: str) -> bool:
    """``validFilterKey()``."""
    if key in fmt.LIST_FIELDS:
        return True
    if re.match(
        r"^disks\.[*0-9]*\.(boot|image_name|image_size|image_uuid|size|media|model|zpool)$", key
    ):
        return True
    if re.search(
        r"nics\.[*0-9]*\.(dhcp_server|gateway|interface|ip|mac|model|netmask|nic_tag|vlan_id)$",
        key,
    ):
        return True
    return bool(re.match(r"^(tags|customer_metadata|internal_metadata)\..*", key))


def _valid_column_key(key: str) -> bool:
    """``validColumnKey()``: no ``disks.*.`` style columns."""
    return not re.match(r"^(disks|filesystems|nics)\.\*.*", key)


def _list_properties(field: str) -> bool:
    """Whether ``getListProperties()`` knows ``field``."""
    if field in fmt.LIST_FIELDS:
        return True
    parts = field.split(".")
    if len(parts) == 3 and parts[0] in {"disks", "nics", "filesystems"}:
        return True
    return len(parts) == 2 and parts[0] in {"tags", "customer_metadata", "internal_metadata"}


def _key_values(args: list[str]) -> list[tuple[str, str]]:
    """``parseKeyEqualsValue()``: ``key=value`` (a bare word is ``key=''``)."""
    out: list[tuple[str, str]] = []
    for arg in args:
        key, _, value = arg.partition("=")
        out.append((key, value))
    return out


class _JsRegexError(Exception):
    pass


def _matcher(obj: dict[str, Any], search: dict[str, str]) -> bool:
    """``matcher()`` in VM.js."""
    if not search:
        return True
    for key, target in search.items():
        value = _flatten(obj, key)
        if target.startswith("~"):
            try:
                pattern = re.compile(target[1:], re.IGNORECASE)
            except re.error as exc:  # Python's wording (assumption tools-vmadm-python-messages)
                raise _JsRegexError(
                    f"Invalid regular expression: /{target[1:]}/: {exc.msg}"
                ) from None
            if value is None or not pattern.search(_js_string(value)):
                return False
        elif value is None or _js_string(value) != target:
            return False
    return True


def _lookup(host: Host, search: dict[str, str]) -> list[dict[str, Any]]:
    return [obj for obj in (vm_object(vm) for vm in host.vms) if _matcher(obj, search)]


# --------------------------------------------------------------------------- command


def vmadm_command(ctx: Context) -> int:
    """``vmadm COMMAND ...``; returns vmadm's exit status."""
    try:
        return _main(ctx)
    except _Usage as usage:
        out = ctx.err
        if usage.message:
            out(usage.message + "\n")
        out("".join(line + "\n" for line in _usage_lines()))
        return 2
    except _JsRegexError as exc:
        ctx.err(f"{exc}\n")
        return 1


def _print(write: Callable[[str], None], record: fmt.Record) -> None:
    write("".join(line + "\n" for line in fmt.render_record(record)))


def _main(ctx: Context) -> int:
    args = ctx.argv[1:]
    if not args:
        raise _Usage(None)
    command = args[0]
    if command in {"-h", "-?"}:
        ctx.out("".join(line + "\n" for line in _usage_lines()))
        return 0
    if command not in COMMANDS:
        raise _Usage(f'Invalid command: "{command}".')
    parsed, remain = _nopt(args[1:], command)
    if command == "help":
        ctx.out("".join(line + "\n" for line in _usage_lines()))
        return 0
    if command not in IMPLEMENTED:
        ctx.err(f"vmadm {command}: not emulated by hvmdoc (see 'help' for what is)\n")
        return 1
    host = ctx.terminal.host
    handler = _HANDLERS[command]
    return handler(ctx, host, command, parsed, remain)


def _model_error(ctx: Context, exc: Exception) -> int:
    from hvmdoc.model.errors import VmadmError

    if isinstance(exc, VmadmError):
        ctx.err(exc.message + "\n")
        return exc.vmadm_exit_status
    raise exc


def _start(
    ctx: Context, host: Host, command: str, parsed: dict[str, Any], remain: list[str]
) -> int:
    """``start``/``boot``: ``Successfully started VM``. vmadm.js (release-20180315)
    ``startVM()`` wraps every ``VM.start`` error as ``Unable to start VM UUID:
    MESSAGE`` (keeping ``err.code``) and ``main()`` treats ``EALREADYRUNNING``
    as a no-op: the wrapped message on stderr, exit 0; any other error exits 1."""
    from hvmdoc.model.errors import AlreadyRunning, ModelError

    uuid = _get_uuid(command, remain)
    for key, _ in _key_values(remain):
        if key not in {"order", "disk", "cdrom"}:
            raise _Usage(f"Invalid argument to start: {key}")
    try:
        host.start(uuid)
    except AlreadyRunning as exc:
        _print(ctx.err, fmt.Failure("start", uuid, exc.message))
        return 0
    except ModelError as exc:
        return _model_error(ctx, exc)
    _print(ctx.err, fmt.Success("started", uuid))
    return 0


def _stop(ctx: Context, host: Host, command: str, parsed: dict[str, Any], remain: list[str]) -> int:
    """``stop``/``halt``: ``Successfully completed stop for VM``. vmadm.js
    (release-20180315) passes ``VM.stop`` errors through unwrapped; ``main()``
    treats ``ENOTRUNNING`` as a no-op (its message, exit 0) and exits 1 for any
    other, e.g. a bhyve VM stopped without ``-F`` before OS-6745 (``stop is not
    yet supported for bhyve without force``)."""
    from hvmdoc.model.errors import ModelError, NotRunning

    uuid = _get_uuid("stop" if command == "halt" else command, remain)
    try:
        host.stop(uuid, force=bool(parsed.get("force")))
    except NotRunning as exc:
        ctx.err(exc.message + "\n")
        return 0
    except ModelError as exc:
        return _model_error(ctx, exc)
    _print(ctx.err, fmt.Completed("stop", uuid))
    return 0


def _reboot(
    ctx: Context, host: Host, command: str, parsed: dict[str, Any], remain: list[str]
) -> int:
    """``reboot [-F]``: ``Successfully completed reboot for VM``. ``VM.reboot``
    (release-20180315) refuses a VM not running with ``Cannot reboot vm from
    state "STATE", must be "running"`` (no code: exit 1). The model reboots as
    a halt then a start (assumption ``tools-vmadm-reboot``), so no bhyve
    refusal applies (VM.js reboots non-vmadmd brands through ``zlogin
    shutdown -i 6``, never ``VM.stop``)."""
    from hvmdoc.model.errors import ModelError

    uuid = _get_uuid(command, remain)
    try:
        vm = _vm_by_uuid(host, uuid)
        if vm.state != "running":
            ctx.err(f'Cannot reboot vm from state "{vm.state}", must be "running"\n')
            return 1
        host.stop(uuid, force=True)
        host.start(uuid)
    except ModelError as exc:
        return _model_error(ctx, exc)
    _print(ctx.err, fmt.Completed("reboot", uuid))
    return 0


def _get(ctx: Context, host: Host, command: str, parsed: dict[str, Any], remain: list[str]) -> int:
    """``get``/``json``: ``JSON.stringify(vmobj, null, 2)``; keys in sorted order
    (assumption ``tools-vmadm-get-order``)."""
    from hvmdoc.model.errors import ModelError

    uuid = _get_uuid(command, remain)
    try:
        vm = _vm_by_uuid(host, uuid)
    except ModelError as exc:
        return _model_error(ctx, exc)
    data = dict(sorted(vm.as_dict().items()))
    _print(ctx.out, fmt.Json(data))
    return 0


def _vm_by_uuid(host: Host, uuid: str) -> VM:
    from hvmdoc.model.errors import UnknownVM

    for vm in host.vms:
        if vm.uuid == uuid:
            return vm
    raise UnknownVM(f"VM {uuid} not found in zoneadm")


def _delete(
    ctx: Context, host: Host, command: str, parsed: dict[str, Any], remain: list[str]
) -> int:
    """``delete``/``destroy``: ``Successfully deleted VM``, or ``Failed to delete VM
    UUID: MESSAGE``."""
    from hvmdoc.model.errors import ModelError

    uuid = _get_uuid(command, remain)
    try:
        _vm_by_uuid(host, uuid)
        host.delete(uuid)
    except ModelError as exc:
        message = exc.message
        if not message.startswith("Failed to delete"):
            message = f"Failed to delete VM {uuid}: {message}"
        ctx.err(message + "\n")
        return 1
    _print(ctx.err, fmt.Success("deleted", uuid))
    return 0


def _create(
    ctx: Context, host: Host, command: str, parsed: dict[str, Any], remain: list[str]
) -> int:
    """``create [-f FILE]``: the payload from a file the host has, a real file,
    or piped standard input; ``Successfully created VM UUID``. A refused create
    (``Host.create``: a bad payload, or ``Bhyve not supported`` from OS-6942)
    prints the model's message and exits 1, as ``vmadm.js`` ``main()`` does."""
    from hvmdoc.model.errors import ModelError

    filename = parsed.get("file")
    if not isinstance(filename, str) or filename in {"", "-"}:
        filename = "-"
    if filename == "-":
        if ctx.stdin is None:
            raise _Usage("Will not create from stdin when stdin is a tty.")
        text = ctx.stdin
    else:
        found = _read_payload_file(host, filename)
        if found is None:
            ctx.err(f"File: {filename} does not exist.\n")
            return 1
        text = found
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        # JSON.parse's text is V8's; this is Python's (assumption tools-vmadm-python-messages)
        ctx.err(f"Invalid JSON payload: {exc.msg}\n")
        return 1
    try:
        vm = host.create(payload)
    except ModelError as exc:
        ctx.err(exc.message + "\n")
        return 1
    _print(ctx.err, fmt.Success("created", vm.uuid))
    return 0


def _read_payload_file(host: Host, filename: str) -> str | None:
    try:
        return host.read_file(filename)
    except FileNotFoundError:
        pass
    path = Path(filename)
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None


def _lookup_cmd(
    ctx: Context, host: Host, command: str, parsed: dict[str, Any], remain: list[str]
) -> int:
    """``lookup [-j|-1] [-o fields] [field=value ...]``: UUIDs one per line, or
    JSON; ``Requested unique lookup but found N results.`` for ``-1``."""
    search = dict(_key_values(remain))
    as_json = bool(parsed.get("json"))
    if not as_json and "output" in parsed:
        ctx.err("Cannot specify -o without -j\n")
        return 1
    for key in search:
        if not _valid_filter_key(key):
            ctx.err(f'Invalid lookup key: "{key}"\n')
            return 1
    results = _lookup(host, search)
    if parsed.get("unique") and len(results) != 1:
        ctx.err(f"Requested unique lookup but found {len(results)} results.\n")
        return 1
    if as_json:
        output = parsed.get("output")
        if isinstance(output, str):
            fields = output.split(",")
            results = [{k: v for k, v in r.items() if k in fields} for r in results]
            results = [r for r in results if r]
        _print(ctx.out, fmt.Json(results))
        return 0
    ctx.out("".join(f"{r['uuid']}\n" for r in results))
    return 0


def _list(ctx: Context, host: Host, command: str, parsed: dict[str, Any], remain: list[str]) -> int:
    """``list [-p] [-H] [-o field,...] [-s field,...] [field=value ...]``."""
    search = dict(_key_values(remain))
    sortby = parsed.get("sortby", ",".join(fmt.DEFAULT_SORT))
    order = parsed.get("order", ",".join(fmt.DEFAULT_ORDER))
    sortby = sortby if isinstance(sortby, str) else "true"
    order = order if isinstance(order, str) else "true"
    parsable = bool(parsed.get("parsable")) and parsed.get("parsable") != "false"
    header: bool | None = None
    if parsable:
        header = False
    if "header" in parsed:
        header = parsed["header"] is True or parsed["header"] == "true"
    for key in search:
        if not _valid_filter_key(key):
            ctx.err(f'Invalid filter key: "{key}"\n')
            return 1
    order_fields = order.split(",")
    for key in order_fields:
        if not _valid_column_key(key):
            ctx.err(f'Invalid order key: "{key}"\n')
            return 1
    sort_fields = sortby.split(",")
    for key in sort_fields:
        if not _valid_column_key(key):
            ctx.err(f'Invalid sort key: "{key}"\n')
            return 1
    for key in sort_fields:
        if not _list_properties(key[1:] if key[:1] in {"-", "+"} else key):
            ctx.err(f"invalid sort field: {key}\n")
            return 1
    for key in order_fields:
        if not _list_properties(key):
            ctx.err(f"invalid order field: {key}\n")
            return 1
    rows = _lookup(host, search)
    rows.sort(key=functools.cmp_to_key(lambda a, b: _sort_vm(a, b, sort_fields)))
    table_rows = [{f: _flatten(row, f) for f in order_fields} for row in rows]
    lines = fmt.render_table(
        table_rows, order_fields, header=True if header is None else header, parsable=parsable
    )
    ctx.out("".join(line + "\n" for line in lines))
    return 0


_Handler = Callable[[Context, "Host", str, dict[str, Any], list[str]], int]

_HANDLERS: dict[str, _Handler] = {
    "start": _start,
    "boot": _start,
    "stop": _stop,
    "halt": _stop,
    "reboot": _reboot,
    "get": _get,
    "json": _get,
    "delete": _delete,
    "destroy": _delete,
    "create": _create,
    "lookup": _lookup_cmd,
    "list": _list,
}
