"""The built site in a real browser: Playwright driving Debian's Chromium.

The site is served on 127.0.0.1 by a thread; every request the browser makes
is routed through a handler that lets only that server through and records
(and aborts) the rest. One crawl visits every page; the tests read its record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from sitelib import (
    DOCS,
    TEST_OUTPUT,
    Built,
    expected_commands,
    html_for,
    html_pages,
    serve,
    session_fences,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("site-mkdocs")]

MDB_PAGE = "story/who-holds-it/"


@dataclass
class Crawl:
    """What the browser saw on every page."""

    base: str
    pages: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    images_without_alt: list[str] = field(default_factory=list)
    copy_texts: dict[str, list[str]] = field(default_factory=dict)
    #: page -> the ids of every element in its live DOM
    ids: dict[str, set[str]] = field(default_factory=dict)
    #: page -> the absolute href of every link on it that has a #fragment
    fragment_links: dict[str, list[str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def server(built_site: Built) -> Iterator[str]:
    with serve(built_site.site) as base:
        yield base


def guarded_context(browser: Any, base: str, crawl: Crawl | None = None, **options: Any) -> Any:
    """A browser context whose requests may only reach ``base``; others are recorded, aborted."""
    context = browser.new_context(**options)
    foreign: list[str] = crawl.foreign_requests if crawl else []

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith((base, "data:", "blob:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", route)
    context.foreign = foreign
    return context


@pytest.fixture(scope="module")
def crawl(chromium: Any, built_site: Built, server: str) -> Crawl:
    """Visit every page of the site once."""
    record = Crawl(base=server)
    context = guarded_context(chromium, server, record)
    page = context.new_page()
    current = {"path": ""}

    def on_console(message: Any) -> None:
        if message.type == "error":
            record.console_errors.append(f"{current['path']}: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            record.failed_requests.append(f"{current['path']}: {response.status} {response.url}")

    def on_request_failed(request: Any) -> None:
        # ERR_ABORTED: the next navigation cancelled it (a favicon, say), not a failure.
        if request.url.startswith(server) and request.failure != "net::ERR_ABORTED":
            record.failed_requests.append(f"{current['path']}: {request.url} {request.failure}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: record.console_errors.append(f"{current['path']}: {error}"))
    page.on("response", on_response)
    context.on("requestfailed", on_request_failed)
    for path in html_pages(built_site.site):
        relative = str(path.relative_to(built_site.site))
        url_path = relative.removesuffix("index.html")
        current["path"] = url_path or "/"
        # Wait for the network to go idle (500 ms without a request), so what a
        # page requests late (the search worker's index, a lazy script) is made,
        # routed and recorded against this page before the next one loads.
        page.goto(server + url_path, wait_until="networkidle")
        record.pages.append(url_path)
        record.ids[url_path] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        record.fragment_links[url_path] = page.eval_on_selector_all(
            "a[href*='#']", "els => els.map(e => e.href)"
        )
        for source in page.eval_on_selector_all(
            "img", "els => els.filter(e => !(e.getAttribute('alt') || '').trim()).map(e => e.src)"
        ):
            record.images_without_alt.append(f"{url_path}: {source}")
        record.copy_texts[url_path] = page.eval_on_selector_all(
            ".hvmdoc.highlight", "els => els.map(e => e.getAttribute('data-copy'))"
        )
    page.wait_for_load_state("networkidle")
    context.close()
    return record


def test_every_page_was_visited(crawl: Crawl, built_site: Built) -> None:
    assert len(crawl.pages) == len(html_pages(built_site.site)) > 5


def test_no_page_logs_a_console_error(crawl: Crawl) -> None:
    assert crawl.console_errors == []


def test_no_request_goes_to_any_host_but_the_local_server(crawl: Crawl) -> None:
    assert crawl.foreign_requests == []


def test_every_local_request_succeeds(crawl: Crawl) -> None:
    failed = [f for f in crawl.failed_requests if not f.startswith("404.html")]
    assert failed == []


def test_every_internal_anchor_resolves_to_an_element_in_the_live_page(crawl: Crawl) -> None:
    """Each #fragment link to a page of the site names an element id in that page's
    live DOM (the build test checks the static HTML; this one the page as shown)."""
    broken: list[str] = []
    checked = 0
    for source, hrefs in crawl.fragment_links.items():
        for href in hrefs:
            if not href.startswith(crawl.base):
                continue
            parts = urlsplit(href.removeprefix(crawl.base))
            if not parts.fragment:
                continue
            target = parts.path
            ids = crawl.ids.get(target)
            if ids is None:
                broken.append(f"{source or '/'} -> {href} (page not crawled)")
            elif unquote(parts.fragment) not in ids:
                broken.append(f"{source or '/'} -> {href}")
            checked += 1
    assert checked > 100
    assert broken == []


def test_every_image_has_alt_text_in_the_rendered_page(crawl: Crawl) -> None:
    assert crawl.images_without_alt == []


def test_copy_text_of_every_session_is_its_commands_only(crawl: Crawl, built_site: Built) -> None:
    compared = 0
    for markdown in sorted(DOCS.rglob("*.md")):
        fences = session_fences(markdown)
        if not fences:
            continue
        html = html_for(markdown, built_site.site)
        url_path = str(html.relative_to(built_site.site)).removesuffix("index.html")
        copies = crawl.copy_texts[url_path]
        assert len(copies) == len(fences), url_path
        for fence, copied in zip(fences, copies, strict=True):
            assert copied == expected_commands(fence.text), f"{markdown.name}:{fence.line}"
            compared += 1
    assert compared > 0


def test_copy_button_puts_only_commands_on_the_clipboard(chromium: Any, server: str) -> None:
    context = guarded_context(chromium, server, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server + MDB_PAGE, wait_until="networkidle")
    blocks = page.locator(".hvmdoc.highlight")
    assert blocks.count() > 0
    fence_text = session_fences(DOCS / "story" / "who-holds-it.md")[0].text
    page.evaluate("navigator.clipboard.writeText('nothing copied yet')")
    blocks.first.hover()
    blocks.first.locator("button[data-clipboard-target], button.md-clipboard").first.click()
    page.wait_for_timeout(200)
    copied = page.evaluate("navigator.clipboard.readText()")
    context.close()
    assert copied == expected_commands(fence_text)
    assert "Loading modules" not in copied and not copied.startswith("#")
    assert context.foreign == []


def test_search_for_smartos_kvm_finds_the_mdb_page(chromium: Any, server: str) -> None:
    context = guarded_context(chromium, server)
    page = context.new_page()
    page.goto(server, wait_until="networkidle")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("SmartOS KVM", delay=20)  # Material searches on key events
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=10_000)
    # One item per page, best first; its first link is the page itself. The worker
    # answers every key stroke: read until two reads 250 ms apart agree.
    read = "els => els.map(e => e.querySelector('.md-search-result__link').href)"
    hrefs: list[str] = []
    for _ in range(20):
        page.wait_for_timeout(250)
        now = results.evaluate_all(read)
        if now == hrefs:
            break
        hrefs = now
    context.close()
    assert any(MDB_PAGE in href for href in hrefs[:3]), hrefs[:5]
    assert context.foreign == []


def test_palette_toggle_switches_between_light_and_dark(chromium: Any, server: str) -> None:
    context = guarded_context(chromium, server, color_scheme="light")
    page = context.new_page()
    page.goto(server, wait_until="networkidle")

    def scheme() -> str:
        return str(page.evaluate("document.body.getAttribute('data-md-color-scheme')"))

    first = scheme()
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    second = scheme()
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    third = scheme()
    context.close()
    assert {first, second} == {"default", "slate"}
    assert third == first


def test_a_narrow_screen_clips_no_session_note_and_splits_no_name_in_a_table(
    chromium: Any, server: str
) -> None:
    """On a 390 px phone: the "replayed by the test suite" line under a session ends
    inside the screen, and code in a table breaks only at its spaces (the table
    scrolls in its own box; the page does not)."""
    context = guarded_context(chromium, server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server + MDB_PAGE, wait_until="networkidle")
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('.md-content__inner > .hvmdoc.highlight')]
        .map(block => block.getBoundingClientRect().right
             - parseFloat(getComputedStyle(block, '::after').paddingRight)
             - document.documentElement.clientWidth)"""
    )
    split: list[str] = []
    for path in ("story/the-lock/", "model/"):
        page.goto(server + path, wait_until="networkidle")
        split += page.evaluate(
            """() => [...document.querySelectorAll('.md-typeset table code')]
            .filter(code => !/[\\s-]/.test(code.textContent) && code.getClientRects().length > 1)
            .map(code => code.textContent)"""
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()
    assert overflow and max(overflow) < 0, overflow
    assert split == []
    assert context.foreign == []


def test_screenshots_of_home_and_a_session_page(chromium: Any, server: str) -> None:
    TEST_OUTPUT.mkdir(exist_ok=True)
    context = guarded_context(chromium, server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    shots = {"home.png": "", "session-page.png": MDB_PAGE}
    for name, path in shots.items():
        page.goto(server + path, wait_until="networkidle")
        page.screenshot(path=str(TEST_OUTPUT / name), full_page=True)
    context.close()
    for name in shots:
        data = (TEST_OUTPUT / name).read_bytes()
        assert data.startswith(b"\x89PNG") and len(data) > 10_000, name


def test_the_guard_catches_a_request_to_another_host(chromium: Any, tmp_path: Path) -> None:
    """The crawl's detector itself: a page that loads from elsewhere is caught."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><title>t</title><img alt="x" src="https://cdn.example.org/x.png">'
        '<link rel="stylesheet" href="//fonts.example.org/f.css">'
    )
    with serve(tmp_path) as base:
        context = guarded_context(chromium, base)
        page = context.new_page()
        page.goto(base, wait_until="load")
        context.close()
    assert sorted(context.foreign) == [
        "http://fonts.example.org/f.css",
        "https://cdn.example.org/x.png",
    ]
