"""Fixtures of the browser tests: Debian's headless Chromium, driven over CDP, and a private
JupyterLab. The code that starts them is scripts/browser.py (scripts/widget_pictures.py uses it
too).

Without /usr/bin/chromium (`apt-get install chromium`; Playwright cannot download a browser
here) every test that needs it is skipped, unless BROWSER_TESTS=required, as `.ci/run` and the
GitHub Actions workflow set, makes that a failure.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("browser_tools", ROOT / "scripts" / "browser.py")
browser_tools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_tools)


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Debian's Chromium, started by us (so we hold its pid), as a Playwright Browser."""
    if not Path(browser_tools.CHROMIUM).exists():
        if os.environ.get("BROWSER_TESTS") == "required":
            pytest.fail(f"{browser_tools.CHROMIUM} is missing: apt-get install chromium",
                        pytrace=False)
        pytest.skip(f"no {browser_tools.CHROMIUM} (apt-get install chromium)")
    with browser_tools.chromium(tmp_path_factory.mktemp("chromium")) as chromium:
        yield chromium


@pytest.fixture(scope="module")
def lab(browser, tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, over a copy of the notebooks; home untouched.
    Yields its port. (It asks for `browser` first, so that without Chromium it never starts.)"""
    with browser_tools.jupyter_lab(tmp_path_factory.mktemp("jupyter")) as port:
        yield port
