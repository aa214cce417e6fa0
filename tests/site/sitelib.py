"""Helpers for the site tests: building, serving and reading the built HTML."""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
#: Where browser tests leave screenshots (``make clean`` removes it).
TEST_OUTPUT = ROOT / "test-output"

#: A prompt at the start of a session line (shell, SmartOS PS1, mdb).
SHELL_PROMPT = re.compile(r"^(?:\[[^\]]*\][#$] |# |\$ )")
MDB_PROMPT = "> "


@dataclass(frozen=True)
class Built:
    """A built site and its build log."""

    site: Path
    log: str


def build_env(offline: bool) -> dict[str, str]:
    """Environment for a build: no MkDocs 2 banner, the offline switch on or off."""
    env = {k: v for k, v in os.environ.items() if k != "HVMDOC_OFFLINE"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    if offline:
        env["HVMDOC_OFFLINE"] = "true"  # a YAML boolean: mkdocs.yml reads it with !ENV
    return env


def mkdocs_build(site: Path, *, offline: bool = False, config: Path | None = None) -> Built:
    """``mkdocs build --strict`` of the repository into ``site``; raises on failure."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    if config is not None:
        command += ["--config-file", str(config)]
    done = subprocess.run(
        command, cwd=ROOT, env=build_env(offline), capture_output=True, text=True, check=False
    )
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise AssertionError(f"mkdocs build --strict failed ({done.returncode}):\n{log}")
    return Built(site=site, log=log)


def html_for(markdown: Path, site: Path, *, directory_urls: bool = True) -> Path:
    """The HTML file MkDocs writes for ``docs/…/x.md``."""
    relative = markdown.relative_to(DOCS).with_suffix("")
    if relative.name == "index" or not directory_urls:
        return site / relative.with_suffix(".html")
    return site / relative / "index.html"


def markdown_pages() -> list[Path]:
    """Every Markdown page of the site."""
    return sorted(DOCS.rglob("*.md"))


def html_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site."""
    return sorted(site.rglob("*.html"))


# --- session blocks --------------------------------------------------------

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class SessionFence:
    """A ``{ .console .hvmdoc }`` fence as written in Markdown."""

    path: Path
    line: int
    info: str
    text: str

    @property
    def static(self) -> bool:
        return ".hvmdoc-static" in self.info


def session_fences(path: Path) -> list[SessionFence]:
    """The ``.hvmdoc`` fences of a page, found the way pymdownx.superfences finds them.

    Uses the sessions layer's scanner (`hvmdoc.sessions.find`) when present,
    so the site tests and the checker agree on what a block is.
    """
    try:
        from hvmdoc.sessions.find import read_page
    except ImportError:  # pragma: no cover - the sessions layer is absent
        return _own_fences(path)
    page = read_page(path)
    return [
        SessionFence(path, fence.line, fence.info, "\n".join(fence.lines))
        for fence in page.fences
        if _is_session(fence.info)
    ]


def _is_session(info: str) -> bool:
    return re.search(r"(?<![\w-])\.hvmdoc(?![\w-])", info) is not None


def _own_fences(path: Path) -> list[SessionFence]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[SessionFence] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        end = index + 1
        closing = re.compile(
            rf"^[ \t]*{re.escape(match['fence'][0])}{{{len(match['fence'])},}}\s*$"
        )
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        if _is_session(match["info"]):
            indent = match["indent"]
            body = [
                line[len(indent) :] if line.startswith(indent) else line.lstrip()
                for line in lines[index + 1 : end]
            ]
            found.append(SessionFence(path, index + 1, match["info"], "\n".join(body)))
        index = end + 1
    return found


def expected_commands(text: str) -> str:
    """The commands a reader types in a session's text: prompt lines without the prompt."""
    commands: list[str] = []
    in_mdb = text.lstrip("\n").startswith(MDB_PROMPT)
    continued = False
    for line in text.splitlines():
        if continued:
            command = line
        elif in_mdb and line.startswith(MDB_PROMPT):
            command = line[len(MDB_PROMPT) :]
            if command.strip() in {"$q", "::quit"}:
                in_mdb = False
        elif match := SHELL_PROMPT.match(line):
            command = line[match.end() :]
            words = command.split()
            in_mdb = in_mdb or (bool(words) and words[0] == "mdb" and "|" not in command)
        else:
            continue
        command = command.rstrip()
        continued = command.endswith("\\")
        if command:
            commands.append(command)
    return "\n".join(commands)


@dataclass(frozen=True)
class HtmlBlock:
    """A session block in built HTML."""

    classes: tuple[str, ...]
    attributes: str
    code_html: str

    @property
    def text(self) -> str:
        return html.unescape(re.sub(r"<[^>]+>", "", self.code_html))


_HTML_BLOCK = re.compile(
    r'<div class="(?P<classes>[^"]*)"(?P<attributes>[^>]*)>\s*'
    r'(?:<span class="filename">.*?</span>)?'
    r"<pre[^>]*>(?:<span></span>)?<code[^>]*>(?P<code>.*?)</code></pre>",
    re.DOTALL,
)


def html_session_blocks(page: str) -> list[HtmlBlock]:
    """The ``.hvmdoc`` code blocks of a built page, in document order."""
    blocks = []
    for match in _HTML_BLOCK.finditer(page):
        classes = tuple(match["classes"].split())
        if "hvmdoc" in classes:
            blocks.append(HtmlBlock(classes, match["attributes"], match["code"]))
    return blocks


# --- links -------------------------------------------------------------------


class LinkParser(HTMLParser):
    """Collects ids, links and resource references of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("name"):
            self.ids.add(str(values["name"]))
        if tag == "a" and values.get("href") is not None:
            self.links.append(str(values["href"]))
        if tag == "img":
            self.images.append(values)
        for attribute, value in attrs:
            if value is None or (tag == "a" and attribute == "href"):
                continue
            if attribute in {"src", "href", "srcset", "poster", "data", "action", "xlink:href"} or (
                attribute == "style" and "url(" in value
            ):
                self.resources.append((tag, attribute, value))


#: Elements whose text a reader reads as one block (a paragraph, a cell, a heading).
BLOCK_TAGS = frozenset(
    {"p", "li", "td", "th", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption"}
)
#: Elements whose text is not prose: code, and what the browser never shows as text.
SKIPPED_TAGS = frozenset({"pre", "code", "kbd", "script", "style", "svg", "template"})


class BlockTextParser(HTMLParser):
    """The prose of a page, block by block: each block element's own text, code left out.

    Text inside ``<code>``/``<pre>`` (and scripts, styles, inline SVG) is skipped;
    text of a nested block (a ``<p>`` in an ``<li>``) belongs to the innermost one.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._open: list[tuple[str, list[str]]] = []
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self._skipping.append(tag)
        elif tag in BLOCK_TAGS and not self._skipping:
            self._open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if self._skipping:
            if tag == self._skipping[-1]:
                self._skipping.pop()
            return
        if tag in BLOCK_TAGS and self._open and self._open[-1][0] == tag:
            _, parts = self._open.pop()
            self.blocks.append(" ".join("".join(parts).split()))

    def handle_data(self, data: str) -> None:
        if self._open and not self._skipping:
            self._open[-1][1].append(data)


def block_texts(page: str) -> list[str]:
    """The prose blocks of one HTML page (see `BlockTextParser`)."""
    parser = BlockTextParser()
    parser.feed(page)
    parser.close()
    return parser.blocks


def parse_html(path: Path) -> LinkParser:
    """Parse one built page."""
    parser = LinkParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def is_external(url: str) -> bool:
    """Whether a URL points off the site (a scheme with a host, or protocol-relative)."""
    return re.match(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//", url) is not None


# --- serving -------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- Zensical --------------------------------------------------------------------

#: What a Zensical build of the site needs from the repository: the config, the
#: pages, the files pages include with pymdownx.snippets, and the package that
#: mkdocstrings documents (``paths: [.]``).
ZENSICAL_INPUTS = ("mkdocs.yml", "docs", "examples", "hvmdoc")


def zensical_build(project: Path, *, offline: bool = False) -> Built:
    """``zensical build`` of a copy of the site in ``project`` (Zensical keeps
    ``site_dir`` inside the project, so it cannot build into a temporary dir of
    ours from the repository itself)."""
    import shutil

    project.mkdir(parents=True, exist_ok=True)
    for name in ZENSICAL_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    zensical = Path(sys.executable).with_name("zensical")
    done = subprocess.run(
        [str(zensical), "build", "--clean"],
        cwd=project,
        env=build_env(offline),
        capture_output=True,
        text=True,
        check=False,
    )
    log = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
    if done.returncode != 0:
        raise AssertionError(f"zensical build failed ({done.returncode}):\n{log}")
    return Built(site=project / "site", log=log)
