"""mdb -k: interactive and piped, ::print, ::whatis, ::walk zone, ::nm, errors."""

from __future__ import annotations

import pytest
from support import ROOT

from hvmdoc.tools.session import HostSession
from hvmdoc.tools.terminal import Terminal

from .conftest import KVM_UUID, TEST_UUID


def test_holder_before_and_after(term: Terminal) -> None:
    assert term.execute("echo hvm_excl_holder::print | mdb -k") == "0\n"
    term.execute(f"vmadm start {KVM_UUID}")
    assert term.execute("echo hvm_excl_holder::print | mdb -k") == (
        '0xfffffffff8224185 "SmartOS KVM"\n'
    )


def test_interactive_banner_prompt_and_quit(term: Terminal) -> None:
    out = term.execute("mdb -k")
    assert out.startswith("Loading modules: [ unix genunix")
    assert out.endswith(" ]\n")
    assert term.in_mdb and term.prompt == "> "
    assert term.execute("::quit") == ""
    assert not term.in_mdb and term.prompt == "[root@emy-17 /root]# "
    term.execute("mdb -k")
    assert term.execute("$q") == ""
    assert term.exit_status == 0


def test_whatis_of_seed_frames(term: Terminal) -> None:
    term.execute("mdb -k")
    assert term.execute("0xfffffffff82aec97::whatis") == (
        "fffffffff82aec97 is vmmdev_mod_incr+0x37, in vmm's text segment\n"
    )
    assert term.execute("fffffffff82aed11::whatis") == (
        "fffffffff82aed11 is vmmdev_mod_decr+0x31, in vmm's text segment\n"
    )
    assert term.execute("vmm_ioctl+0x193::whatis") == (
        "fffffffff82afbd3 is vmm_ioctl+0x193, in vmm's text segment\n"
    )
    assert term.execute("0x10::whatis") == "10 is unknown\n"


def test_whatis_of_a_string(term: Terminal) -> None:
    """genunix kmem.c whatis_modctl_match: "in %s's %s", and krtld loads .rodata as text."""
    out = term.execute("echo 0xfffffffff8224185::whatis | mdb -k")
    assert out == "fffffffff8224185 is in kvm's text segment\n"
    out = term.execute("echo 0xfffffffff82caded::whatis | mdb -k")
    assert out == "fffffffff82caded is in vmm's text segment\n"


def test_whatis_of_a_variable_is_in_the_data_segment(term: Terminal) -> None:
    symbol = term.session.host.kernel.lookup_symbol("kvm_usage_count")
    assert symbol is not None
    out = term.execute(f"echo {symbol.address:#x}::whatis | mdb -k")
    assert out == f"{symbol.address:x} is kvm_usage_count, in kvm's data segment\n"


def test_walk_zone_print(term: Terminal) -> None:
    term.execute(f"vmadm start {TEST_UUID}")
    out = term.execute("echo '::walk zone | ::print zone_t zone_name zone_id' | mdb -k")
    lines = out.splitlines()
    assert lines[0] == 'zone_name = 0xfffffffffbb4a6d8 "global"'
    assert lines[1] == "zone_id = 0"
    assert lines[2].endswith(f'"{TEST_UUID}"') and lines[3] == "zone_id = 0x1"


def test_walk_prints_addresses_without_0x(term: Terminal) -> None:
    out = term.execute("echo ::walk zone | mdb -k")
    assert out.strip() and not out.startswith("0x")
    assert all(int(line, 16) for line in out.split())


def test_nm_header_and_single_symbol(term: Terminal) -> None:
    out = term.execute("echo ::nm | mdb -k").splitlines()
    assert out[0].startswith("Value              Size               Type  Bind  Other Shndx")
    assert any(line.endswith("|hvm_excl_holder") for line in out)
    one = term.execute("echo hvm_excl_hold::nm -h | mdb -k")
    assert one.count("\n") == 1 and one.rstrip().endswith("|hvm_excl_hold")


@pytest.mark.parametrize(
    ("command", "error"),
    [
        ("::foo", "mdb: invalid command '::foo': unknown dcmd name"),
        ("foo::print", "mdb: failed to dereference symbol: unknown symbol name"),
        ("hvm_excl_holder:print", "mdb: invalid command ':p': unknown dcmd name"),
        ("::walk nothing", "mdb: failed to perform walk: unknown walk name"),
        ("::dmods", "mdb: ::dmods is not emulated by hvmdoc"),
    ],
)
def test_errors(term: Terminal, command: str, error: str) -> None:
    term.execute("mdb -k")
    assert term.execute(command) == error + "\n"
    assert term.in_mdb


def test_piped_syntax_error_names_the_line(term: Terminal) -> None:
    out = term.execute("echo 'hvm_excl_holder other' | mdb -k")
    assert out == 'mdb: syntax error on line 1 of (stdin) near "other"\n'


def test_statements_and_comments(term: Terminal) -> None:
    out = term.execute("echo 'hvm_excl_holder::print; hvm_excl_holder::print // x' | mdb -k")
    assert out == "0\n0\n"


def test_requires_k(term: Terminal) -> None:
    assert "use mdb -k" in term.execute("mdb")
    assert term.execute("mdb -z").startswith("mdb: illegal option -- z\n")


def test_reset_closes_mdb(session: HostSession, term: Terminal) -> None:
    term.execute("mdb -k")
    session.reset()
    assert not term.in_mdb


def test_print_by_c_type(term: Terminal) -> None:
    term.execute("mdb -k")
    assert term.execute("kvm_init_failed::print") == "0 (B_FALSE)\n"
    assert term.execute("hvm_excl_lock::print") == "{\n    _opaque = [ 0 ]\n}\n"
    assert term.execute("zone0::print").startswith('{\n    zone_name = 0xfffffffffbb4a6d8 "global"')
    assert term.execute("vmmdev_hvm_name::print") == '0xfffffffff82caded "bhyve"\n'
    assert term.execute("hvm_excl_hold::print") == "mdb: no type information for hvm_excl_hold\n"


def _post_fix_with_both_vms() -> Terminal:
    term = HostSession("emy-17", platform="post-fix").terminal()
    term.execute(f"vmadm start {TEST_UUID}")
    term.execute(f"vmadm start {KVM_UUID}")
    return term


def test_post_fix_kernel_has_no_exclusion_lock() -> None:
    # OS-7080 (befffd5) deleted pc_hvm.c: mdb knows none of its symbols
    term = HostSession("emy-17", platform="post-fix").terminal()
    for symbol in ("hvm_excl_holder", "hvm_excl_hold", "vmmdev_inst_count"):
        assert term.execute(f"echo {symbol}::print | mdb -k") == (
            "mdb: failed to dereference symbol: unknown symbol name\n"
        )
    assert "hvm_excl" not in term.execute("echo ::nm | mdb -k")
    # bhyve registered when vmm attached at boot (befffd5's vmm_attach)
    assert term.execute(
        "echo 'hma_registrations::walk list | ::print struct hma_reg hr_name' | mdb -k"
    ) == ('hr_name = 0xfffffffff82caded "bhyve"\n')


def test_print_list_t_empty_points_at_its_own_head() -> None:
    # list_create(): an empty list's head links to itself (&list->list_head);
    # from illumos 12750 (release-20200604) on, a host without VMs has none
    term = HostSession("emy-17", platform="20200604T000000Z").terminal()
    out = term.execute("echo hma_registrations::print | mdb -k")
    head = int(term.execute("echo hma_registrations::nm | mdb -k").split("\n")[1][:18], 16) + 0x10
    assert out == (
        "{\n    list_size = 0x18\n    list_offset = 0x8\n    list_head = {\n"
        f"        list_next = {head:#x}\n        list_prev = {head:#x}\n    }}\n}}\n"
    )


def test_print_list_t_links_the_registrations_in_order() -> None:
    term = _post_fix_with_both_vms()
    elements = term.execute("echo hma_registrations::walk list | mdb -k").split()
    assert len(elements) == 2
    first, second = (int(e, 16) for e in elements)
    listed = term.execute("echo 'hma_registrations::print list_t list_head' | mdb -k")
    assert listed == (
        f"list_head = {{\n    list_next = {first + 8:#x}\n    list_prev = {second + 8:#x}\n}}\n"
    )
    names = term.execute(
        "echo 'hma_registrations::walk list | ::print struct hma_reg hr_name' | mdb -k"
    )
    assert names == (
        'hr_name = 0xfffffffff82caded "bhyve"\nhr_name = 0xfffffffff8224185 "SmartOS KVM"\n'
    )
    whole = term.execute(f"echo '{elements[0]}::print hma_reg_t' | mdb -k")
    assert whole.splitlines()[0:3] == [
        "{",
        '    hr_name = 0xfffffffff82caded "bhyve"',
        "    hr_node = {",
    ]
    assert f"        list_next = {second + 8:#x}" in whole.splitlines()


def test_print_after_unregister_and_bad_types() -> None:
    term = _post_fix_with_both_vms()
    second = term.execute("echo hma_registrations::walk list | mdb -k").split()[1]
    term.execute(f"vmadm stop -F {KVM_UUID}")  # the last close of /dev/kvm unregisters
    assert term.execute(f"echo '{second}::print struct hma_reg' | mdb -k") == (
        f"mdb: failed to read struct hma_reg at {second}: no mapping for address\n"
    )
    assert term.execute("echo 'hma_registrations::print list_t bogus' | mdb -k") == (
        "mdb: failed to find member bogus of list_t: no such member\n"
    )
    assert term.execute("echo 'hma_registrations::print struct nope' | mdb -k") == (
        "mdb: failed to look up type struct nope: unknown type\n"
    )
    assert term.execute("echo ::walk list | mdb -k") == (
        "mdb: failed to read list_t at 0: no mapping for address\n"
    )


PRINT_USAGE = (
    "Usage: [address]::print [-aCdhiLptx] [-c lim] [-l lim] [type] [member|offset ...]\n"
    "mdb: try '::help print' for more information\n"
)
NM_USAGE = (
    "Usage: [address]::nm [-DPdghnopuvx] [-f format] [-t types] [object]\n"
    "mdb: try '::help nm' for more information\n"
)
WHATIS_USAGE = "Usage: address::whatis [-aikqv]\nmdb: try '::help whatis' for more information\n"


@pytest.mark.parametrize(
    ("command", "out"),
    [
        # mdb_getopts() warns, then the dcmd returns DCMD_USAGE and mdb prints
        # mdb_dcmd_usage() (mdb_argvec.c, mdb_print.c, mdb_nm.c, mdb.c).
        ("hvm_excl_holder::print -z", "mdb: illegal option -- z\n" + PRINT_USAGE),
        ("hvm_excl_holder::print -xz", "mdb: illegal option -- z\n" + PRINT_USAGE),
        ("hvm_excl_holder::print -c", "mdb: option requires an argument -- c\n" + PRINT_USAGE),
        ("hvm_excl_holder::print -- x", PRINT_USAGE),
        ("::print", PRINT_USAGE),
        ("::nm -z", "mdb: illegal option -- z\n" + NM_USAGE),
        ("::nm -hz", "mdb: illegal option -- z\n" + NM_USAGE),
        ("hvm_excl_hold::nm extra", NM_USAGE),
        ("::nm a b", NM_USAGE),
        ("::whatis", WHATIS_USAGE),
        ("0x10::whatis -z", "mdb: illegal option -- z\n" + WHATIS_USAGE),
        ("0x10::whatis extra", WHATIS_USAGE),
        ("::walk", "Usage: [address]::walk name [variable]\n"),
        ("::walk zone a b", "Usage: [address]::walk name [variable]\n"),
        # options mdb has but the emulation does not apply
        ("hvm_excl_holder::print -t", "mdb: ::print -t is not emulated by hvmdoc\n"),
        ("::nm -g", "mdb: ::nm -g is not emulated by hvmdoc\n"),
        ("::nm vmm", "mdb: ::nm of one object (vmm) is not emulated by hvmdoc\n"),
        ("0x10::whatis -v", "mdb: ::whatis -v is not emulated by hvmdoc\n"),
        ("::walk zone z", "mdb: ::walk into a variable (z) is not emulated by hvmdoc\n"),
    ],
)
def test_dcmd_options_and_usage(term: Terminal, command: str, out: str) -> None:
    assert term.execute(f"echo '{command}' | mdb -k") == out
    assert term.exit_status == 1
    term.execute("mdb -k")
    assert term.execute(command) == out and term.in_mdb


@pytest.mark.parametrize(
    ("command", "out"),
    [
        ("hvm_excl_holder::print -x", "0\n"),
        ("hvm_excl_holder::print -C -L -c 8 -l8", "0\n"),
        ("0x10::whatis -kq", "10 is unknown\n"),
    ],
)
def test_options_that_change_nothing_here_are_accepted(
    term: Terminal, command: str, out: str
) -> None:
    assert term.execute(f"echo '{command}' | mdb -k") == out
    assert term.exit_status == 0


def test_nm_options_h_n_x() -> None:
    term = HostSession("emy-17").terminal()
    plain = term.execute("echo ::nm | mdb -k").splitlines()
    assert term.execute("echo ::nm -x | mdb -k").splitlines() == plain
    assert term.execute("echo ::nm -xh | mdb -k").splitlines() == plain[1:]
    by_name = term.execute("echo ::nm -hn | mdb -k").splitlines()
    assert by_name == sorted(plain[1:], key=lambda row: row.rsplit("|", 1)[1])


def test_shell_escape_grep_filters_the_output(term: Terminal) -> None:
    rows = term.execute("echo '::nm ! grep hvm_excl' | mdb -k").splitlines()
    assert rows and all("hvm_excl" in row for row in rows)
    names = {row.rsplit("|", 1)[1] for row in rows}
    assert {"hvm_excl_hold", "hvm_excl_rele", "hvm_excl_holder"} <= names
    all_rows = term.execute("echo '::nm' | mdb -k").splitlines()
    assert len(rows) == sum("hvm_excl" in row for row in all_rows) < len(all_rows)
    term.execute("mdb -k")
    assert term.execute("::nm -h ! grep 'hvm_excl_holder$'").splitlines() == [
        row for row in rows if row.endswith("|hvm_excl_holder")
    ]
    assert term.execute("::nm ! grep ^Value").startswith("Value ")
    assert term.execute("::nm ! grep no_such_symbol_anywhere") == ""
    assert term.execute("::walk zone ! grep .") == term.execute("::walk zone")
    assert term.execute("::nm ! grep hvm_excl_hold; $q").count("\n") == 2  # ';' ends the command
    assert not term.in_mdb


@pytest.mark.parametrize(
    "command",
    ["::nm ! grep -v hvm", "::nm ! sort", "::nm ! grep a | wc -l", "!ls", "::nm ! grep 'x\\(y'"],
)
def test_other_shell_escapes_are_reported_as_not_emulated(term: Terminal, command: str) -> None:
    term.execute("mdb -k")
    out = term.execute(command)
    shell = command.split("!", 1)[1].strip()
    assert out == (
        f"mdb: shell escape '! {shell}' is not emulated by hvmdoc (only '! grep PATTERN')\n"
    )


def test_saved_nm_example_is_the_emulated_hosts(term: Terminal) -> None:
    """examples/emy-17-kernel.nm (docs/tools/symbolize.md) is ::nm of a fresh emy-17."""
    saved = (ROOT / "examples" / "emy-17-kernel.nm").read_text(encoding="utf-8")
    assert term.execute("echo ::nm | mdb -k") == saved


def test_help_and_dcmds_in_mdbs_own_words(term: Terminal) -> None:
    term.execute("mdb -k")
    text = term.execute("::help")
    assert text.startswith("\nEach debugger command in mdb is structured as follows:\n")
    assert "      ::dcmds        ... for a list of dcmds and their descriptions\n" in text
    listed = term.execute("::dcmds").splitlines()
    assert "print                    - print the contents of a data structure" in listed
    assert [line.split()[0] for line in listed] == sorted(line.split()[0] for line in listed)
    assert term.execute("::help nosuch") == "mdb: unknown command: nosuch\n"
    # a bare word is an expression: mdb looks it up as a symbol
    assert term.execute("help") == "mdb: failed to dereference symbol: unknown symbol name\n"
