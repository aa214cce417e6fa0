"""Site benchmarks: what our extensions cost at build time, and what a reader downloads.

- ``mkdocs build`` of the site against a bare Material site built from the same
  Markdown (no extensions, no plugins but search): the ratio is the cost of our
  Markdown extensions, the session lexer and mkdocstrings.
- ``zensical build`` of the same ``mkdocs.yml``, for comparison with its successor.
- The bytes Chromium transfers to show the home page (``encodedDataLength``
  of every response, headers included, as the DevTools network panel counts),
  served from 127.0.0.1 by a thread.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RUNS = 2  # the best of RUNS builds: the machine is shared
#: What the home page may weigh (a reader on a slow workshop network).
HOME_BYTES_TARGET = 1_000_000
RATIO_TARGET = 6.0


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "HVMDOC_OFFLINE"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def _build_seconds(config: Path, site: Path, cwd: Path) -> float:
    """Best wall time of RUNS ``mkdocs build`` runs (not strict: measure even a broken site)."""
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
            cwd=cwd,
            env=_env(),
            check=True,
            capture_output=True,
        )
        best = min(best, time.perf_counter() - started)
    return best


def _zensical_seconds(project: Path) -> float:
    """Best wall time of RUNS ``zensical build --clean`` runs on a copy of the site's inputs."""
    project.mkdir()
    for name in ("mkdocs.yml", "docs", "examples", "hvmdoc"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    zensical = Path(sys.executable).with_name("zensical")
    best = float("inf")
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(
            [str(zensical), "build", "--clean"],
            cwd=project,
            env=_env(),
            check=True,
            capture_output=True,
        )
        best = min(best, time.perf_counter() - started)
    return best


def _bare_config(work: Path) -> Path:
    """A Material site with the same Markdown and nothing else."""
    shutil.copytree(ROOT / "docs", work / "docs")
    config = work / "mkdocs.yml"
    config.write_text("site_name: bare\ntheme:\n  name: material\n  font: false\n")
    return config


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) from a thread; yield the base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _home_page_bytes(site: Path) -> tuple[int, int]:
    """(bytes transferred, requests) for the home page in Chromium."""
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        sizes: dict[str, float] = {}

        def finished(event: dict[str, Any]) -> None:
            sizes[event["requestId"]] = event["encodedDataLength"]

        cdp.on("Network.loadingFinished", finished)
        page.goto(base, wait_until="networkidle")
        browser.close()
    return int(sum(sizes.values())), len(sizes)


def run() -> list[dict[str, Any]]:
    """Measure; one row per figure."""
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="hvmdoc-bench-site-") as temporary:
        work = Path(temporary)
        ours = _build_seconds(ROOT / "mkdocs.yml", work / "ours", ROOT)
        bare = _build_seconds(_bare_config(work), work / "bare", work)
        ratio = ours / bare
        rows += [
            {"name": "mkdocs build: our site", "value": round(ours, 3), "unit": "s"},
            {
                "name": "mkdocs build: bare Material, same Markdown",
                "value": round(bare, 3),
                "unit": "s",
            },
            {
                "name": "build time ratio (cost of our extensions)",
                "value": round(ratio, 2),
                "unit": "x",
                "target": f"<= {RATIO_TARGET:g}x",
                "ok": ratio <= RATIO_TARGET,
            },
        ]
        zensical = _zensical_seconds(work / "zensical")
        rows.append(
            {
                "name": "zensical build: same mkdocs.yml (a copy)",
                "value": round(zensical, 3),
                "unit": "s",
            }
        )
        if shutil.which("chromium"):
            transferred, requests = _home_page_bytes(work / "ours")
            rows += [
                {
                    "name": "home page: bytes transferred (Chromium)",
                    "value": transferred,
                    "unit": "B",
                    "target": f"<= {HOME_BYTES_TARGET:,} B",
                    "ok": transferred <= HOME_BYTES_TARGET,
                },
                {"name": "home page: requests", "value": requests, "unit": ""},
            ]
        else:
            rows.append(
                {
                    "name": "home page: bytes transferred",
                    "value": "skipped: no chromium",
                    "unit": "",
                }
            )
    return rows
