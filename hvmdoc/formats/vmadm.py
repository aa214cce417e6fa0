"""What SmartOS ``vmadm`` prints, as records, and back.

Records (frozen dataclasses; field names are public API):

- `ListHeader` ``(columns, parsable=False)`` -- the heading of
  ``vmadm list``; ``columns`` are field names (``uuid``, ``type``...), printed
  as their headers (``UUID``, ``TYPE``...).
- `ListRow` ``(columns, values, parsable=False)`` -- one VM of
  ``vmadm list``; ``values[i]`` belongs to ``columns[i]``; an empty value is
  ``""`` (printed ``-`` in a table, nothing with ``-p``). ``as_dict()`` pairs them.
- `Success` ``(verb, uuid)`` -- ``Successfully VERB VM UUID`` (``started``,
  ``created``, ``deleted``, ``updated``...).
- `Completed` ``(command, uuid)`` -- ``Successfully completed COMMAND for VM
  UUID`` (what ``stop`` and ``reboot`` print).
- `Failure` ``(action, uuid, message)`` -- ``Unable to ACTION VM UUID: MESSAGE``.
- `NotRunning` ``(uuid, state)`` -- ``stop`` of a VM that is not running
  (``VM.stop``'s error, printed unwrapped; vmadm exits 0).
- `AlreadyRunning` ``(uuid)`` -- ``VM UUID is already 'running'``, the error
  ``VM.start`` raises for a running VM. ``vmadm start`` does not print it
  alone: ``startVM()`` wraps it, so the line is ``Unable to start VM UUID: VM
  UUID is already 'running'``, a `Failure` (vmadm still exits 0).
- `InvalidUuid` ``(command)`` -- ``Invalid or missing UUID for COMMAND``;
  `Usage` ``(program="/usr/vm/sbin/vmadm")`` -- the usage text after it.
- `Json` ``(data)`` -- ``vmadm get`` (and ``lookup -j``): JSON indented 2.

Sources (TritonDataCenter/smartos-live, ``src/vm/sbin/vmadm.js``):
``LIST_FIELDS`` (header and width of each column; ``getListProperties()``
gives other dotted fields width 20 and the upper-cased name),
``outputVMListLine()`` (``%-Ws`` per column joined by two spaces, or ``%s``
joined by ``:`` with ``-p``; empty values ``-``, or empty with ``-p``; the line
right-trimmed), ``DEFAULT_ORDER``/``DEFAULT_SORT``, ``addFakeFields()`` (TYPE is
the brand's type cut to 4 characters: ``OS``, ``LX``, ``KVM``, ``BHYV``),
``main()`` (``-p`` turns the header off unless ``-h``), the ``start``/``stop``
callbacks and ``usage()``; ``src/vm/node_modules/VM.js`` for the
already-running texts; ``JSON.stringify(data, null, 2)`` for ``get``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from hvmdoc.formats.errors import ParseError

__all__ = [
    "BRAND_TYPES",
    "DEFAULT_ORDER",
    "DEFAULT_SORT",
    "LIST_FIELDS",
    "PROGRAM",
    "USAGE_LINES",
    "AlreadyRunning",
    "Completed",
    "Failure",
    "InvalidUuid",
    "Json",
    "ListHeader",
    "ListRow",
    "NotRunning",
    "Record",
    "Success",
    "Usage",
    "column_header",
    "column_width",
    "field_for_header",
    "parse",
    "render",
    "render_record",
    "render_table",
]

#: ``LIST_FIELDS`` in vmadm.js: field -> (header, width).
LIST_FIELDS: dict[str, tuple[str, int]] = {
    "alias": ("ALIAS", 10),
    "autoboot": ("AUTOBOOT", 8),
    "billing_id": ("BILLING_ID", 36),
    "boot_timestamp": ("BOOT_TIMESTAMP", 24),
    "brand": ("BRAND", 14),
    "cpu_cap": ("CPU_CAP", 7),
    "cpu_shares": ("CPU_SHARE", 9),
    "cpu_type": ("CPU_TYPE", 8),
    "create_timestamp": ("CREATE_TIMESTAMP", 24),
    "dns_domain": ("DOMAIN", 32),
    "do_not_inventory": ("DNI", 5),
    "docker": ("DOCKER", 6),
    "exit_status": ("EXIT", 4),
    "exit_timestamp": ("EXIT_TIMESTAMP", 24),
    "firewall_enabled": ("FIREWALL_ENABLED", 16),
    "flexible_disk_size": ("FLEX_DISK_SIZE", 14),
    "free_space": ("FREE_SPACE", 14),
    "hostname": ("HOSTNAME", 32),
    "hvm": ("HVM", 5),
    "image_uuid": ("IMAGE_UUID", 36),
    "indestructible_delegated": ("INDESTR_DATA", 12),
    "indestructible_zoneroot": ("INDESTR_ROOT", 12),
    "ram": ("RAM", 7),
    "max_locked_memory": ("MAX_LOCKED", 10),
    "max_lwps": ("MAX_LWP", 7),
    "max_physical_memory": ("MAX_PHYS", 8),
    "max_swap": ("MAX_SWAP", 8),
    "owner_uuid": ("OWNER_UUID", 36),
    "package_name": ("PACKAGE_NAME", 32),
    "package_version": ("PACKAGE_VER", 11),
    "pid": ("PID", 6),
    "qemu_extra_opts": ("QEMU_EXTRA_OPTS", 15),
    "quota": ("QUOTA", 5),
    "zone_state": ("ZONE_STATE", 10),
    "state": ("STATE", 16),
    "tmpfs": ("TMPFS", 5),
    "type": ("TYPE", 4),
    "uuid": ("UUID", 36),
    "vcpus": ("VCPUS", 5),
    "zfs_io_priority": ("IO_PRIORITY", 11),
    "zpool": ("ZPOOL", 12),
    "zonename": ("ZONENAME", 12),
    "zonepath": ("ZONEPATH", 40),
    "zoneid": ("ZONEID", 6),
}
_BY_HEADER = {header: field for field, (header, _) in LIST_FIELDS.items()}
#: ``DEFAULT_ORDER`` and ``DEFAULT_SORT`` in vmadm.js.
DEFAULT_ORDER: tuple[str, ...] = ("uuid", "type", "ram", "state", "alias")
DEFAULT_SORT: tuple[str, ...] = ("ram", "uuid")
#: brand -> TYPE column (``BRAND_OPTIONS[brand].features.type.substr(0, 4)``).
BRAND_TYPES: dict[str, str] = {
    "joyent": "OS",
    "joyent-minimal": "OS",
    "lx": "LX",
    "kvm": "KVM",
    "bhyve": "BHYV",
}
#: ``process.argv[1]`` as ``usage()`` prints it on SmartOS.
PROGRAM = "/usr/vm/sbin/vmadm"
#: The lines ``usage()`` prints after ``Usage: PROGRAM <command> [options]``.
USAGE_LINES: tuple[str, ...] = (
    "",
    "create [-f <filename>]",
    "create-snapshot <uuid> <snapname>",
    "console <uuid>",
    "delete <uuid>",
    "delete-snapshot <uuid> <snapname>",
    "events [-fjr] [uuid]",
    "get <uuid>",
    "info <uuid> [type,...]",
    "install <uuid>",
    "kill [-s SIGNAL|-SIGNAL] <uuid>",
    "list [-p] [-H] [-o field,...] [-s field,...] [field=value ...]",
    "lookup [-j|-1] [-o field,...] [field=value ...]",
    "reboot <uuid> [-F]",
    "receive [-f <filename>]",
    "reprovision <uuid> [-f <filename>]",
    "rollback-snapshot <uuid> <snapname>",
    "send <uuid> [target]",
    "start <uuid> [option=value ...]",
    "stop <uuid> [-F] [-t timeout]",
    "sysrq <uuid> <nmi|screenshot>",
    "update <uuid> [-f <filename>]",
    " -or- update <uuid> property=value [property=value ...]",
    "validate create [-f <filename>]",
    "validate update <brand> [-f <filename>]",
    "",
    "For more detailed information on the use of this command,type 'man vmadm'.",
)


def column_header(field: str) -> str:
    """The heading vmadm prints for a field (``getListProperties()``)."""
    entry = LIST_FIELDS.get(field)
    return entry[0] if entry else field.upper()


def column_width(field: str) -> int:
    """The column width vmadm pads a field to (20 for dotted fields it accepts)."""
    entry = LIST_FIELDS.get(field)
    return entry[1] if entry else 20


def field_for_header(header: str) -> str:
    """The field name behind a heading (``CPU_SHARE`` -> ``cpu_shares``)."""
    return _BY_HEADER.get(header, header.lower())


@dataclass(frozen=True, slots=True)
class ListHeader:
    """The heading line of ``vmadm list`` (absent with ``-H``, and with ``-p`` unless ``-h``)."""

    columns: tuple[str, ...]
    parsable: bool = False


@dataclass(frozen=True, slots=True)
class ListRow:
    """One VM of ``vmadm list``; ``""`` is an empty value."""

    columns: tuple[str, ...]
    values: tuple[str, ...]
    parsable: bool = False

    def as_dict(self) -> dict[str, str]:
        """``{column: value}``."""
        return dict(zip(self.columns, self.values, strict=True))


@dataclass(frozen=True, slots=True)
class Success:
    """``Successfully VERB VM UUID``."""

    verb: str
    uuid: str


@dataclass(frozen=True, slots=True)
class Completed:
    """``Successfully completed COMMAND for VM UUID`` (stop, reboot)."""

    command: str
    uuid: str


@dataclass(frozen=True, slots=True)
class Failure:
    """``Unable to ACTION VM UUID: MESSAGE``."""

    action: str
    uuid: str
    message: str


@dataclass(frozen=True, slots=True)
class AlreadyRunning:
    """``VM UUID is already 'running'``: the error VM.js ``start()`` raises
    (``EALREADYRUNNING``) for a running VM.

    ``vmadm start`` never prints it alone: vmadm.js ``startVM()`` wraps every
    ``VM.start`` error as ``Unable to start VM UUID: MESSAGE``, which parses as
    a `Failure` whose ``message`` is this text (``main()`` still exits 0 for
    ``EALREADYRUNNING``). The bare line is what VM.js callers log.
    """

    uuid: str


@dataclass(frozen=True, slots=True)
class NotRunning:
    """``VM UUID is already not 'running' (currently: STATE)`` (VM.js ``stop``)."""

    uuid: str
    state: str


@dataclass(frozen=True, slots=True)
class InvalidUuid:
    """``Invalid or missing UUID for COMMAND`` (``getUUID()``; usage follows, exit 2)."""

    command: str


@dataclass(frozen=True, slots=True)
class Usage:
    """vmadm's usage text (``usage()``), all of its lines."""

    program: str = PROGRAM


@dataclass(frozen=True, slots=True)
class Json:
    """A JSON document as vmadm prints it (``JSON.stringify(data, null, 2)``)."""

    data: Any


Record = (
    ListHeader
    | ListRow
    | Success
    | Completed
    | Failure
    | AlreadyRunning
    | NotRunning
    | InvalidUuid
    | Usage
    | Json
)


# --------------------------------------------------------------------------- render


def _list_line(columns: tuple[str, ...], values: Iterable[str], parsable: bool) -> str:
    if parsable:
        return ":".join(values)
    cells = [f"{v or '-':<{column_width(c)}}" for c, v in zip(columns, values, strict=True)]
    return "  ".join(cells).rstrip()


def render_record(record: Record) -> Iterator[str]:
    """The lines (without newlines) one record prints as."""
    match record:
        case ListHeader(columns=columns, parsable=parsable):
            yield _list_line(columns, (column_header(c) for c in columns), parsable)
        case ListRow(columns=columns, values=values, parsable=parsable):
            yield _list_line(columns, values, parsable)
        case Success(verb=verb, uuid=uuid):
            yield f"Successfully {verb} VM {uuid}"
        case Completed(command=command, uuid=uuid):
            yield f"Successfully completed {command} for VM {uuid}"
        case Failure(action=action, uuid=uuid, message=message):
            yield f"Unable to {action} VM {uuid}: {message}"
        case AlreadyRunning(uuid=uuid):
            yield f"VM {uuid} is already 'running'"
        case NotRunning(uuid=uuid, state=state):
            yield f"VM {uuid} is already not 'running' (currently: {state})"
        case InvalidUuid(command=command):
            yield f"Invalid or missing UUID for {command}"
        case Usage(program=program):
            yield f"Usage: {program} <command> [options]"
            yield from USAGE_LINES
        case Json(data=data):
            yield from json.dumps(data, indent=2, ensure_ascii=False).split("\n")


def render(records: Iterable[Record]) -> Iterator[str]:
    """Lines (without newlines) for a stream of records."""
    for record in records:
        yield from render_record(record)


def render_table(
    rows: Iterable[dict[str, Any]],
    columns: Iterable[str] = DEFAULT_ORDER,
    *,
    header: bool | None = None,
    parsable: bool = False,
) -> Iterator[str]:
    """``vmadm list`` output for rows already filtered and sorted.

    ``header`` None means vmadm's default: a header unless ``parsable`` (``-p``);
    ``-H`` is ``header=False``, ``-p -h`` is ``parsable=True, header=True``.
    Values are printed as JavaScript's ``toString()`` would (``true``/``false``);
    None, missing and ``""`` are empty.
    """
    cols = tuple(columns)
    if header is None:
        header = not parsable
    if header:
        yield from render_record(ListHeader(cols, parsable))
    for row in rows:
        yield from render_record(
            ListRow(cols, tuple(_js_string(row.get(c)) for c in cols), parsable)
        )


def _js_string(value: Any) -> str:
    if value is None or value is False or value == "":
        return ""  # JavaScript's falsy values print as "-" (or nothing with -p)
    if value is True:
        return "true"
    return str(value)


# --------------------------------------------------------------------------- parse

_UUID_HEX = frozenset("0123456789abcdef")


def _is_uuid(text: str) -> bool:
    """vmadm's own test (``getUUID()``): 36 characters with dashes at 8, 13, 18, 23."""
    return len(text) == 36 and all(text[i] == "-" for i in (8, 13, 18, 23))


def parse(
    lines: Iterable[str],
    source: str = "<stdin>",
    *,
    columns: Iterable[str] | None = None,
    parsable: bool | None = None,
) -> Iterator[Record]:
    """Records from vmadm output, one line at a time.

    A heading line sets the columns of the rows after it. Headerless rows
    (``-H``, ``-p``) take ``columns`` (default vmadm's ``uuid,type,ram,state,alias``);
    ``parsable`` None decides ``-p`` from the first row (colons and no double space);
    a one-column heading prints the same either way and reads as a table.
    Raises `ParseError` on anything else, at the column where a row stops
    fitting its columns: in a table no value holds two spaces (they end it), so
    a last value that does means the row has more columns than ``columns`` names.
    """
    cols = tuple(columns) if columns is not None else DEFAULT_ORDER
    mode = parsable
    json_lines: list[str] | None = None
    json_start = 0
    usage: tuple[str, int] | None = None  # (program, index into USAGE_LINES)
    for number, raw in enumerate(lines, 1):
        line = raw[:-1] if raw.endswith("\n") else raw
        if line.endswith("\r"):  # a CRLF file read without universal newlines
            line = line[:-1]
        if usage is not None:
            program, index = usage
            if line != USAGE_LINES[index]:
                raise ParseError(source, number, 1, line, repr(USAGE_LINES[index]))
            usage = (program, index + 1) if index + 1 < len(USAGE_LINES) else None
            if usage is None:
                yield Usage(program)
            continue
        if json_lines is not None:
            json_lines.append(line)
            if line in ("}", "]"):
                yield _json(json_lines, source, json_start)
                json_lines = None
            continue
        if line in ("{", "[", "{}", "[]"):
            if len(line) == 2:
                yield Json({} if line == "{}" else [])
            else:
                json_lines, json_start = [line], number
            continue
        message = _parse_message(line)
        if message is not None:
            yield message
            continue
        if line.startswith("Usage: ") and line.endswith(" <command> [options]"):
            usage = (line[len("Usage: ") : -len(" <command> [options]")], 0)
            continue
        # A table line may end in spaces vmadm's own right-trim never leaves:
        # 2012's vmadm printed "ALIAS " (TritonDataCenter/smartos-live#41), and
        # terminals and editors pad pasted lines. They are dropped (so such a
        # line does not round-trip); a -p row keeps its last value whole.
        trimmed = line.rstrip(" ")
        header = _parse_header(trimmed)
        if header is not None and (trimmed == line or not header.parsable):
            cols, mode = header.columns, header.parsable
            yield header
            continue
        if mode is None:
            mode = ":" in line and "  " not in trimmed
        row = _parse_row(line if mode else trimmed, cols, mode)
        if isinstance(row, tuple):
            misaligned = _misaligned_heading(trimmed)
            if misaligned is not None:
                column, expected = misaligned
                raise ParseError(source, number, column + 1, line, expected)
            column, more = row
            shape = f"a vmadm list row of {len(cols)} columns ({','.join(cols)})"
            expected = f"the end of {shape}: {_MORE_COLUMNS}" if more else shape
            raise ParseError(source, number, column + 1, line, expected)
        yield row
    if json_lines is not None:
        raise ParseError(source, json_start, 1, json_lines[0], "the end of the JSON document")
    if usage is not None:
        raise ParseError(source, number, 1, "", "the rest of vmadm's usage text")


def _json(lines: list[str], source: str, start: int) -> Json:
    try:
        data = json.loads("\n".join(lines))
    except (ValueError, RecursionError) as exc:
        line = getattr(exc, "lineno", 1)
        column = getattr(exc, "colno", 1)
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        raise ParseError(source, start + line - 1, column, text, "valid JSON") from None
    return Json(data)


def _parse_message(line: str) -> Record | None:
    if line.startswith("Successfully completed "):
        command, sep, uuid = line[len("Successfully completed ") :].partition(" for VM ")
        if sep and command and _is_uuid(uuid):
            return Completed(command, uuid)
    if line.startswith("Successfully "):
        verb, sep, uuid = line[len("Successfully ") :].partition(" VM ")
        if sep and verb and _is_uuid(uuid):
            return Success(verb, uuid)
    if line.startswith("Unable to "):
        text = line[len("Unable to ") :]
        at = text.find(" VM ")
        while at > 0:  # the action may itself say "VM" ("get VM info for")
            uuid, colon = text[at + 4 : at + 40], text[at + 40 : at + 42]
            if colon == ": " and _is_uuid(uuid):
                return Failure(text[:at], uuid, text[at + 42 :])
            at = text.find(" VM ", at + 1)
    if line.startswith("VM ") and line.endswith(" is already 'running'"):
        uuid = line[3 : -len(" is already 'running'")]
        if _is_uuid(uuid):
            return AlreadyRunning(uuid)
    if line.startswith("VM ") and line.endswith(")") and " is already not 'running'" in line:
        uuid, _, rest = line[3:].partition(" is already not 'running' (currently: ")
        if _is_uuid(uuid) and rest:
            return NotRunning(uuid, rest[:-1])
    if line.startswith("Invalid or missing UUID for "):
        command = line[len("Invalid or missing UUID for ") :]
        if command and " " not in command:
            return InvalidUuid(command)
    return None


def _parse_header(line: str) -> ListHeader | None:
    """A heading: every word is a known header (or an upper-case dotted field)."""
    if not line or line != line.rstrip() or line[0] == " ":
        return None
    parsable = ":" in line and "  " not in line
    words = line.split(":") if parsable else line.split()
    if not words or not all(_looks_like_header(w) for w in words):
        return None
    header = ListHeader(tuple(field_for_header(w) for w in words), parsable)
    rendered = next(render_record(header))
    return header if rendered == line else None


def _misaligned_heading(line: str) -> tuple[int, str] | None:
    """For a line of known headings at the wrong widths (spaces squeezed by a
    chat or a mail client): (column where it departs from vmadm's rendering of
    the same headings, what was expected there); None for any other line."""
    words = line.split()
    if not words or ":" in line or not all(_looks_like_header(w) for w in words):
        return None
    rendered = next(render_record(ListHeader(tuple(field_for_header(w) for w in words), False)))
    column = next(
        (i for i, (a, b) in enumerate(zip(line, rendered, strict=False)) if a != b),
        min(len(line), len(rendered)),
    )
    return column, f"a vmadm list heading at vmadm's column widths: {rendered!r}"


def _looks_like_header(word: str) -> bool:
    """A known header, or a dotted field upper-cased (``NICS.0.IP``, ``TAGS.ROLE``,
    ``CUSTOMER_METADATA.USER-SCRIPT``: a metadata key may hold ``-`` and such)."""
    if word in _BY_HEADER:
        return True
    head, dot, rest = word.partition(".")
    bare = head.replace("_", "")
    return bool(
        dot
        and rest
        and word == word.upper()
        and bare.isalnum()
        and not bare.isdigit()
        and not any(c.isspace() for c in word)
    )


#: Fields whose values never hold ``:`` (numbers, UUIDs, names, states, paths).
_NO_COLON = frozenset(LIST_FIELDS) - {
    "alias",
    "boot_timestamp",
    "create_timestamp",
    "exit_timestamp",
    "package_name",
    "package_version",
    "qemu_extra_opts",
}
#: Free text that may hold ``:`` but seldom does: read as one part when that fits.
_SELDOM_COLON = frozenset({"alias", "package_name", "package_version", "qemu_extra_opts"})
#: ``new Date().toISOString()``, how vmadm stores ``*_timestamp``.
_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")
#: Most ``:``-separated parts one value may take (an IPv6 address has at most 8 groups).
_MAX_PARTS = 16


#: Keys of ``nics.N.KEY`` and ``disks.N.KEY`` whose values never hold ``:`` (a
#: NIC's ``ip`` is IPv4 or ``dhcp``; IPv6 addresses are only in its ``ips`` array,
#: which ``vmadm list`` cannot print).
_NO_COLON_KEYS = {
    "nics": frozenset(
        {"ip", "netmask", "gateway", "vlan_id", "nic_tag", "interface", "mtu", "model"}
        | {"primary", "network_uuid", "vrrp_vrid"}
    ),
    "disks": frozenset(
        {"size", "model", "media", "path", "boot", "zpool", "image_uuid", "compression"}
        | {"block_size", "refreservation", "image_size"}
    ),
}
#: A MAC address as vmadm prints one (``00:15:00:05:d2:a6``): six parts.
_MAC = re.compile(r"[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}")


def _spans(column: str, parts: list[str], j: int, strict: bool) -> Iterator[int]:
    """How many parts, from ``parts[j]`` on, a value of ``column`` can span."""
    array, _, key = column.rpartition(".")
    array = array.partition(".")[0]
    no_colon = column in _NO_COLON or key in _NO_COLON_KEYS.get(array, ())
    if no_colon or (strict and column in _SELDOM_COLON):
        yield 1
    elif array == "nics" and key == "mac":
        if parts[j] == "":
            yield 1
        elif _MAC.fullmatch(":".join(parts[j : j + 6])):
            yield 6
    elif column.endswith("_timestamp"):
        if parts[j] == "":
            yield 1
        elif _TIMESTAMP.fullmatch(":".join(parts[j : j + 3])):
            yield 3
    else:
        yield from range(1, min(_MAX_PARTS, len(parts) - j) + 1)


def _fit_colons(parts: list[str], columns: tuple[str, ...]) -> list[str] | None:
    """The values of a ``-p`` row whose values themselves hold ``:``, or None.

    vmadm.js ``outputVMListLine()`` joins values with ``:`` and does not escape
    a ``:`` inside one ("TODO: escape ':' characters in each bit"), so a
    timestamp, a MAC or an IPv6 address splits into several parts. The row is
    read when exactly one way fits every column: UUIDs, numbers and states
    never hold ``:``, a timestamp is ISO 8601 (three parts), and an alias or a
    package name is taken whole when that alone fits. None when no way or
    several ways fit.
    """
    m, n = len(columns), len(parts)
    if n > m * _MAX_PARTS:
        return None
    for strict in (True, False):
        # ways[i][j]: ways (capped at 2) columns i.. can take parts j..
        ways = [[0] * (n + 1) for _ in range(m + 1)]
        ways[m][n] = 1
        for i in range(m - 1, -1, -1):
            for j in range(n - 1, -1, -1):
                total = sum(
                    ways[i + 1][j + k] for k in _spans(columns[i], parts, j, strict) if j + k <= n
                )
                ways[i][j] = min(total, 2)
        if ways[0][0] == 2:
            return None
        if ways[0][0] == 1:
            values: list[str] = []
            j = 0
            for i, column in enumerate(columns):
                k = next(
                    k
                    for k in _spans(column, parts, j, strict)
                    if j + k <= n and ways[i + 1][j + k] == 1
                )
                values.append(":".join(parts[j : j + k]))
                j += k
            return values
    return None


#: Why a row's last value may not hold the two-space column separator.
_MORE_COLUMNS = "the last value holds the two-space column separator, so more columns follow"


def _parse_row(line: str, columns: tuple[str, ...], parsable: bool) -> ListRow | tuple[int, bool]:
    """The row, or ``(column, more)``: the 0-based column where it stops making
    sense and whether that is extra columns after the last one."""
    if parsable:
        values = line.split(":")
        if len(values) != len(columns):
            fitted = _fit_colons(values, columns)
            if fitted is None:
                if len(values) < len(columns):
                    return len(line), False
                # where the first part beyond the columns starts
                return len(":".join(values[: len(columns)])) + 1, False
            values = fitted
        return ListRow(columns, tuple(values), True)
    out: list[str] = []
    pos = 0
    last = len(columns) - 1
    for i, column in enumerate(columns):
        if i == last:
            value = line[pos:]
        else:
            cell = pos + column_width(column)
            # A value that fits is padded to the width; a longer one pushes the
            # two-space separator right (vmadm.js uses sprintf's %-Ws).
            end = cell if line[cell : cell + 2] == "  " else line.find("  ", cell)
            if end == -1:
                return min(cell, len(line)), False
            value = line[pos:end].rstrip(" ")
        if not value or value[0] == " ":
            return pos, False
        # Two spaces end a value (padding, then the separator): text after them
        # is the next column's, misaligned, or with the last value, columns the
        # caller did not name.
        separator = value.find("  ")
        if separator >= 0:
            extra = value[separator:]
            return pos + separator + len(extra) - len(extra.lstrip(" ")), i == last
        out.append("" if value == "-" else value)
        if i != last:
            pos = end + 2
    row = ListRow(columns, tuple(out), False)
    rendered = next(render_record(row))
    if rendered == line:
        return row
    differs = (i for i, (a, b) in enumerate(zip(rendered, line, strict=False)) if a != b)
    return next(differs, min(len(rendered), len(line))), False
