"""Fixtures of the site tests: each site is built once per test session.

The builds are expensive on a shared machine, so every test that reads the
MkDocs site shares one build (``built_site``), and the offline and Zensical
builds are their own fixtures. Tests that use one build carry the same
``xdist_group`` so that, under ``pytest -n 2 --dist loadgroup``, one worker
builds it once.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sitelib import Built, mkdocs_build, zensical_build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The site as ``make site`` builds it (``mkdocs build --strict``), in a temporary dir.

    ``HVMDOC_BUILT_SITE=DIR`` tests a site already built there (e.g. by ``make
    site``) instead of building one.
    """
    prebuilt = os.environ.get("HVMDOC_BUILT_SITE")
    if prebuilt:
        return Built(site=Path(prebuilt).resolve(), log="")
    return mkdocs_build(tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="session")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The site as ``make site-offline`` builds it (``HVMDOC_OFFLINE=true``)."""
    prebuilt = os.environ.get("HVMDOC_BUILT_SITE_OFFLINE")
    if prebuilt:
        return Built(site=Path(prebuilt).resolve(), log="")
    return mkdocs_build(tmp_path_factory.mktemp("site-offline") / "site", offline=True)


BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Playwright driving Debian's Chromium (skips, or fails under CI, without it)."""
    from support import require_tool  # type: ignore[import-not-found]  # tests/ on sys.path

    path = require_tool("chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=BROWSER_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The same mkdocs.yml built by Zensical (on a copy of the inputs)."""
    return zensical_build(tmp_path_factory.mktemp("zensical") / "project")
