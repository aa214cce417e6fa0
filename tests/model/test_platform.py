"""Platform stamps and aliases."""

from __future__ import annotations

import pytest

from hvmdoc.model.errors import UnknownCPU, UnknownPlatform
from hvmdoc.model.platform import FIX_STAMP, HMA2_STAMP, by_release, parse_cpu, parse_platform


@pytest.mark.parametrize(
    ("text", "stamp", "fixed", "hma"),
    [
        (None, "20180315T000000Z", False, 0),
        ("pre-fix", "20180315T000000Z", False, 0),
        ("post-fix", FIX_STAMP, True, 1),
        ("hma-v2", HMA2_STAMP, True, 2),
        ("20180816T235959Z", "20180816T235959Z", False, 0),
        ("20180830T000000Z", "20180830T000000Z", True, 1),
        ("joyent_20190327T235959Z", "20190327T235959Z", True, 1),
        ("20200101T000000Z", "20200101T000000Z", True, 2),
        ("20171026T000000Z", "20171026T000000Z", False, 0),
    ],
)
def test_parse_platform(text: str | None, stamp: str, fixed: bool, hma: int) -> None:
    p = parse_platform(text)
    assert (p.stamp, p.fixed, p.hma_version) == (stamp, fixed, hma)
    assert p.uname_v == f"joyent_{stamp}"


@pytest.mark.parametrize(
    "text", ["", "latest", "2018-03-15", "20181345T000000Z", "20171012T000000Z", "20180315T000000"]
)
def test_bad_platforms(text: str) -> None:
    with pytest.raises(UnknownPlatform):
        parse_platform(text)


def test_cpu() -> None:
    assert parse_cpu(None) == "intel" and parse_cpu("AMD") == "amd"
    with pytest.raises(UnknownCPU):
        parse_cpu("sparc")


@pytest.mark.parametrize(
    ("text", "graceful"),
    [
        ("pre-fix", False),
        ("20180328T235959Z", False),
        ("20180329T000000Z", True),
        ("post-fix", True),
        ("hma-v2", True),
    ],
)
def test_bhyve_stop_without_force_from_os_6745(text: str, graceful: bool) -> None:
    assert parse_platform(text).bhyve_stop is graceful


@pytest.mark.parametrize(
    ("text", "boots"),
    [
        ("pre-fix", "2018-03-20T14:00:00+00:00"),
        ("post-fix", "2018-09-04T14:00:00+00:00"),
        ("20181231T120000Z", "2019-01-06T02:00:00+00:00"),
    ],
)
def test_host_clock_follows_the_build_stamp(text: str, boots: str) -> None:
    platform = parse_platform(text)
    assert platform.clock_start.isoformat() == boots
    assert platform.clock_start.strftime("%Y%m%dT%H%M%SZ") > platform.stamp


def test_docs_name_only_platforms_the_model_accepts() -> None:
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pages = [*sorted((root / "docs").rglob("*.md")), *sorted((root / "examples").glob("*"))]
    named: dict[str, str] = {}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for pattern in (
            r'data-platform="([^"]+)"',
            r"hvmdoc (?:shell|run|race)[^\n`]*?--platform[ =]([A-Za-z0-9_-]+)",
            r"\b((?:pre|post)-(?:os-)?\d{4})\b",
        ):
            for match in re.finditer(pattern, text, flags=re.IGNORECASE):
                named.setdefault(match.group(1), str(page.relative_to(root)))
    assert "post-fix" in named, "the pattern finds the pages' platforms"
    for name, where in named.items():
        if name in {"P", "TEXT"}:  # placeholders in the CLI reference
            continue
        try:
            parse_platform(name)
        except UnknownPlatform as exc:
            raise AssertionError(f"{where}: platform {name!r}: {exc.message}") from None


@pytest.mark.parametrize(
    ("text", "warns"),
    [
        ("pre-fix", False),
        ("20180411T235959Z", False),
        ("20180412T000000Z", True),
        ("20180829T235959Z", True),
        ("post-fix", False),
    ],
)
def test_hvm_excl_warning_from_os_6799_until_the_fix(text: str, warns: bool) -> None:
    assert parse_platform(text).excl_warns is warns


def test_by_release_picks_the_last_entry_not_after_the_stamp() -> None:
    table = (("20171026T000000Z", 54), ("20180412T000000Z", 62))
    assert by_release(table, "20180315T000000Z") == 54
    assert by_release(table, "20180412T000000Z") == 62
    assert by_release(table, "20990101T000000Z") == 62
    assert by_release(table, "20170101T000000Z") == 54


def test_os_6942_cutover_is_release_20180510() -> None:
    from hvmdoc.model.platform import BHYVE_CAPABLE_CHECK_STAMP

    assert BHYVE_CAPABLE_CHECK_STAMP == "20180510T000000Z"
    assert not parse_platform("pre-fix").create_checks_bhyve_capable
    assert not parse_platform("20180426T000000Z").create_checks_bhyve_capable
    assert parse_platform("20180510T000000Z").create_checks_bhyve_capable
    assert parse_platform("post-fix").create_checks_bhyve_capable
    assert parse_platform("hma-v2").create_checks_bhyve_capable
