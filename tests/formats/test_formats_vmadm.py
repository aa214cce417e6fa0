"""vmadm output: the seed's list and start lines, widths from vmadm.js, messages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hvmdoc.formats import vmadm
from hvmdoc.formats.errors import ParseError

from .samples import outputs

TEST = "79062669-e229-e55d-960d-9b18d0fed8d0"
KVM = "57409636-927a-cc7a-d744-e0f92b73f4e4"


def test_seed_list_and_starts() -> None:
    records = [r for t in outputs("vmadm") for r in vmadm.parse(t.lines, t.source)]
    assert vmadm.Success("started", TEST) in records
    assert vmadm.Success("started", KVM) in records
    rows = [r.as_dict() for r in records if isinstance(r, vmadm.ListRow)]
    assert rows == [
        {"uuid": KVM, "type": "KVM", "ram": "1024", "state": "running", "alias": "kvm-debian8"},
        {"uuid": TEST, "type": "BHYV", "ram": "2048", "state": "running", "alias": "test"},
    ]


def test_render_table_reproduces_the_seed() -> None:
    (listing,) = [t for t in outputs("vmadm") if "list" in t.command]
    rows = [
        {"uuid": KVM, "type": "KVM", "ram": 1024, "state": "running", "alias": "kvm-debian8"},
        {"uuid": TEST, "type": "BHYV", "ram": 2048, "state": "running", "alias": "test"},
    ]
    assert tuple(vmadm.render_table(rows)) == listing.lines


def test_parsable_and_headerless_forms() -> None:
    rows = [{"uuid": TEST, "type": "BHYV", "ram": 2048, "state": "stopped", "alias": None}]
    assert list(vmadm.render_table(rows, parsable=True)) == [f"{TEST}:BHYV:2048:stopped:"]
    assert list(vmadm.render_table(rows, header=False)) == [
        f"{TEST}  BHYV  2048     stopped           -"
    ]
    assert list(vmadm.render_table(rows, ("alias", "autoboot"), parsable=True, header=True)) == [
        "ALIAS:AUTOBOOT",
        ":",
    ]
    (row,) = vmadm.parse([f"{TEST}:BHYV:2048:stopped:"])
    assert isinstance(row, vmadm.ListRow) and row.parsable and row.values[-1] == ""


def test_widths_and_headers_from_vmadm_js() -> None:
    widths = {f: vmadm.column_width(f) for f in ("uuid", "type", "ram", "state", "alias", "brand")}
    assert widths == {"uuid": 36, "type": 4, "ram": 7, "state": 16, "alias": 10, "brand": 14}
    assert vmadm.column_header("cpu_shares") == "CPU_SHARE"
    assert vmadm.field_for_header("CPU_SHARE") == "cpu_shares"
    assert (vmadm.column_header("nics.0.ip"), vmadm.column_width("nics.0.ip")) == ("NICS.0.IP", 20)


def test_overlong_values_push_columns_right() -> None:
    rows = [{"uuid": TEST, "type": "BHYV", "ram": 2048, "state": "running", "alias": "a" * 14}]
    lines = list(vmadm.render_table(rows, ("alias", "state")))
    assert lines[1] == "a" * 14 + "  running"
    assert list(vmadm.parse(lines))[1] == vmadm.ListRow(("alias", "state"), ("a" * 14, "running"))


def test_messages() -> None:
    records: list[vmadm.Record] = [
        vmadm.Completed("stop", TEST),
        vmadm.Failure("start", KVM, "VM is not 'stopped'"),
        vmadm.AlreadyRunning(TEST),
        vmadm.NotRunning(TEST, "stopped"),
        vmadm.InvalidUuid("start"),
        vmadm.Usage(),
    ]
    lines = list(vmadm.render(records))
    assert lines[:5] == [
        f"Successfully completed stop for VM {TEST}",
        f"Unable to start VM {KVM}: VM is not 'stopped'",
        f"VM {TEST} is already 'running'",
        f"VM {TEST} is already not 'running' (currently: stopped)",
        "Invalid or missing UUID for start",
    ]
    assert lines[5] == "Usage: /usr/vm/sbin/vmadm <command> [options]"
    assert list(vmadm.parse(lines)) == records


def test_get_json_is_indented_two() -> None:
    lines = list(vmadm.render([vmadm.Json({"uuid": TEST, "ram": 2048, "nics": []})]))
    assert lines == ["{", f'  "uuid": "{TEST}",', '  "ram": 2048,', '  "nics": []', "}"]
    assert list(vmadm.parse(lines)) == [vmadm.Json({"uuid": TEST, "ram": 2048, "nics": []})]


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        (["UUID                                  TYPE", "short"], 2),
        (["{", '  "a": ', "}"], 3),
        (["{", '  "a": 1'], 1),
        (["a:b"], 1),
    ],
)
def test_errors(lines: list[str], line: int) -> None:
    with pytest.raises(ParseError) as caught:
        list(vmadm.parse(lines, "list.txt"))
    assert (caught.value.source, caught.value.line) == ("list.txt", line)


# vmadm.js outputVMListLine(): "-p" joins values with ":" and does not escape a
# ":" inside one ("TODO: escape ':' characters in each bit"). nics.0.ips is an
# array printed as its toString() (joined with ","), and may hold IPv6; a NIC's
# "ip" is IPv4 or "dhcp" only (vmadm(8)), so it never holds ":".
COLON_COLUMNS = ("uuid", "alias", "nics.0.ips", "create_timestamp")
WHEN = "2018-03-15T00:00:00.000Z"


@pytest.mark.parametrize(
    ("line", "values"),
    [
        (f"{TEST}:test:fe80::1:{WHEN}", (TEST, "test", "fe80::1", WHEN)),
        (f"{TEST}:test:90:b8:d0:aa:bb:cc:{WHEN}", (TEST, "test", "90:b8:d0:aa:bb:cc", WHEN)),
        (f"{TEST}:test:10.88.88.5:", (TEST, "test", "10.88.88.5", "")),
        (f"{TEST}::::", (TEST, "", ":", "")),
    ],
)
def test_parsable_values_holding_colons(line: str, values: tuple[str, ...]) -> None:
    (row,) = vmadm.parse([line], columns=COLON_COLUMNS)
    assert isinstance(row, vmadm.ListRow) and row.parsable
    assert row.values == values
    assert list(vmadm.render([row])) == [line]


def test_parsable_alias_with_a_colon_when_only_it_can_hold_one() -> None:
    (row,) = vmadm.parse([f"{TEST}:web:01:{WHEN}"], columns=("uuid", "alias", "create_timestamp"))
    assert isinstance(row, vmadm.ListRow)
    assert row.values == (TEST, "web:01", WHEN)


@pytest.mark.parametrize(
    ("line", "columns"),
    [
        # the extra parts could go to either IP
        (f"{TEST}:test:1::2:3", ("uuid", "alias", "nics.0.ips", "nics.1.ips")),
        # "12:00" is no timestamp, and nothing else can take the last parts
        (f"{TEST}:test:10.0.0.1:12:00", COLON_COLUMNS),
    ],
)
def test_parsable_colons_that_fit_no_or_several_ways_are_errors(
    line: str, columns: tuple[str, ...]
) -> None:
    with pytest.raises(ParseError):
        list(vmadm.parse([line], columns=columns))


@given(
    st.lists(st.from_regex(r"[0-9a-f]{1,4}", fullmatch=True), min_size=2, max_size=8),
    st.sampled_from(["", WHEN]),
)
def test_parsable_colon_values_round_trip(groups: list[str], when: str) -> None:
    row = vmadm.ListRow(COLON_COLUMNS, (TEST, "test", ":".join(groups), when), True)
    assert list(vmadm.parse(vmadm.render([row]), columns=COLON_COLUMNS)) == [row]


ROW = f"{TEST}  BHYV  2048     running           test"


def test_headerless_table_with_too_few_columns_is_an_error_where_the_extra_starts() -> None:
    # `vmadm list -H` printed five columns; the caller named three.
    with pytest.raises(ParseError) as caught:
        list(vmadm.parse([ROW], "list.txt", columns=("uuid", "type", "ram")))
    assert (caught.value.line, caught.value.column) == (1, ROW.index("running") + 1)
    assert caught.value.expected.startswith("the end of a vmadm list row of 3 columns")


@pytest.mark.parametrize(
    ("line", "column"),
    [
        # the TYPE value "a" is padded to 4, then the separator: RAM starts one early
        (f"{TEST}  a    2048     running           test", len(TEST) + 8),
        # one space too many before ALIAS
        (f"{TEST}  BHYV  2048     running            test", len(TEST) + 36),
        # a separator of three spaces after the UUID
        (f"{TEST}   BHYV  2048     running           test", len(TEST) + 3),
        ("garbage", 8),
    ],
)
def test_a_misaligned_row_is_an_error_where_it_stops_making_sense(line: str, column: int) -> None:
    with pytest.raises(ParseError) as caught:
        list(vmadm.parse([line]))
    assert caught.value.column == column


def test_parsable_row_with_parts_beyond_the_columns_points_at_the_first_extra() -> None:
    line = f"{TEST}:bhyve:2048:running:test"
    with pytest.raises(ParseError) as caught:
        list(vmadm.parse([line], columns=("uuid", "brand", "ram")))
    assert caught.value.column == len(f"{TEST}:bhyve:2048:") + 1


def test_vmadm_start_of_a_running_vm_prints_a_wrapped_failure() -> None:
    # vmadm.js startVM() wraps VM.start's EALREADYRUNNING error (exit 0).
    line = f"Unable to start VM {TEST}: VM {TEST} is already 'running'"
    (record,) = vmadm.parse([line])
    assert record == vmadm.Failure("start", TEST, f"VM {TEST} is already 'running'")
    assert list(vmadm.parse([record.message])) == [vmadm.AlreadyRunning(TEST)]


def test_a_number_with_a_dot_is_a_row_not_a_dotted_heading() -> None:
    """``0.`` is an alias (hypothesis found it read as the heading of a field ``0.``)."""
    rows = list(vmadm.parse(["0.\n"], columns=("alias",)))
    assert rows == [vmadm.ListRow(("alias",), ("0.",), False)]


# `vmadm list` of 2012, from TritonDataCenter/smartos-live#41
# (https://github.com/TritonDataCenter/smartos-live/issues/41), cut down: the
# heading ends in a space and a VM without max_physical_memory shows "-".
SMARTOS_LIVE_41 = [
    "UUID                                  TYPE  RAM      STATE             ALIAS ",
    "1c8d924d-9d70-40b4-bcb2-4b3a7e318cd4  OS    2048     running           sprawlmq-int",
    "492add60-13cc-4239-a4c6-a6a561251416  OS    -        running           clouddb3",
]


def test_trailing_spaces_of_table_lines_are_dropped() -> None:
    records = list(vmadm.parse(SMARTOS_LIVE_41))
    assert records[0] == vmadm.ListHeader(vmadm.DEFAULT_ORDER)
    assert [r.as_dict()["ram"] for r in records[1:] if isinstance(r, vmadm.ListRow)] == ["2048", ""]
    padded = [line + "   " for line in SMARTOS_LIVE_41]
    assert list(vmadm.parse(padded)) == records
    # the round trip gives the lines as today's vmadm prints them: right-trimmed
    assert list(vmadm.render(records)) == [line.rstrip() for line in SMARTOS_LIVE_41]
    # a -p row keeps its last value whole, trailing space included
    row = "1c8d924d-9d70-40b4-bcb2-4b3a7e318cd4:joyent:2048:running:alias "
    (parsed,) = vmadm.parse([row], columns=("uuid", "brand", "ram", "state", "alias"))
    assert isinstance(parsed, vmadm.ListRow) and parsed.values[-1] == "alias "


# `vmadm list -o ...` and `vmadm get` of the VM in TritonDataCenter/smartos-live#492
# (https://github.com/TritonDataCenter/smartos-live/issues/492): its values
# (brand joyent, max_physical_memory 4096, cpu_cap 400, no quota, nics.0.mac
# 00:15:00:05:d2:a6; the masked "172.16.xx.170" made a real address), laid out
# as vmadm.js prints them: getListProperties() gives dotted fields width 20.
LIST_O_COLUMNS = "zonename,brand,alias,max_physical_memory,cpu_cap,quota,nics.0.ip,nics.0.mac"
LIST_O = [
    "ZONENAME      BRAND           ALIAS       MAX_PHYS  CPU_CAP  QUOTA  NICS.0.IP"
    "             NICS.0.MAC",
    "260014e8-33db-42c0-8ce4-2a7929a5ef08  joyent          ares        4096      400"
    "      -      172.16.10.170         00:15:00:05:d2:a6",
]


def test_list_o_with_dotted_nic_columns_round_trips() -> None:
    records = list(vmadm.parse(LIST_O))
    assert records[0] == vmadm.ListHeader(tuple(LIST_O_COLUMNS.split(",")))
    row = records[1]
    assert isinstance(row, vmadm.ListRow)
    assert row.as_dict()["nics.0.mac"] == "00:15:00:05:d2:a6"
    assert row.as_dict()["quota"] == ""
    assert list(vmadm.render(records)) == LIST_O


def test_list_p_reads_a_mac_as_six_parts() -> None:
    """vmadm.js does not escape ``:`` in -p values; a MAC is six parts, a NIC's
    ``ip`` (IPv4 or ``dhcp``) one, so the row has one reading."""
    columns = ("uuid", "alias", "nics.0.ip", "nics.0.mac", "max_physical_memory", "state")
    line = "260014e8-33db-42c0-8ce4-2a7929a5ef08:ares:dhcp:00:15:00:05:d2:a6:4096:running"
    (row,) = vmadm.parse([line], columns=columns)
    assert isinstance(row, vmadm.ListRow)
    assert row.values[2:4] == ("dhcp", "00:15:00:05:d2:a6")
    assert list(vmadm.render([row])) == [line]


def test_metadata_headers_may_hold_dashes() -> None:
    """``-o customer_metadata.user-script`` is printed upper-cased, dash and all."""
    line = "UUID                                  CUSTOMER_METADATA.USER-SCRIPT"
    (header,) = vmadm.parse([line])
    assert header == vmadm.ListHeader(("uuid", "customer_metadata.user-script"))


VMADM_GET_492 = """{
  "zonename": "260014e8-33db-42c0-8ce4-2a7929a5ef08",
  "autoboot": true,
  "brand": "joyent",
  "cpu_cap": 400,
  "datasets": [
    "zones/260014e8-33db-42c0-8ce4-2a7929a5ef08/data"
  ],
  "nics": [
    {
      "interface": "net0",
      "mac": "00:15:00:05:d2:a6",
      "vlan_id": 30,
      "ips": [
        "172.16.10.170/24"
      ],
      "primary": true
    }
  ],
  "disks": [],
  "customer_metadata": {},
  "zoneid": 5
}""".splitlines()


def test_vmadm_get_nested_object_round_trips() -> None:
    (record,) = vmadm.parse(VMADM_GET_492)
    assert isinstance(record, vmadm.Json)
    assert record.data["nics"][0]["mac"] == "00:15:00:05:d2:a6"
    assert list(vmadm.render([record])) == VMADM_GET_492


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("UUID  TYPE", 7),  # squeezed by a chat client
        ("UUID                                  TYPE  RAM      STATE   ALIAS", 62),
    ],
)
def test_a_heading_at_the_wrong_widths_says_so(line: str, column: int) -> None:
    with pytest.raises(ParseError) as caught:
        list(vmadm.parse([line + "\n"]))
    error = caught.value
    assert (error.line, error.column) == (1, column)
    assert "a vmadm list heading at vmadm's column widths" in error.expected
    rendered = next(vmadm.render([vmadm.ListHeader(tuple(line.lower().split()), False)]))
    assert repr(rendered) in error.expected
