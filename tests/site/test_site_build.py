"""The MkDocs build of the site: strict, complete, highlighted, self-contained.

One build per test session (``built_site``); these tests only read it.
"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from sitelib import (
    DOCS,
    ROOT,
    Built,
    block_texts,
    html_for,
    html_pages,
    html_session_blocks,
    is_external,
    markdown_pages,
    parse_html,
    session_fences,
)

pytestmark = pytest.mark.xdist_group("site-mkdocs")


def nav_files() -> list[str]:
    """docs/-relative paths of every page in mkdocs.yml's nav."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!ENV", lambda loader, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    config: dict[str, Any] = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)

    def walk(item: Any) -> list[str]:
        if isinstance(item, str):
            return [item]
        if isinstance(item, list):
            return [path for child in item for path in walk(child)]
        if isinstance(item, dict):
            return [path for child in item.values() for path in walk(child)]
        return []

    return walk(config["nav"])


def test_strict_build_logs_no_warning(built_site: Built) -> None:
    problems = [
        line for line in built_site.log.splitlines() if "WARNING" in line or "ERROR" in line
    ]
    assert problems == []


def test_nav_lists_exactly_the_pages_that_exist() -> None:
    listed = nav_files()
    existing = sorted(str(path.relative_to(DOCS)) for path in markdown_pages())
    assert sorted(set(listed)) == sorted(listed), "a page is listed twice"
    assert [p for p in listed if p not in existing] == [], "nav lists missing pages"
    assert [p for p in existing if p not in listed] == [], "pages missing from the nav"


def test_every_session_block_is_a_highlighted_code_block_with_its_text(built_site: Built) -> None:
    checked = 0
    for markdown in markdown_pages():
        fences = session_fences(markdown)
        if not fences:
            continue
        page = html_for(markdown, built_site.site).read_text(encoding="utf-8")
        blocks = html_session_blocks(page)
        where = markdown.relative_to(ROOT)
        assert len(blocks) == len(fences), f"{where}: {len(fences)} fences, {len(blocks)} in HTML"
        for fence, block in zip(fences, blocks, strict=True):
            label = f"{where}:{fence.line}"
            assert "highlight" in block.classes and "language-console" in block.classes, label
            assert block.text.rstrip("\n") == fence.text.rstrip("\n"), label
            if re.search(r"^(?:\[[^\]]*\]# |# |\$ |> )", fence.text, re.MULTILINE):
                assert '<span class="gp">' in block.code_html, f"{label}: prompt not highlighted"
            checked += 1
    assert checked > 0, "no session block found in docs/"


def _prose(page: str) -> str:
    """A page's HTML without its code."""
    page = re.sub(r"<pre.*?</pre>", "", page, flags=re.DOTALL)
    return re.sub(r"<code.*?</code>", "", page, flags=re.DOTALL)


def test_no_fence_was_turned_into_paragraphs(built_site: Built) -> None:
    for path in html_pages(built_site.site):
        prose = _prose(path.read_text(encoding="utf-8"))
        assert "```" not in prose, path
        assert not re.search(r"\{\s*\.console", prose), path


def test_no_html_page_loads_anything_from_another_host(built_site: Built) -> None:
    for path in html_pages(built_site.site):
        external = [
            r for r in parse_html(path).resources if is_external(r[2]) or "url(http" in r[2]
        ]
        assert external == [], f"{path.relative_to(built_site.site)}: {external}"


def test_no_stylesheet_or_own_script_refers_to_another_host(built_site: Built) -> None:
    site = built_site.site
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", text), css
        assert not re.search(r"@import\s+(?:url\()?['\"]?(?:https?:)?//", text), css
    own = list((site / "javascripts").glob("*.js"))
    assert own, "the copy script is not in the site"
    for script in own:
        assert not re.search(r"https?://|//[a-z]", script.read_text(encoding="utf-8")), script
    for svg in (site / "assets" / "diagrams").glob("*.svg"):
        refs = re.findall(r'(?:href|src)="([^"]+)"', svg.read_text(encoding="utf-8"))
        assert [r for r in refs if is_external(r)] == [], svg


def test_fonts_are_not_loaded_from_google(built_site: Built) -> None:
    for path in html_pages(built_site.site):
        assert "fonts.googleapis.com" not in path.read_text(encoding="utf-8"), path


def test_every_internal_link_and_anchor_resolves(built_site: Built) -> None:
    site = built_site.site
    parsed = {path: parse_html(path) for path in html_pages(site)}
    broken: list[str] = []
    for path, page in parsed.items():
        for href in page.links:
            if is_external(href) or href.startswith(("mailto:", "javascript:", "data:")):
                continue
            parts = urlsplit(href)
            base = site if parts.path.startswith("/") else path.parent
            relative = unquote(parts.path).lstrip("/")
            target = path if not parts.path else (base / relative).resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(site)} -> {href}"
            if not target.is_file():
                broken.append(where)
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else parse_html(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where} (no anchor)")
    assert broken == [], "\n".join(broken)


def test_every_image_has_alt_text(built_site: Built) -> None:
    for path in html_pages(built_site.site):
        for image in parse_html(path).images:
            assert (image.get("alt") or "").strip(), f"{path}: {image.get('src')}"


def test_diagrams_are_served_and_used_with_alt_text(built_site: Built) -> None:
    used: dict[str, str] = {}
    for path in html_pages(built_site.site):
        for image in parse_html(path).images:
            src = image.get("src") or ""
            if "assets/diagrams/" in src:
                used[Path(src).name] = image.get("alt") or ""
    for name in ("lock-states.svg", "call-paths.svg"):
        assert (built_site.site / "assets" / "diagrams" / name).is_file()
        assert name in used, f"no page shows {name}"
        assert len(used[name]) > 40, f"{name}: alt text too short to stand in for it"


def test_search_index_finds_smartos_kvm_on_the_mdb_page(built_site: Built) -> None:
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    hits = {doc["location"].split("#")[0] for doc in index["docs"] if "SmartOS KVM" in doc["text"]}
    assert "story/who-holds-it/" in hits


def test_search_ranks_story_pages_up_and_api_pages_down(built_site: Built) -> None:
    index = json.loads((built_site.site / "search" / "search_index.json").read_text())
    # Quoted names and dotted paths are split into words ("SmartOS KVM" -> smartos, kvm).
    assert '"' in index["config"]["separator"] and "\\." in index["config"]["separator"]
    boosts: dict[str, set[float]] = {}
    for doc in index["docs"]:
        section = doc["location"].split("/")[0]
        boosts.setdefault(section, set()).add(doc.get("boost", 1))
    assert boosts["story"] == {2}
    assert boosts["api"] == {0.5}
    assert boosts["workshop"] == {1}


def test_api_pages_document_each_object_once(built_site: Built) -> None:
    """A package's re-exports are documented in their module only: every object's
    anchor is ``package.module.…``, never ``package.Name`` as well."""
    from hvmdoc.docsgen import api_pages

    for page, package, _title, _summary in api_pages.LAYERS:
        modules = {name.rsplit(".", 1)[1] for name in api_pages.modules(package)}
        if not modules:
            continue
        ids = parse_html(html_for(DOCS / page, built_site.site)).ids
        objects = [i for i in ids if i.startswith(f"{package}.")]
        assert objects, page
        outside = sorted(i for i in objects if i[len(package) + 1 :].split(".")[0] not in modules)
        assert outside == [], f"{page}: documented at the package level too"


def test_every_page_has_the_copy_script_and_styles(built_site: Built) -> None:
    for path in html_pages(built_site.site):
        page = path.read_text(encoding="utf-8")
        assert "javascripts/hvmdoc-copy.js" in page, path
        assert "assets/stylesheets/hvmdoc.css" in page, path


#: reStructuredText that Markdown leaves as it is: an interpreted-text role
#: (``:func:`x` ``), a section underline, a directive, the ``::`` literal marker.
_REST_ROLE = re.compile(r":(?:py:)?(?:func|class|mod|meth|attr|exc|data|obj|ref|doc|term):")
_REST_UNDERLINE = re.compile(r"^(?:={4,}|-{4,}|~{4,}|\^{4,})")
_REST_DIRECTIVE = re.compile(r"(?:^|\s)\.\. [a-z-]+::")


def rest_leftovers(page: str) -> list[str]:
    """The prose blocks of a built page that still carry reST markup."""
    found = []
    for text in block_texts(page):
        if (
            _REST_ROLE.search(text)
            or _REST_UNDERLINE.match(text)
            or _REST_DIRECTIVE.search(text)
            or text.endswith("::")
        ):
            found.append(text)
    return found


def test_the_rest_detector_catches_each_kind_of_leftover() -> None:
    assert rest_leftovers(
        "<p>See :func:<code>hold</code>.</p><li>:class:`Host`</li>"
        "<p>==== ====</p><p>.. note:: careful</p><p>For example::</p><td>::</td>"
    ) == [
        "See :func:.",
        ":class:`Host`",
        "==== ====",
        ".. note:: careful",
        "For example::",
        "::",
    ]
    # mdb dcmds, DTrace probe names and code are not reST.
    assert (
        rest_leftovers(
            "<p>Run <code>hvm_excl_holder::print</code>: it reads the lock.</p>"
            "<p>::print of a boolean_t</p><td>dtrace:::BEGIN fires first</td>"
            "<pre><code>:func:`x`\nExample::\n====</code></pre>"
        )
        == []
    )


def test_no_page_shows_leftover_restructuredtext(built_site: Built) -> None:
    found = {
        str(path.relative_to(built_site.site)): leftovers
        for path in html_pages(built_site.site)
        if (leftovers := rest_leftovers(path.read_text(encoding="utf-8")))
    }
    assert found == {}


#: Every element a page of this site may use: HTML's, and inline SVG's (icons).
_KNOWN_TAG_NAMES = """
    a abbr address article aside audio b bdi bdo blockquote body br button canvas caption
    cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i
    iframe img input ins kbd label legend li link main map mark menu meta meter nav
    noscript object ol optgroup option output p picture pre progress q rp rt ruby s samp
    script search section select slot small source span strong style sub summary sup
    table tbody td template textarea tfoot th thead time title tr track u ul var video wbr
    svg g path rect circle ellipse line polyline polygon text tspan defs marker use symbol
    desc lineargradient radialgradient stop clippath mask pattern foreignobject
"""
KNOWN_TAGS = frozenset(_KNOWN_TAG_NAMES.split())


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)


def test_no_page_has_text_swallowed_as_an_unknown_tag(built_site: Built) -> None:
    """`<uuid>` in a docstring or registry text must reach the reader, not the DOM."""
    unknown: dict[str, list[str]] = {}
    for path in html_pages(built_site.site):
        collector = _TagCollector()
        collector.feed(path.read_text(encoding="utf-8"))
        if strange := sorted(collector.tags - KNOWN_TAGS):
            unknown[str(path.relative_to(built_site.site))] = strange
    assert unknown == {}


def test_assumptions_page_shows_placeholders_as_text(built_site: Built) -> None:
    page = html_for(DOCS / "model" / "assumptions.md", built_site.site).read_text(encoding="utf-8")
    text = " ".join(block_texts(page))
    for needle in (
        "/zones/<uuid>/root/tmp/vm.log",
        "'VM <uuid> not found in zoneadm'",
        "'Unable to start VM <uuid>: '",
        "'zoneadm: <uuid>: No such zone configured'",
        "module`function+offset",
    ):
        assert needle in text, needle


def _heading_text(fragment: str) -> str:
    """The text of an HTML heading, without its permalink."""
    fragment = re.sub(r'<a class="headerlink".*?</a>', "", fragment, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def test_every_page_title_starts_with_its_h1(built_site: Built) -> None:
    """MkDocs titles a page from its H1 only when the H1 comes first; otherwise from its
    file name ("Cli", "Index"), which shows in the tab, the nav and search results."""
    wrong: list[str] = []
    for markdown in markdown_pages():
        page = html_for(markdown, built_site.site).read_text(encoding="utf-8")
        title = re.search(r"<title>(.*?)</title>", page, re.DOTALL)
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.DOTALL)
        assert title and h1, markdown
        title_text, h1_text = _heading_text(title[1]), _heading_text(h1[1])
        if not title_text.startswith(h1_text):
            wrong.append(f"{markdown.relative_to(DOCS)}: title {title_text!r}, H1 {h1_text!r}")
    assert wrong == []


#: A platform label: an italic paragraph of its own just before a session,
#: "*Platform: `joyent_…`, before OS-7080 …*" ("Platforms:" for several, "Symbols:"
#: for a symbol table), naming at least one platform stamp.
_LABEL = re.compile(r"^\*(?:Platforms?|Symbols): .*\*$", re.DOTALL)
_STAMP = re.compile(r"joyent_(\d{8}T\d{6}Z)")
#: `hvmdoc race` output names its platform in its first line.
_RACE_HEADER = re.compile(r"^platform (\d{8}T\d{6}Z) \(", re.MULTILINE)
#: A page-level platform note: an admonition titled "Platform…" at the top level.
_NOTE = re.compile(r'^(?:!!!|\?\?\?\+?) \w+ "Platform\b[^"]*"')


def paragraph_before(path: Path, line: int) -> str:
    """The Markdown paragraph just above line ``line`` (1-based), joined, unindented."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = line - 2
    while index >= 0 and not lines[index].strip():
        index -= 1
    end = index
    while index >= 0 and lines[index].strip():
        index -= 1
    return " ".join(text.strip() for text in lines[index + 1 : end + 1])


def platform_label(path: Path, line: int, text: str) -> str | None:
    """What labels a session with its platform (a caption, or its own output), or None."""
    caption = paragraph_before(path, line)
    if _LABEL.match(caption) and _STAMP.search(caption):
        return caption
    output = text.split("\n", 1)[1] if "\n" in text else ""
    if text.startswith("$ hvmdoc race") and _RACE_HEADER.match(output):
        return output.splitlines()[0]
    return None


def named_stamps(label: str) -> list[str]:
    """The build stamps a label names, in order."""
    return _STAMP.findall(label) or _RACE_HEADER.findall(label)


def platform_note(path: Path) -> tuple[int, str] | None:
    """A page's platform note: (line, title and body joined), or None."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        if _NOTE.match(line):
            body = [line]
            for following in lines[number:]:
                if following.strip() and not following.startswith("    "):
                    break
                body.append(following.strip())
            return number, " ".join(part for part in body if part)
    return None


def session_platforms(path: Path) -> list[tuple[int, str, str]]:
    """(line, text, stamp) of each session block: the stamp of the platform it shows.

    A block on an emulated host shows the host's platform, as the checker builds
    it (front matter, then the ``data-*`` attributes of the block that started the
    host, then the scenario's default: `Document.host_spec`,
    `hvmdoc.sessions.replay.platform_of`). A block that only runs commands for real
    (``$ hvmdoc race``, ``$ python examples/...``) shows the platform they build from
    their own ``--scenario``/``--platform`` options, with the same defaults.
    """
    import shlex

    from hvmdoc.sessions.blocks import HostSpec, load_path
    from hvmdoc.sessions.replay import known_scenarios, platform_of

    document, errors = load_path(path, known_scenarios())
    assert document is not None and errors == [], errors
    found: list[tuple[int, str, str]] = []
    for block in document.sessions:
        if block.uses_host:
            spec = document.host_spec(block)
        else:
            options: dict[str, str] = {}
            for step in block.steps:
                words = shlex.split(step.command)
                for word, value in zip(words, [*words[1:], ""], strict=True):
                    name, equals, given = word.partition("=")
                    if name in {"--scenario", "--platform"}:
                        options[name[2:]] = given if equals else value
            spec = HostSpec(**options)
        found.append((block.line, "\n".join(block.fence.lines), platform_of(spec).stamp))
    return found


def platform_label_problems(path: Path, *, notes: bool = True) -> list[str]:
    """Each session block of ``path`` whose platform no label names, or names wrongly.

    A block is labelled by the caption just above it (or, for ``hvmdoc race``, its
    own first output line); a "Platform:" or "Symbols:" caption names the block's
    stamp first, a "Platforms:" caption names it somewhere. A block without one is
    labelled by the page's platform note (with ``notes``), an admonition titled
    "Platform…" above it, whose first stamp must be the block's.
    """
    note = platform_note(path) if notes else None
    problems: list[str] = []
    for line, text, stamp in session_platforms(path):
        where = f"{path.name}:{line}"
        label = platform_label(path, line, text)
        if label is None and note is not None and note[0] < line:
            label = note[1]
        if label is None:
            problems.append(f"{where}: runs on joyent_{stamp}, and no label says so")
            continue
        named = named_stamps(label)
        ok = stamp in named if label.startswith("*Platforms:") else named[:1] == [stamp]
        if not ok:
            problems.append(f"{where}: runs on joyent_{stamp} but is labelled {label!r}")
    return problems


def test_every_session_is_labelled_with_its_platform() -> None:
    """Every session says which platform it reflects: each story session by its own
    caption (the story is history); on other pages, a caption or the page's platform
    note, with a caption for each block whose platform is not the note's."""
    problems: list[str] = []
    pages = 0
    for markdown in markdown_pages():
        if not session_fences(markdown):
            continue
        pages += 1
        story = markdown.parent.name == "story"
        problems += [
            f"{markdown.parent.name}/{problem}"
            for problem in platform_label_problems(markdown, notes=not story)
        ]
    assert pages > 15
    assert problems == []


def test_the_platform_label_check_finds_missing_and_wrong_labels(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    front = "---\nhvmdoc:\n  scenario: emy-17\n---\n\n# Page\n\n"
    block = "``` {{ .console .hvmdoc{} }}\n# uname -v\njoyent_{}\n```\n\n"
    pre, post = "20180315T000000Z", "20180830T000000Z"
    note = '!!! info "Platform"\n\n    Runs on `joyent_{}`.\n\n'
    caption = "*Platform: `joyent_{}`.*\n\n"

    def problems(text: str, *, notes: bool = True) -> list[str]:
        page.write_text(front + text, encoding="utf-8")
        return platform_label_problems(page, notes=notes)

    fixed = ' data-platform="post-fix"'
    assert problems(note.format(pre) + block.format("", pre)) == []
    assert problems(block.format("", pre) + note.format(pre)) != []  # note after the block
    assert problems(note.format(pre) + block.format("", pre), notes=False) != []
    assert problems(block.format("", pre)) != []  # no label
    assert problems(note.format(post) + block.format("", pre)) != []  # wrong note
    assert problems(caption.format(post) + block.format("", pre)) != []  # wrong caption
    assert problems(note.format(pre) + block.format(fixed, post)) != []  # differs, no caption
    assert problems(note.format(pre) + caption.format(pre) + block.format(fixed, post)) != []
    assert problems(note.format(pre) + caption.format(post) + block.format(fixed, post)) == []
    race = "``` { .console .hvmdoc }\n$ hvmdoc race --bhyve 1 --kvm 1 --platform post-fix\n```\n"
    assert problems(caption.format(pre) + race) != []
    assert problems(caption.format(post) + race) == []


def test_the_platform_label_check_tells_labels_from_other_prose(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Some prose that happens to mention `joyent_20180315T000000Z`.\n\n"
        "```\n# uname -v\n```\n\n"
        "*Platform: `joyent_20180315T000000Z`, before OS-7080.\n"
        "Second line of the caption.*\n\n"
        "    ```\n    # uname -v\n    ```\n\n"
        "*Platform: before the fix.*\n\n"
        "```\n# uname -v\n```\n",
        encoding="utf-8",
    )
    assert platform_label(page, 3, "# uname -v") is None
    assert platform_label(page, 10, "# uname -v") is not None
    assert platform_label(page, 16, "# uname -v") is None  # names no platform
    race = "$ hvmdoc race --bhyve 1 --kvm 1\nplatform 20180315T000000Z (pre-fix), cpu intel"
    assert platform_label(page, 3, race) == "platform 20180315T000000Z (pre-fix), cpu intel"
