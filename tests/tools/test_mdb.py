"""mdb -k: interactive and piped, ::print, ::whatis, ::walk zone, ::nm, errors."""

from __future__ import annotations

import pytest

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
    out = term.execute("echo 0xfffffffff8224185::whatis | mdb -k")
    assert out == "fffffffff8224185 is in kvm's data segment\n"


def test_walk_zone_print(term: Terminal) -> None:
    term.execute(f"vmadm start {TEST_UUID}")
    out = term.execute("echo '::walk zone | ::print zone_t zone_name zone_id' | mdb -k")
    lines = out.splitlines()
    assert lines[0] == 'zone_name = 0xfffffffffbf3ff40 "global"'
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
    assert term.execute("zone0::print").startswith('{\n    zone_name = 0xfffffffffbf3ff40 "global"')
    assert term.execute("vmmdev_hvm_name::print") == '0xfffffffff82caded "bhyve"\n'
    assert term.execute("hvm_excl_hold::print") == "mdb: no type information for hvm_excl_hold\n"


def _post_fix_with_both_vms() -> Terminal:
    term = HostSession("emy-17", platform="post-fix").terminal()
    term.execute(f"vmadm start {TEST_UUID}")
    term.execute(f"vmadm start {KVM_UUID}")
    return term


def test_print_list_t_empty_points_at_its_own_head() -> None:
    # list_create(): an empty list's head links to itself (&list->list_head)
    term = HostSession("emy-17", platform="post-fix").terminal()
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
    first = term.execute("echo hma_registrations::walk list | mdb -k").split()[0]
    term.execute(f"vmadm stop -F {TEST_UUID}")
    assert term.execute(f"echo '{first}::print struct hma_reg' | mdb -k") == (
        f"mdb: failed to read struct hma_reg at {first}: no mapping for address\n"
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
