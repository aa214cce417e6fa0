"""vmadm: list forms, filters, sorting, lifecycle commands and their texts."""

from __future__ import annotations

import json

import pytest

from hvmdoc.formats import vmadm as fmt
from hvmdoc.tools.terminal import Terminal

from .conftest import KVM_UUID, TEST_UUID

USAGE_HEAD = "Usage: /usr/vm/sbin/vmadm <command> [options]\n"


def test_list_default_header_sort_and_widths(term: Terminal) -> None:
    out = term.execute("vmadm list")
    lines = out.splitlines()
    assert (
        lines[0] == "UUID                                  TYPE  RAM      STATE             ALIAS"
    )
    # default sort ram,uuid: the 1024 MB KVM VM first
    assert lines[1].startswith(KVM_UUID + "  KVM   1024     stopped")
    assert lines[2].startswith(TEST_UUID + "  BHYV  2048     stopped")
    assert all(line == line.rstrip() for line in lines)


def test_list_parsable_has_no_header_and_colons(term: Terminal) -> None:
    out = term.execute("vmadm list -p -o alias,ram,state")
    assert out == "kvm-debian8:1024:stopped\ntest:2048:stopped\n"


def test_list_parsable_with_h_keeps_header(term: Terminal) -> None:
    assert term.execute("vmadm list -p -h -o alias").splitlines()[0] == "ALIAS"


def test_list_capital_h_drops_header(term: Terminal) -> None:
    out = term.execute("vmadm list -H -o alias")
    assert out == "kvm-debian8\ntest\n"


def test_list_sort_descending(term: Terminal) -> None:
    out = term.execute("vmadm list -H -o alias -s -ram")
    assert out == "test\nkvm-debian8\n"


def test_list_sort_by_alias_field(term: Terminal) -> None:
    assert term.execute("vmadm list -Ho alias -s alias") == "kvm-debian8\ntest\n"


def test_list_filters_value_and_regex(term: Terminal) -> None:
    assert term.execute("vmadm list -H -o alias type=BHYV") == "test\n"
    assert term.execute("vmadm list -H -o alias alias=~DEB") == "kvm-debian8\n"
    assert term.execute("vmadm list -H -o alias brand=joyent") == ""


def test_list_state_filter_after_start(term: Terminal) -> None:
    term.execute("vmadm start " + TEST_UUID)
    assert term.execute("vmadm list -H -o uuid state=running") == TEST_UUID + "\n"


def test_list_invalid_filter_key(term: Terminal) -> None:
    assert term.execute("vmadm list running") == 'Invalid filter key: "running"\n'
    assert term.exit_status == 1


def test_list_invalid_order_and_sort_fields(term: Terminal) -> None:
    assert term.execute("vmadm list -o bogus") == "invalid order field: bogus\n"
    assert term.execute("vmadm list -s bogus") == "invalid sort field: bogus\n"
    assert term.exit_status == 1


def test_list_empty_value_is_dash(term: Terminal) -> None:
    out = term.execute("vmadm list -o uuid,zoneid")
    assert out.splitlines()[1].endswith("  -")


def test_start_and_already_running(term: Terminal) -> None:
    assert term.execute(f"vmadm start {TEST_UUID}") == f"Successfully started VM {TEST_UUID}\n"
    assert term.exit_status == 0
    again = term.execute(f"vmadm start {TEST_UUID}")
    assert again == f"Unable to start VM {TEST_UUID}: VM {TEST_UUID} is already 'running'\n"
    assert term.exit_status == 0


def test_start_by_alias_is_a_usage_error(term: Terminal) -> None:
    out = term.execute("vmadm start test")
    assert out.startswith("Invalid or missing UUID for start\n" + USAGE_HEAD)
    assert term.exit_status == 2


def test_start_unknown_uuid(term: Terminal) -> None:
    uuid = "00000000-0000-0000-0000-000000000000"
    out = term.execute(f"vmadm start {uuid}")
    assert out == f"Unable to start VM {uuid}: VM {uuid} not found in zoneadm\n"
    assert term.exit_status == 1


def test_stop_texts(term: Terminal) -> None:
    out = term.execute(f"vmadm stop {KVM_UUID}")
    assert out == f"VM {KVM_UUID} is already not 'running' (currently: stopped)\n"
    assert term.exit_status == 0
    term.execute(f"vmadm start {KVM_UUID}")
    assert term.execute(f"vmadm stop -F {KVM_UUID}") == (
        f"Successfully completed stop for VM {KVM_UUID}\n"
    )


def test_bhyve_stop_without_force_before_os_6745(term: Terminal) -> None:
    # release-20180315 VM.js exports.stop, step _unsupportedBhyve: refused before
    # the state check, whether or not the VM runs; vmadm.js prints it and exits 1.
    refusal = "stop is not yet supported for bhyve without force\n"
    assert term.execute(f"vmadm stop {TEST_UUID}") == refusal
    assert term.exit_status == 1
    term.execute(f"vmadm start {TEST_UUID}")
    assert term.execute(f"vmadm stop {TEST_UUID}") == refusal
    assert term.exit_status == 1
    running = json.loads(term.execute(f"vmadm get {TEST_UUID}"))
    assert running["state"] == "running" and running["autoboot"] is True
    assert term.execute(f"vmadm halt {TEST_UUID}") == refusal
    assert term.execute(f"vmadm stop -F {TEST_UUID}") == (
        f"Successfully completed stop for VM {TEST_UUID}\n"
    )
    assert term.exit_status == 0
    assert json.loads(term.execute(f"vmadm get {TEST_UUID}"))["autoboot"] is False


@pytest.mark.parametrize(
    ("platform", "refused"),
    [("20180328T235959Z", True), ("20180329T000000Z", False), ("post-fix", False)],
)
def test_bhyve_stop_cut_over_at_release_20180329(platform: str, refused: bool) -> None:
    from hvmdoc.tools.session import HostSession

    term = HostSession("emy-17", platform=platform).terminal()
    term.execute(f"vmadm start {TEST_UUID}")
    out = term.execute(f"vmadm stop {TEST_UUID}")
    if refused:
        assert (out, term.exit_status) == (
            "stop is not yet supported for bhyve without force\n",
            1,
        )
    else:
        assert (out, term.exit_status) == (
            f"Successfully completed stop for VM {TEST_UUID}\n",
            0,
        )


def test_start_and_stop_exit_statuses(term: Terminal) -> None:
    # vmadm.js main(): EALREADYRUNNING (start) and ENOTRUNNING (stop) are no-ops,
    # exit 0 with the message; every other error exits 1.
    term.execute(f"vmadm start {KVM_UUID}")
    again = term.execute(f"vmadm start {KVM_UUID}")
    assert again == f"Unable to start VM {KVM_UUID}: VM {KVM_UUID} is already 'running'\n"
    assert term.exit_status == 0
    term.execute(f"vmadm stop {KVM_UUID}")
    assert term.execute(f"vmadm stop -F {KVM_UUID}") == (
        f"VM {KVM_UUID} is already not 'running' (currently: stopped)\n"
    )
    assert term.exit_status == 0
    missing = "00000000-0000-0000-0000-000000000000"
    assert term.execute(f"vmadm stop {missing}") == f"VM {missing} not found in zoneadm\n"
    assert term.exit_status == 1


def test_reboot_texts_and_statuses(term: Terminal) -> None:
    # VM.reboot: 'Cannot reboot vm from state "S", must be "running"' (exit 1).
    assert term.execute(f"vmadm reboot {TEST_UUID}") == (
        'Cannot reboot vm from state "stopped", must be "running"\n'
    )
    assert term.exit_status == 1
    term.execute(f"vmadm start {TEST_UUID}")
    assert term.execute(f"vmadm reboot {TEST_UUID}") == (
        f"Successfully completed reboot for VM {TEST_UUID}\n"
    )
    assert term.exit_status == 0
    assert json.loads(term.execute(f"vmadm get {TEST_UUID}"))["state"] == "running"


def test_get_prints_json(term: Terminal) -> None:
    data = json.loads(term.execute(f"vmadm get {TEST_UUID}"))
    assert data["alias"] == "test" and data["brand"] == "bhyve" and data["ram"] == 2048
    assert list(data) == sorted(data)


def test_lookup_forms(term: Terminal) -> None:
    assert term.execute("vmadm lookup alias=test") == TEST_UUID + "\n"
    assert term.execute("vmadm lookup -1 alias=nope") == (
        "Requested unique lookup but found 0 results.\n"
    )
    assert term.exit_status == 1
    rows = json.loads(term.execute("vmadm lookup -j -o uuid,alias brand=kvm"))
    assert rows == [{"uuid": KVM_UUID, "alias": "kvm-debian8"}]
    assert term.execute("vmadm lookup -o uuid") == "Cannot specify -o without -j\n"
    assert term.execute("vmadm lookup bogus=1") == 'Invalid lookup key: "bogus"\n'


def test_create_from_stdin_and_delete(term: Terminal) -> None:
    uuid = "11111111-2222-3333-4444-555555555555"
    payload = json.dumps({"uuid": uuid, "brand": "joyent", "alias": "z1", "autoboot": False})
    out = term.execute(f"echo '{payload}' | vmadm create")
    assert out == f"Successfully created VM {uuid}\n"
    assert "z1" in term.execute("vmadm list -H -o alias")
    # a non-HVM brand's RAM comes from max_physical_memory (addFakeFields)
    assert term.execute(f"vmadm list -H -o ram uuid={uuid}") == "256\n"
    assert term.execute(f"vmadm delete {uuid}") == f"Successfully deleted VM {uuid}\n"
    assert "z1" not in term.execute("vmadm list -H -o alias")


def test_create_errors(term: Terminal) -> None:
    assert term.execute("vmadm create -f /no/such.json") == "File: /no/such.json does not exist.\n"
    assert term.execute("echo '{' | vmadm create").startswith("Invalid JSON payload: ")
    out = term.execute('echo \'{"brand": "xen"}\' | vmadm create')
    assert out == 'Invalid brand while validating payload: "xen"\n'
    assert term.execute("vmadm create").startswith(
        "Will not create from stdin when stdin is a tty.\n" + USAGE_HEAD
    )
    assert term.exit_status == 2


def test_delete_unknown(term: Terminal) -> None:
    uuid = "00000000-0000-0000-0000-000000000000"
    assert term.execute(f"vmadm delete {uuid}") == (
        f"Failed to delete VM {uuid}: VM {uuid} not found in zoneadm\n"
    )


@pytest.mark.parametrize(
    ("line", "message", "status"),
    [
        ("vmadm", "", 2),
        ("vmadm frob", 'Invalid command: "frob".\n', 2),
        ("vmadm get", "Invalid or missing UUID for get\n", 2),
        ("vmadm stop", "Invalid or missing UUID for stop\n", 2),
    ],
)
def test_usage_errors(term: Terminal, line: str, message: str, status: int) -> None:
    out = term.execute(line)
    usage = "".join(text + "\n" for text in fmt.render_record(fmt.Usage()))
    assert out == message + usage
    assert term.exit_status == status


def test_help_goes_to_stdout_exit_0(term: Terminal) -> None:
    assert term.execute("vmadm help").startswith(USAGE_HEAD)
    assert term.exit_status == 0
    out, status = _capture(term, "vmadm -h")
    assert out.startswith(USAGE_HEAD) and status == 0


def _capture(term: Terminal, line: str) -> tuple[str, int]:
    from hvmdoc.tools.shell import run_capture

    return run_capture(term, line)


def test_success_messages_go_to_stderr(term: Terminal) -> None:
    out, status = _capture(term, f"vmadm start {TEST_UUID}")
    assert out == "" and status == 0
    assert term.drain() == f"Successfully started VM {TEST_UUID}\n"


def test_unemulated_subcommand_says_so(term: Terminal) -> None:
    assert "not emulated" in term.execute(f"vmadm console {TEST_UUID}")
    assert term.exit_status == 1


def test_create_from_a_scenario_payload_file(term: Terminal) -> None:
    payloads = [f for f in term.host.files() if f.endswith(".json")]
    assert payloads, "emy-17 provides vmadm create payloads under /opt/payloads"
    out = term.execute(f"vmadm create -f {payloads[0]}")
    assert out.startswith("Successfully created VM ")
    uuid = out.split()[-1]
    assert term.execute(f"vmadm list -H -o uuid uuid={uuid}") == uuid + "\n"


@pytest.mark.parametrize(
    ("platform", "cpu", "refused"),
    [
        ("post-fix", "amd", True),  # OS-6942's check; HMA v1 refuses SVM
        ("20180510T000000Z", "amd", True),  # first release with the check
        ("pre-fix", "amd", False),  # release-20180315's VM.js has no check
        ("hma-v2", "amd", False),  # OS-7170: "Bhyve Capable" true on AMD
        ("post-fix", "intel", False),
    ],
)
def test_create_bhyve_on_an_incapable_host(platform: str, cpu: str, refused: bool) -> None:
    from hvmdoc.tools.session import HostSession

    term = HostSession("emy-17", platform=platform, cpu=cpu).terminal()
    before = term.execute("vmadm list -H -o alias")
    out = term.execute("vmadm create -f /opt/payloads/bhyve.json")
    if refused:
        # VM.js ee76b399: cb(new Error('Bhyve not supported')); vmadm.js exits 1
        assert out == "Bhyve not supported\n"
        assert term.exit_status == 1
        assert term.execute("vmadm list -H -o alias") == before
        # KVM is not checked
        assert term.execute("vmadm create -f /opt/payloads/kvm.json").startswith(
            "Successfully created VM "
        )
    else:
        assert out.startswith("Successfully created VM ")
        assert term.exit_status == 0
