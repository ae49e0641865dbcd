"""Real-browser test: JupyterLab in headless Chromium runs the learner edition of notebooks
01 and 08 (notebooks/, what `make lab` opens), and their widgets answer the mouse and the
keyboard. The exercises come last and start as stubs that raise NotImplementedError, so the
only errors allowed on the page are theirs, after every lesson cell has run.

Needs Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`; Playwright cannot
download a browser here). Without it the test is skipped, unless BROWSER_TESTS=required, as
`.ci/run` sets, makes that a failure (the `browser` fixture in conftest.py). Screenshots go to
build/browser/.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "browser"
# Chromium, JupyterLab and running a notebook: scripts/browser.py, shared with
# scripts/widget_pictures.py; the `browser` and `lab` fixtures are in conftest.py.
_spec = importlib.util.spec_from_file_location("browser_tools", ROOT / "scripts" / "browser.py")
browser_tools = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(browser_tools)
open_and_run_all, delete_sessions = browser_tools.open_and_run_all, browser_tools.delete_sessions


def is_stub_error(text: str) -> bool:
    """The error of an exercise stub not yet filled in (scripts/editions.py writes it)."""
    return "NotImplementedError" in text and "is yours" in text


def looks_like_an_error(text: str) -> bool:
    return "Traceback" in text or bool(re.search(r"^\w*(Error|Exception)\b", text, re.M))


def assert_no_errors_but_the_stubs(page, name: str) -> None:
    """No cell shows an error, except exercise stubs' NotImplementedError (at least one).

    JupyterLab renders an error output as text with the mime type
    application/vnd.jupyter.stderr (its traceback), like a stream on stderr.
    """
    outputs = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output")
    errors = [t for t in outputs.all_inner_texts() if looks_like_an_error(t)]
    stubs = [t for t in errors if is_stub_error(t)]
    others = [t[:300] for t in errors if not is_stub_error(t)]
    assert stubs, f"{name}: no exercise stub ran"
    assert not others, f"{name} shows errors other than the exercise stubs': {others}"


def finish(page, port: int, screenshot: str) -> None:
    """Keep a screenshot as the test's artifact, close the page, and stop its kernel."""
    page.screenshot(path=SHOTS / screenshot)
    page.close()
    delete_sessions(port)


def test_notebook_01_digit_browser_follows_its_slider(lab, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_and_run_all(browser, lab, "01_load_the_data.ipynb")
    assert_no_errors_but_the_stubs(page, "01")
    # The split diagram, embedded as a data: URI titled images/train_test_split.png, is shown.
    images = """() => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput img')].map(
        i => [i.getAttribute('title') || i.getAttribute('src'), i.complete && i.naturalWidth > 0])"""
    try:
        page.wait_for_function(f"() => ({images})().some(([src, shown]) => "
                               "src.includes('train_test_split') && shown)", timeout=30_000)
    except Exception:
        raise AssertionError(f"the split diagram is not shown: {page.evaluate(images)}")
    slider = page.locator(".widget-slider").first
    slider.scroll_into_view_if_needed()
    box = slider.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    image = box.locator("img").first
    expect(image).to_be_visible(timeout=30_000)
    before = image.get_attribute("src")
    page.screenshot(path=SHOTS / "01_digit_browser_before.png")
    readout = slider.locator(".widget-readout")
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    page.keyboard.press("Enter")
    page.wait_for_function("([el, old]) => { const img = el.querySelector('img');"
                           " return img && img.src !== old; }",
                           arg=[box.element_handle(), before], timeout=30_000)
    assert box.locator("img").first.get_attribute("src") != before
    finish(page, lab, "01_digit_browser_after.png")


def test_notebook_08_reads_a_drawn_one(lab, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = open_and_run_all(browser, lab, "08_your_own_digits.ipynb")
    assert_no_errors_but_the_stubs(page, "08")
    canvas = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output canvas").first
    try:
        canvas.scroll_into_view_if_needed()
    except Exception:
        page.screenshot(path=SHOTS / "08_no_canvas.png", full_page=True)
        raise
    expect(canvas).to_be_visible(timeout=30_000)
    box = canvas.bounding_box()
    assert 270 <= box["width"] <= 290, f"canvas is {box['width']} px wide, not 280"
    browser_tools.draw_a_one(page, box)
    pad = canvas.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    expect(pad).to_contain_text("Prediction: 1", timeout=60_000)
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=60_000)
    finish(page, lab, "08_drawn_one.png")
