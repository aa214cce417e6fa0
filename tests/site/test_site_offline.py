"""The offline build (``make site-offline``): it works opened from disk, search included."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from sitelib import Built, html_pages, is_external, parse_html

pytestmark = pytest.mark.xdist_group("site-offline")

MDB_PAGE = "story/who-holds-it.html"


def test_offline_build_links_name_html_files(offline_site: Built) -> None:
    """Directory URLs (``story/``) do not open from disk; the offline build has none."""
    for path in html_pages(offline_site.site):
        for href in parse_html(path).links:
            if is_external(href) or href.startswith(("#", "mailto:")):
                continue
            target = urlsplit(href).path
            assert target.endswith((".html", ".svg", ".png", ".txt", ".xml")), (path, href)


def test_offline_build_inlines_the_search_index_and_the_worker_shim(offline_site: Built) -> None:
    assert (offline_site.site / "search" / "search_index.js").is_file()
    home = (offline_site.site / "index.html").read_text(encoding="utf-8")
    assert 'src="javascripts/vendor/iframe-worker/shim.js"' in home
    assert "unpkg.com" not in home


def _file_context(browser: Any) -> tuple[Any, list[str]]:
    """A context that may load only file:, data: and blob: URLs; others are recorded."""
    context = browser.new_context()
    foreign: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith(("file:", "data:", "blob:")):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    return context, foreign


@pytest.mark.browser
def test_search_works_opened_from_disk(chromium: Any, offline_site: Built) -> None:
    context, foreign = _file_context(chromium)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((offline_site.site / "index.html").as_uri(), wait_until="load")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("SmartOS KVM", delay=20)
    results = page.locator(".md-search-result__link")
    results.first.wait_for(timeout=15_000)
    hrefs = results.evaluate_all("els => els.map(e => e.href)")
    context.close()
    assert any(MDB_PAGE in href for href in hrefs), hrefs
    assert all(href.startswith("file:") for href in hrefs)
    assert foreign == []
    assert errors == []


@pytest.mark.browser
def test_session_page_opened_from_disk_copies_commands(chromium: Any, offline_site: Built) -> None:
    context, foreign = _file_context(chromium)
    page = context.new_page()
    page.goto((offline_site.site / MDB_PAGE).as_uri(), wait_until="load")
    copies = page.eval_on_selector_all(
        ".hvmdoc.highlight", "els => els.map(e => e.getAttribute('data-copy'))"
    )
    context.close()
    assert copies and all(copies), copies
    assert copies[0].splitlines()[0] == "mdb -k"
    assert foreign == []
