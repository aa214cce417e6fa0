"""``hvmdoc check`` from the command line: exit codes, FILE:LINE, never a traceback."""

from __future__ import annotations

from pathlib import Path

from support import check_pages

from hvmdoc import __version__

from .pages import FRONT, fence

ROOT = Path(__file__).resolve().parents[2]


hvmdoc_check = check_pages


def test_real_commands_pass_and_a_wrong_output_is_exit_1(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(fence(f"$ hvmdoc --version\nhvmdoc, version {__version__}"))
    passed = hvmdoc_check(page)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "all passed" in passed.stderr + passed.stdout
    page.write_text(fence("$ hvmdoc --version\nhvmdoc, version 0.0.0-wrong"))
    failed = hvmdoc_check(page)
    assert failed.returncode == 1
    assert f"{page}:2: $ hvmdoc --version" in failed.stdout
    assert "-hvmdoc, version 0.0.0-wrong" in failed.stdout


def test_update_fixes_the_page_then_it_passes(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(fence("$ hvmdoc --version | tr a-z A-Z\n..."))
    assert hvmdoc_check(page).returncode == 0  # an elision line matches anything
    page.write_text(fence("$ hvmdoc --version | tr a-z A-Z\nstale"))
    assert hvmdoc_check("--update", page).returncode == 0
    assert f"HVMDOC, VERSION {__version__.upper()}" in page.read_text()
    assert hvmdoc_check(page).returncode == 0


def test_bad_input_is_exit_2_with_every_location_and_no_traceback(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(FRONT + fence("# uname -v", 'data-platfrom="x" '))
    (tmp_path / "b.md").write_text("```console\n# ls\n```\n")
    (tmp_path / "c.md").write_text("---\nhvmdoc: [\n---\n")
    result = hvmdoc_check(tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    errors = result.stderr.splitlines()
    assert any(
        line.startswith(f"{tmp_path}/a.md:6: unknown attribute data-platfrom") for line in errors
    )
    assert any(line.startswith(f"{tmp_path}/b.md:1: console block is neither") for line in errors)
    assert any(
        line.startswith(f"{tmp_path}/c.md:2: front matter is not valid YAML") for line in errors
    )


def test_missing_path_is_bad_input(tmp_path: Path) -> None:
    result = hvmdoc_check(tmp_path / "nowhere")
    assert result.returncode == 2
    assert "no such file or directory" in result.stderr
    assert "Traceback" not in result.stderr


#: The audit's page: a misspelt alias in data-setup, the correct output below.
MISSPELT_SETUP = FRONT + fence(
    '# echo hvm_excl_holder::print | mdb -k\n0xfffffffff8224185 "SmartOS KVM"',
    'data-setup="vmadm start $(vm kvm-debain8)" ',
)
#: A misspelt alias in data-meanwhile, under the contributor page's own trace.
MISSPELT_MEANWHILE = FRONT + fence(
    "# dtrace -n 'hvm_excl_rele:entry'\n"
    "dtrace: description 'hvm_excl_rele:entry' matched 1 probe\n"
    "CPU     ID                    FUNCTION:NAME\n"
    " 72   9030              hvm_excl_rele:entry ",
    'data-meanwhile="vmadm start $(vm tset); vmadm stop -F $(vm test)" ',
)


def test_a_failing_setup_command_is_bad_input_and_update_keeps_the_page(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(MISSPELT_SETUP)
    for args in ((), ("--update",)):
        result = hvmdoc_check(*args, page)
        assert result.returncode == 2, result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        first = result.stderr.splitlines()[0]
        assert first == (
            f"{page}:6: data-setup 'vmadm start $(vm kvm-debain8)' failed (exit 2): "
            "Requested unique lookup but found 0 results. / Invalid or missing UUID for "
            "start / ... (26 more lines)"
        ), result.stderr
        assert result.stdout == ""  # no diff: the cause is the setup, not the output
        assert page.read_text() == MISSPELT_SETUP


def test_a_failing_meanwhile_command_is_bad_input_and_update_keeps_the_trace(
    tmp_path: Path,
) -> None:
    page = tmp_path / "p.md"
    page.write_text(MISSPELT_MEANWHILE)
    for args in ((), ("--update",)):
        result = hvmdoc_check(*args, page)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.startswith(
            f"{page}:6: data-meanwhile 'vmadm start $(vm tset)' failed (exit 2): "
            "Requested unique lookup but found 0 results."
        ), result.stderr
        assert page.read_text() == MISSPELT_MEANWHILE
    assert hvmdoc_check(page).returncode == 2  # still failing: nothing was erased


def test_an_interactive_mdb_in_meanwhile_is_bad_input(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    text = FRONT + fence(
        "# dtrace -n 'hvm_excl_rele:entry'\n...",
        "data-meanwhile=\"mdb -k; dtrace -n 'hvm_excl_hold:entry'\" ",
    )
    page.write_text(text)
    result = hvmdoc_check(page)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(
        f"{page}:6: data-meanwhile \"dtrace -n 'hvm_excl_hold:entry'\" failed (exit 1) inside "
        "the mdb -k that 'mdb -k' opened: mdb: "
    ), result.stderr
