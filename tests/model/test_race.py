"""The reboot race: exact DP vs brute-force enumeration of the real model; the CLI."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from hvmdoc.cli import main
from hvmdoc.cli.race import command
from hvmdoc.model.platform import parse_platform
from hvmdoc.model.race import race, race_by_enumeration

PLATFORMS = ["pre-fix", "post-fix", "hma-v2", "20200604T000000Z"]
CPUS = ["intel", "amd"]


@settings(max_examples=40, deadline=None)
@given(
    bhyve=st.integers(0, 3),
    kvm=st.integers(0, 3),
    platform=st.sampled_from(PLATFORMS),
    cpu=st.sampled_from(CPUS),
)
def test_exact_equals_enumeration_of_the_host_model(
    bhyve: int, kvm: int, platform: str, cpu: str
) -> None:
    if bhyve + kvm > 5:
        bhyve = min(bhyve, 2)
    exact = race(bhyve, kvm, platform, cpu)
    brute = race_by_enumeration(bhyve, kvm, platform, cpu)
    assert exact.outcomes == brute.outcomes
    assert sum(o.fraction for o in exact.outcomes) == 1


@settings(max_examples=60, deadline=None)
@given(bhyve=st.integers(0, 300), kvm=st.integers(0, 300))
def test_pre_fix_intel_first_vm_decides(bhyve: int, kvm: int) -> None:
    outcomes = {o.holder: o for o in race(bhyve, kvm, "pre-fix", "intel").outcomes}
    total = bhyve + kvm
    if total == 0:
        assert list(outcomes) == [None]
        return
    if bhyve:
        assert outcomes["bhyve"].fraction == Fraction(bhyve, total)
        assert (outcomes["bhyve"].unaccelerated, outcomes["bhyve"].failed) == (kvm, 0)
    if kvm:
        assert outcomes["SmartOS KVM"].fraction == Fraction(kvm, total)
        assert (outcomes["SmartOS KVM"].unaccelerated, outcomes["SmartOS KVM"].failed) == (0, bhyve)


def test_after_fix_single_outcome_holder_null() -> None:
    (outcome,) = race(4, 3, "post-fix", "intel").outcomes
    assert (outcome.holder, outcome.fraction, outcome.unaccelerated, outcome.failed) == (
        None,
        Fraction(1),
        0,
        0,
    )


def test_sorted_by_probability_then_holder() -> None:
    outcomes = race(1, 3).outcomes
    assert [o.holder for o in outcomes] == ["SmartOS KVM", "bhyve"]
    tie = race(2, 2).outcomes
    assert [o.holder for o in tie] == ["SmartOS KVM", "bhyve"]


def test_bad_counts_raise() -> None:
    with pytest.raises(ValueError):
        race(-1, 2)
    with pytest.raises(ValueError):
        race(True, 2)


def test_cli_json_shape() -> None:
    result = CliRunner().invoke(command, ["--bhyve", "1", "--kvm", "2", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert list(doc) == ["platform", "fixed", "cpu", "bhyve", "kvm", "outcomes"]
    assert (doc["platform"], doc["fixed"], doc["cpu"], doc["bhyve"], doc["kvm"]) == (
        "20180315T000000Z",
        False,
        "intel",
        1,
        2,
    )
    assert [list(o) for o in doc["outcomes"]] == [
        ["holder", "fraction", "probability", "unaccelerated", "failed"]
    ] * 2
    first, second = doc["outcomes"]
    assert (first["holder"], first["fraction"], first["unaccelerated"], first["failed"]) == (
        "SmartOS KVM",
        "2/3",
        0,
        1,
    )
    assert first["probability"] == pytest.approx(2 / 3)
    assert second["holder"] == "bhyve" and second["fraction"] == "1/3"


def test_cli_json_after_fix_holder_null() -> None:
    result = CliRunner().invoke(
        command, ["--bhyve", "2", "--kvm", "2", "--platform", "post-fix", "--json"]
    )
    doc = json.loads(result.output)
    assert doc["fixed"] is True and doc["platform"] == "20180830T000000Z"
    assert doc["outcomes"] == [
        {"holder": None, "fraction": "1/1", "probability": 1.0, "unaccelerated": 0, "failed": 0}
    ]


def test_cli_table() -> None:
    result = CliRunner().invoke(command, ["--bhyve", "3", "--kvm", "1"])
    lines = result.output.splitlines()
    assert result.exit_code == 0
    assert lines[1].split() == ["HOLDER", "FRACTION", "PROBABILITY", "UNACCELERATED", "FAILED"]
    assert lines[2].split() == ["bhyve", "3/4", "0.750000", "1", "0"]
    assert lines[3].split() == ["SmartOS", "KVM", "1/4", "0.250000", "0", "3"]


@pytest.mark.parametrize(
    ("platform", "state"),
    [
        ("pre-fix", "pre-fix"),
        ("post-fix", "post-fix, OS-7080"),
        ("hma-v2", "hma-v2, OS-7080"),
        ("20180829T000000Z", "pre-fix"),
    ],
)
def test_cli_table_heading_names_the_platform_once(platform: str, state: str) -> None:
    result = CliRunner().invoke(command, ["--bhyve", "1", "--kvm", "1", "--platform", platform])
    heading = result.output.splitlines()[0]
    assert result.exit_code == 0
    assert heading.startswith(f"platform {parse_platform(platform).stamp} ({state}), cpu intel:")
    assert "((" not in heading and "))" not in heading


@pytest.mark.parametrize(
    "args",
    [
        ["--bhyve", "-1", "--kvm", "1"],
        ["--bhyve", "x", "--kvm", "1"],
        ["--bhyve", "1.5", "--kvm", "1"],
        ["--bhyve", "1", "--kvm", "99999999"],
        ["--bhyve", "1", "--kvm", "1", "--platform", "someday"],
        ["--bhyve", "1", "--kvm", "1", "--cpu", "arm"],
    ],
)
def test_cli_bad_input_exits_2_with_one_line(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["race", *args])
    assert info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err


def test_cli_missing_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["race", "--bhyve", "1"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Missing option '--kvm'" in err and "Traceback" not in err
