"""The workshop's command sheet prints on one A4 page (docs/workshop/handout.md).

Chromium prints the built page to PDF with the site's print stylesheet
(docs/assets/stylesheets/print.css); the PDF's page objects are counted.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from sitelib import TEST_OUTPUT, serve

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site-mkdocs")]

HANDOUT = "workshop/handout/"
#: A page object of a PDF (``/Type /Pages`` is the page tree, not a page).
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


def pdf_pages(pdf: bytes) -> int:
    """How many pages a (Chromium-made, uncompressed-object) PDF holds."""
    return len(PAGE_OBJECT.findall(pdf))


def test_pdf_page_counting_sees_pages_not_the_page_tree() -> None:
    two = b"<< /Type /Pages /Kids [3 0 R 4 0 R] >> << /Type /Page >> << /Type/Page >>"
    assert pdf_pages(two) == 2


def _print(chromium: Any, url: str) -> bytes:
    context = chromium.new_context()
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    pdf: bytes = page.pdf(format="A4", print_background=False)
    context.close()
    return pdf


def test_the_handout_prints_on_one_a4_page(chromium: Any, built_site: Any) -> None:
    with serve(built_site.site) as base:
        pdf = _print(chromium, base + HANDOUT)
        story = _print(chromium, base + "story/the-surprise/")
    TEST_OUTPUT.mkdir(exist_ok=True)
    (TEST_OUTPUT / "handout.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    assert pdf_pages(pdf) == 1, f"the handout prints on {pdf_pages(pdf)} A4 pages"
    # The counter is not blind: a long story page prints on several.
    assert pdf_pages(story) > 1
