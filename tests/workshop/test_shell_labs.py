"""The labs: each has the parts a trainee expects, and every session in them replays."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from support import ROOT, check_pages

WORKSHOP = ROOT / "docs" / "workshop"
LABS = sorted(WORKSHOP.glob("lab-*.md"))
PAGES = [
    "index",
    "lab-1-who-holds-the-lock",
    "lab-2-watch-it-change-hands",
    "lab-3-the-surprise",
    "lab-4-the-reboot-race",
    "lab-5-after-os-7080",
    "instructor",
    "handout",
]


def test_every_workshop_page_exists_and_is_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for name in PAGES:
        assert (WORKSHOP / f"{name}.md").is_file(), name
        assert f"workshop/{name}.md" in nav, name
    assert len(LABS) == 5


@pytest.mark.parametrize("lab", LABS, ids=lambda p: p.stem)
def test_lab_has_goal_time_steps_expectations_questions_and_folded_solution(lab: Path) -> None:
    text = lab.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["hvmdoc"]["scenario"] == "emy-17"
    for heading in ("## Goal", "## Steps", "## What to expect", "## Questions"):
        assert f"\n{heading}\n" in text, heading
    assert '\n??? success "Solution"\n' in text
    minutes = int(re.search(r"\*\*Time:\*\* (\d+) minutes", text).group(1))  # type: ignore[union-attr]
    assert 10 <= minutes <= 20
    assert text.count("{ .console .hvmdoc") >= 2


def test_every_workshop_session_replays() -> None:
    result = check_pages("docs/workshop")
    assert result.returncode == 0, result.stdout + result.stderr
    sessions = int(re.search(r"(\d+) sessions", result.stdout + result.stderr).group(1))  # type: ignore[union-attr]
    assert sessions >= 20
