"""The same mkdocs.yml builds with Zensical, Material's successor.

What Zensical does differently or lacks is written down in
docs/contributing/zensical.md; these tests hold the parts that must work.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitelib import (
    DOCS,
    Built,
    html_for,
    html_pages,
    html_session_blocks,
    is_external,
    parse_html,
    session_fences,
)

pytestmark = pytest.mark.xdist_group("site-zensical")

STORY = sorted((DOCS / "story").glob("*.md"))


def test_zensical_builds_every_page(zensical_site: Built) -> None:
    built = {str(p.relative_to(zensical_site.site)) for p in html_pages(zensical_site.site)}
    for markdown in sorted(DOCS.rglob("*.md")):
        html = html_for(markdown, zensical_site.site)
        assert str(html.relative_to(zensical_site.site)) in built, markdown


@pytest.mark.parametrize("markdown", STORY, ids=[p.stem for p in STORY])
def test_story_sessions_are_highlighted_by_our_lexer(zensical_site: Built, markdown: Path) -> None:
    fences = session_fences(markdown)
    page = html_for(markdown, zensical_site.site).read_text(encoding="utf-8")
    blocks = html_session_blocks(page)
    assert len(blocks) == len(fences)
    for fence, block in zip(fences, blocks, strict=True):
        assert "language-console" in block.classes, fence.line
        assert block.text.rstrip("\n") == fence.text.rstrip("\n"), fence.line
        if re.search(r"^(?:\[[^\]]*\]# |# |\$ |> )", fence.text, re.MULTILINE):
            assert 'class="gp"' in block.code_html, f"{markdown.name}:{fence.line}"


def test_zensical_output_loads_nothing_from_another_host(zensical_site: Built) -> None:
    for path in html_pages(zensical_site.site):
        external = [r for r in parse_html(path).resources if is_external(r[2])]
        assert external == [], f"{path.relative_to(zensical_site.site)}: {external}"


def test_zensical_renders_the_api_reference(zensical_site: Built) -> None:
    api = zensical_site.site / "api"
    pages = [p for p in api.rglob("index.html") if p.parent != api]
    assert pages, "no API page built"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "doc-module" in text or "doc doc-object" in text, page
        assert not re.search(r"<p>:::\s", text), page  # an unprocessed mkdocstrings block
