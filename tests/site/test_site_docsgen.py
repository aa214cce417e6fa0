"""`hvmdoc docs`: the generated pages and diagrams (hvmdoc/docsgen)."""

from __future__ import annotations

import html
import itertools
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import click
import markdown
import pytest

from hvmdoc.cli import SUBCOMMANDS, cli, main
from hvmdoc.docsgen import api_pages, assumptions, cli_reference, diagrams, generate

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


@dataclass(frozen=True)
class FakeAssumption:
    """Stands in for hvmdoc.model.registry.Assumption."""

    id: str
    title: str
    statement: str
    why: str
    where: str


FAKE = {
    "A-race-order": FakeAssumption(
        "A-race-order", "Autoboot order", "VMs boot\n  in any order.", "No source says.", "host.py"
    ),
    "vmm.latch": FakeAssumption("vmm.latch", "The latch", "It latches.", "Because.", "vmm.py"),
}


def run_cli(*args: str) -> int:
    """Run ``hvmdoc ARGS`` in-process; return its exit status."""
    try:
        main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generate from FAKE instead of the model's registry."""
    monkeypatch.setattr(assumptions, "load_registry", lambda: FAKE)


def test_committed_generated_files_are_up_to_date() -> None:
    stale = generate.check(DOCS)
    assert stale == [], f"run `hvmdoc docs`: {stale} differ from what it would write"


def test_assumptions_page_lists_every_assumption_with_an_anchor() -> None:
    page = assumptions.render(FAKE)
    assert "The model makes 2 assumptions." in page
    for key, item in FAKE.items():
        anchor = assumptions.anchor(key)
        assert f"[`{key}`](#{anchor})" in page
        assert f"## {item.title} {{ #{anchor} }}" in page
    assert "VMs boot in any order." in page  # wrapped registry text joined into one paragraph
    assert assumptions.anchor("A-race-order") == "a-race-order"
    assert assumptions.anchor("vmm.latch") == "vmm-latch"


def _rendered_text(markdown_text: str) -> str:
    """What a reader sees of ``markdown_text`` rendered as the site renders it."""
    rendered = markdown.markdown(markdown_text, extensions=["tables", "attr_list", "toc"])
    return html.unescape(re.sub(r"<[^>]+>", "", rendered))


def test_assumptions_page_shows_registry_text_as_written() -> None:
    """Registry text is plain text: `<uuid>` is not an HTML tag, `*` not emphasis."""
    tricky = FakeAssumption(
        "tricky",
        "A | title with {braces} and #414",
        "'VM <uuid> not found in zoneadm' & /zones/<uuid>/root/tmp/vm.log",
        "Printed as module`function+offset, *not* [a link](x) or __init__ or (_vm).",
        "1. looks like a list",
    )
    page = assumptions.render({"tricky": tricky})
    assert "<uuid>" not in page
    text = _rendered_text(page)
    for field in ("title", "statement", "why", "where"):
        assert getattr(tricky, field) in text, field
    assert f"{tricky.title} |" not in page  # the | in the table cell is escaped
    rendered = markdown.markdown(page, extensions=["tables", "attr_list", "toc"])
    assert 'id="tricky"' in rendered  # the braces did not eat the heading's anchor


def test_cli_reference_covers_every_subcommand_and_option() -> None:
    page = cli_reference.render()
    root = click.Context(cli, info_name="hvmdoc")
    for name in SUBCOMMANDS:
        assert f"## `hvmdoc {name}` {{ #{name} }}" in page
        try:
            command = cli.get_command(root, name)
        except ImportError:
            continue
        assert command is not None
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert f"`{param.opts[0]}`" in page, (name, param.opts)


def test_cli_reference_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    first = cli_reference.render()
    monkeypatch.setenv("COLUMNS", "40")
    assert cli_reference.render() == first


def test_api_pages_document_every_layer_that_exists() -> None:
    pages = api_pages.pages()
    index = pages[api_pages.INDEX]
    for page, package, _title, _summary in api_pages.LAYERS:
        names = api_pages.modules(package)
        if not names:
            assert page not in pages
            continue
        assert f"({Path(page).name})" in index
        assert f"::: {package}\n" in pages[page]
        assert "show_submodules: true" in pages[page]
        assert all(not name.rsplit(".", 1)[1].startswith("_") for name in names)


@pytest.mark.parametrize("path", sorted(diagrams.DIAGRAMS))
def test_diagrams_are_accessible_self_contained_svg(path: str) -> None:
    svg = diagrams.DIAGRAMS[path]()
    tree = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert tree.tag == f"{ns}svg"
    assert tree.get("role") == "img"
    title, desc = tree.find(f"{ns}title"), tree.find(f"{ns}desc")
    assert title is not None and title.text
    assert desc is not None and desc.text and len(desc.text) > 100
    for element in tree.iter():
        for attribute, value in element.attrib.items():
            if attribute.endswith("href") or attribute == "src":
                assert not value.startswith(("http:", "https:", "//")), (attribute, value)


def test_lock_diagram_shows_states_and_the_panic() -> None:
    text = "".join(ET.fromstring(diagrams.lock_states_svg()).itertext())
    for needle in (
        "free",
        "\u201cbhyve\u201d",
        "\u201cSmartOS KVM\u201d",
        "kernel panic",
        "VERIFY",
    ):
        assert needle in text


SVG = "{http://www.w3.org/2000/svg}"


def _text_boxes(tree: ET.Element) -> list[tuple[str, float, float, float, float]]:
    """(text, left, top, right, bottom) of every ``<text>``, its width estimated from
    its length (0.6 em a character, monospace and sans alike: a generous estimate)."""
    boxes = []
    for text in tree.iter(f"{SVG}text"):
        content = "".join(text.itertext())
        x, y, size = (float(text.get(name, "0")) for name in ("x", "y", "font-size"))
        width = 0.6 * size * len(content)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[
            text.get("text-anchor", "start")
        ]
        boxes.append((content, left, y - 0.8 * size, left + width, y + 0.2 * size))
    return boxes


def _path_points(d: str) -> list[tuple[float, float]]:
    """Points along an arrow's path: its M/L polyline, or its cubic curve, sampled."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", d)]
    pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
    if " C " in d:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pairs
        return [
            (
                (1 - t) ** 3 * x0 + 3 * (1 - t) ** 2 * t * x1 + 3 * (1 - t) * t**2 * x2 + t**3 * x3,
                (1 - t) ** 3 * y0 + 3 * (1 - t) ** 2 * t * y1 + 3 * (1 - t) * t**2 * y2 + t**3 * y3,
            )
            for t in (i / 200 for i in range(201))
        ]
    points = []
    for (x0, y0), (x1, y1) in itertools.pairwise(pairs):
        points += [(x0 + (x1 - x0) * i / 100, y0 + (y1 - y0) * i / 100) for i in range(101)]
    return points


@pytest.mark.parametrize("path", sorted(diagrams.DIAGRAMS))
def test_no_arrow_runs_through_a_label(path: str) -> None:
    tree = ET.fromstring(diagrams.DIAGRAMS[path]())
    boxes = _text_boxes(tree)
    crossed = set()
    for arrow in tree.iter(f"{SVG}path"):
        if not arrow.get("marker-end"):
            continue  # the arrow heads' own shapes
        for x, y in _path_points(arrow.get("d", "")):
            crossed |= {text for text, *box in boxes if box[0] < x < box[2] and box[1] < y < box[3]}
    assert crossed == set()


def test_lock_diagram_has_a_panic_arrow_from_each_state() -> None:
    """The panic label says a wrong release panics in any state, free included."""
    tree = ET.fromstring(diagrams.lock_states_svg())
    rects = {
        rect.get("fill"): (
            float(rect.get("x", "0")),
            float(rect.get("y", "0")),
            float(rect.get("x", "0")) + float(rect.get("width", "0")),
            float(rect.get("y", "0")) + float(rect.get("height", "0")),
        )
        for rect in tree.iter(f"{SVG}rect")
    }

    def on(point: tuple[float, float], fill: str) -> bool:
        left, top, right, bottom = rects[fill]
        return left - 1 <= point[0] <= right + 1 and top - 1 <= point[1] <= bottom + 1

    starts = [
        points[0]
        for arrow in tree.iter(f"{SVG}path")
        if arrow.get("marker-end") == "url(#arrow-panic)"
        and on((points := _path_points(arrow.get("d", "")))[-1], diagrams.PANIC)
    ]
    for state in (diagrams.FREE, diagrams.BHYVE, diagrams.KVM):
        assert any(on(start, state) for start in starts), state


def test_call_paths_follow_the_seed_stacks() -> None:
    text = "".join(ET.fromstring(diagrams.call_paths_svg()).itertext())
    hold = [frame.split("+")[0] for _, frame in diagrams.HOLD_PATH]
    assert hold[0] == "ioctl" and hold[-1] == "hvm_excl_hold"
    rele = [frame.split("+")[0] for _, frame in diagrams.RELE_PATH]
    assert rele[1] == "zone_destroy" and rele[-1] == "hvm_excl_rele"
    positions = [text.index(name) for name in hold]
    assert positions == sorted(positions)


def test_every_generated_page_starts_with_its_h1() -> None:
    """The "Generated" comment follows the H1: before it, MkDocs would title the
    page from its file name."""
    for path, text in generate.generated_files().items():
        if path.endswith(".md"):
            if text.startswith("---\n"):  # front matter (search settings) comes first
                text = text.split("\n---\n", 1)[1].lstrip("\n")
            assert text.startswith("# "), path
            assert "<!-- Generated by `hvmdoc docs`" in text.split("\n\n", 2)[1], path


def test_write_is_atomic_and_touches_only_changed_files(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "page.md"
    generate.write_atomic(target, "one\n")
    assert target.read_text() == "one\n"
    generate.write_atomic(target, "two\n")
    assert target.read_text() == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["page.md"]  # no temporary left


def test_docs_command_writes_then_check_passes(tmp_path: Path, fake_registry: None) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    assert run_cli("docs", "--check", "--docs-dir", str(docs)) == 1
    assert run_cli("docs", "--docs-dir", str(docs)) == 0
    assert (docs / "model" / "assumptions.md").read_text() == assumptions.render(FAKE)
    assert (docs / "assets" / "diagrams" / "lock-states.svg").exists()
    mtime = (docs / "tools" / "cli.md").stat().st_mtime_ns
    assert run_cli("docs", "--check", "--docs-dir", str(docs)) == 0
    assert run_cli("docs", "--docs-dir", str(docs)) == 0
    assert (docs / "tools" / "cli.md").stat().st_mtime_ns == mtime
    (docs / "tools" / "cli.md").write_text("edited by hand\n")
    assert run_cli("docs", "--check", "--docs-dir", str(docs)) == 1


def test_docs_command_without_docs_dir_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("docs", "--docs-dir", str(tmp_path / "nowhere")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no such directory" in err
