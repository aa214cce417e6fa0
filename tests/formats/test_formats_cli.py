"""hvmdoc parse / fold / symbolize, run as the real command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, shared_file

from hvmdoc.formats import vmadm

from .samples import DTRACE_FOLDED, DTRACE_STACKS, outputs


def hvmdoc(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "hvmdoc", *args],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_fold_equals_stackcollapse_on_the_example() -> None:
    result = hvmdoc("fold", str(shared_file(DTRACE_STACKS)))
    assert result.returncode == 0, result.stderr
    assert result.stdout == shared_file(DTRACE_FOLDED).read_bytes()


def test_fold_reads_stdin_and_reports_binary_input() -> None:
    ok = hvmdoc("fold", "--offsets", stdin=b"\n\n\n  unix`f+0x1\n  unix`g+0x2\n 4\n")
    assert (ok.returncode, ok.stdout) == (0, b"unix`g+0x2;unix`f 4\n")
    bad = hvmdoc("fold", "-", stdin=b"x\n\x00\n")
    assert bad.returncode == 2
    assert bad.stderr.decode().startswith("<stdin>:2:1: expected ")


def test_parse_vmadm_json_then_error_keeps_earlier_records(tmp_path: Path) -> None:
    (listing,) = [t for t in outputs("vmadm") if "list" in t.command]
    path = tmp_path / "list.txt"
    path.write_text("\n".join([*listing.lines, "garbage"]) + "\n")
    result = hvmdoc("parse", "vmadm", str(path), "--json")
    assert result.returncode == 2
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["record"] for r in records] == ["ListHeader", "ListRow", "ListRow"]
    assert records[2]["row"]["alias"] == "test"
    assert result.stderr.decode().startswith(f"{path}:4:8: expected a vmadm list row")


def test_parse_headerless_vmadm_takes_columns_from_o() -> None:
    line = next(
        vmadm.render_table([{"uuid": "u" * 36, "brand": "bhyve"}], ("uuid", "brand"), parsable=True)
    )
    result = hvmdoc("parse", "vmadm", "-o", "uuid,brand", "--json", stdin=line.encode() + b"\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["row"] == {"uuid": "u" * 36, "brand": "bhyve"}


def test_parse_mdb_readable_listing() -> None:
    (first, *_) = outputs("mdb")
    result = hvmdoc("parse", "mdb", stdin="\n".join(first.lines).encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines() == [
        'Banner modules=["..."]',
        'Command text="hvm_excl_holder::print" prompt="> "',
        'Value text="0" member=null depth=0',
    ]


def test_parse_dtrace_and_unreadable_file(tmp_path: Path) -> None:
    (trace,) = outputs("dtrace")
    result = hvmdoc("parse", "dtrace", "--json", stdin="\n".join(trace.lines).encode())
    assert result.returncode == 0, result.stderr
    first = json.loads(result.stdout.decode().splitlines()[2])
    assert first == {
        "record": "Firing",
        "cpu": 48,
        "id": 8666,
        "function": "hvm_excl_hold",
        "name": "entry",
        "data": "",
    }
    missing = hvmdoc("parse", "dtrace", str(tmp_path / "nope.txt"))
    assert missing.returncode == 2
    assert "nope.txt: cannot read" in missing.stderr.decode()
    assert b"Traceback" not in missing.stderr


def test_symbolize_from_the_scenario_reproduces_the_seed() -> None:
    pytest.importorskip("hvmdoc.model.scenarios")
    (trace,) = outputs("dtrace")
    bare = []
    for line in trace.lines:
        head, sep, _ = line.partition(" (")
        bare.append(head if sep and line.endswith(")") and "0x" in head else line)
    result = hvmdoc("symbolize", "--scenario", "emy-17", stdin="\n".join(bare).encode() + b"\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines() == list(trace.lines)


def test_symbolize_rejects_two_tables_and_bad_input(tmp_path: Path) -> None:
    nm = tmp_path / "kernel.nm"
    nm.write_text(
        "Value              Size               Type  Bind  Other Shndx    Name\n"
        "0xfffffffff82aec60|0x0000000000000080|FUNC |GLOB |0x0  |1       |vmmdev_mod_incr\n"
    )
    both = hvmdoc("symbolize", "--symbols", str(nm), "--scenario", "emy-17")
    assert both.returncode == 2 and b"not both" in both.stderr
    bad = hvmdoc("symbolize", "--symbols", str(nm), stdin=b"dtrace: hi\nnot\x00dtrace\n")
    assert bad.returncode == 2
    assert bad.stdout == b"dtrace: hi\n"
    assert bad.stderr.decode().startswith("<stdin>:2:4: ")


def test_parse_o_selects_record_fields_for_dtrace() -> None:
    (trace,) = outputs("dtrace")
    result = hvmdoc("parse", "dtrace", "-o", "cpu,id", stdin="\n".join(trace.lines).encode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().splitlines() == ["Firing cpu=48 id=8666", "Firing cpu=72 id=9030"]
    unknown = hvmdoc("parse", "dtrace", "-o", "nope", stdin=b"")
    assert unknown.returncode == 2 and b"no dtrace record has nope" in unknown.stderr


def test_undecodable_input_is_replaced_not_a_traceback() -> None:
    result = hvmdoc("parse", "dtrace", "--json", stdin=b"dtrace: caf\xe9\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"record": "Message", "text": "caf\ufffd"}


def test_symbolize_names_frames_from_the_chosen_platforms_kernel() -> None:
    """HMA symbols exist only on post-fix kernels (test_platform_decides_symbols)."""
    pytest.importorskip("hvmdoc.model.scenarios")
    from hvmdoc.model.scenarios import load_scenario

    symbol = load_scenario("emy-17", platform="post-fix").kernel.lookup_symbol("hma_register")
    assert symbol is not None
    frame = f"              {symbol.address + 0x10:#x}\n".encode()
    pre = hvmdoc("symbolize", "--scenario", "emy-17", stdin=frame)
    post = hvmdoc("symbolize", "--scenario", "emy-17", "--platform", "post-fix", stdin=frame)
    amd = hvmdoc("symbolize", "--platform", "hma-v2", "--cpu", "amd", stdin=frame)
    assert (pre.returncode, post.returncode, amd.returncode) == (0, 0, 0)
    assert pre.stdout == frame, "the pre-fix kernel has no hma_register"
    assert post.stdout.decode().rstrip().endswith("(hma_register+0x10)")
    assert amd.stdout == post.stdout


def test_symbolize_platform_and_cpu_are_for_the_emulated_kernel(tmp_path: Path) -> None:
    nm = tmp_path / "kernel.nm"
    nm.write_text("Value              Size               Type  Bind  Other Shndx    Name\n")
    for option in (("--platform", "post-fix"), ("--cpu", "amd")):
        result = hvmdoc("symbolize", "--symbols", str(nm), *option, "/dev/null")
        assert result.returncode == 2 and b"not with --symbols" in result.stderr


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Value              Size               Type  Bind  Other Shndx    Name\n",
        "> hvm_excl_holder::print\n0\n",
    ],
)
def test_symbolize_symbols_without_nm_rows_is_bad_input(tmp_path: Path, text: str) -> None:
    nm = tmp_path / "kernel.nm"
    nm.write_text(text)
    result = hvmdoc("symbolize", "--symbols", str(nm), stdin=b"dtrace: hi\n")
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.decode().startswith(f"{nm}:1:1: expected mdb ::nm output")
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize(
    "text",
    [
        "hello world\n",
        "UUID                                  TYPE  RAM      STATE             ALIAS\n",
        "dtrace: description 'hvm_excl_*:entry ' matched 2 probes\n",
    ],
)
def test_parse_mdb_rejects_other_tools_output(text: str) -> None:
    result = hvmdoc("parse", "mdb", stdin=text.encode())
    assert (result.returncode, result.stdout) == (2, b"")
    assert result.stderr.decode().startswith("<stdin>:1:1: expected an mdb line")


def test_parse_headerless_vmadm_with_too_few_o_columns_is_bad_input() -> None:
    line = "79062669-e229-e55d-960d-9b18d0fed8d0  BHYV  2048     running           test"
    result = hvmdoc("parse", "vmadm", "-o", "uuid,type,ram", stdin=line.encode() + b"\n")
    assert (result.returncode, result.stdout) == (2, b"")
    column = line.index("running") + 1
    assert result.stderr.decode().startswith(f"<stdin>:1:{column}: expected the end of a vmadm")
