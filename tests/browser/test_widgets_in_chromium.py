"""Real-browser test: JupyterLab in headless Chromium runs the learner edition of notebooks
01 and 08 (notebooks/, what `make lab` opens), and their widgets answer the mouse and the
keyboard. The exercises come last and start as stubs that raise NotImplementedError, so the
only errors allowed on the page are theirs, after every lesson cell has run.

Needs Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`; Playwright cannot
download a browser here). Without it the test is skipped, unless BROWSER_TESTS=required, as
`.ci/run` sets, makes that a failure. Screenshots go to build/browser/.
"""

from __future__ import annotations

import json
import re
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "build" / "browser"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "digits-browser-test"

if not Path(CHROMIUM).exists():
    if os.environ.get("BROWSER_TESTS") == "required":
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium", pytrace=False)
    pytest.skip(f"no {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Stop a process we started, and its children, by its process (group) id."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def api(port: int, path: str, method: str = "GET"):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        body = response.read()
    return json.loads(body) if body else None


def delete_sessions(port: int) -> None:
    """Kernels outlive the browser's pages: shut down every session between notebooks."""
    for session in api(port, "/api/sessions"):
        api(port, f"/api/sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1 with a token, over a copy of the notebooks; home untouched.

    Served from the copy's root, as `make lab` serves the course, so ../images/ resolves."""
    home = tmp_path_factory.mktemp("jupyter")
    work = home / "course"
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    shutil.copytree(ROOT / "images", work / "images")  # the server may refuse a symlink out
    settings = home / "settings"
    for plugin, values in {"notebook-extension/tracker": {"windowingMode": "none"},
                           "docmanager-extension/plugin": {"autosave": False},
                           "apputils-extension/notification": {"fetchNews": "false"}}.items():
        path = settings / f"@jupyterlab/{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_DATA_DIR=str(home / "data"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(settings),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), IPYTHONDIR=str(home / "ipython"))
    port = free_port()
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={work}",
         *(["--allow-root"] if os.geteuid() == 0 else [])],  # CI containers run as root
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for _ in range(120):
            try:
                api(port, "/api/status")
                break
            except OSError:
                assert server.poll() is None, (home / "server.log").read_text()[-2000:]
                time.sleep(0.5)
        yield port
        delete_sessions(port)
    finally:
        stop(server)
        log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's Chromium, started by us (so we hold its pid) and driven over CDP."""
    profile = tmp_path_factory.mktemp("chromium")
    chromium = subprocess.Popen(
        [CHROMIUM, *FLAGS, "--remote-debugging-port=0", f"--user-data-dir={profile}",
         "--window-size=1400,1000", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.2)
        port = port_file.read_text().split()[0]
        with sync_playwright() as playwright:
            yield playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
    finally:
        stop(chromium)


def open_and_run_all(browser, port: int, notebook: str):
    """Open a notebook, wait for its kernel, run all cells, and wait until every cell up to
    the first exercise stub has run (and nothing is still running)."""
    page = browser.contexts[0].new_page()
    page.set_viewport_size({"width": 1400, "height": 1000})
    # A workspace of its own, so no tab from an earlier page is restored and run instead.
    workspace = notebook.split("_")[0]
    page.goto(f"http://127.0.0.1:{port}/lab/workspaces/nb{workspace}/tree/notebooks/{notebook}"
              f"?token={TOKEN}&reset")
    expect(page.locator("#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current")).to_contain_text(
        notebook.removesuffix(".ipynb")[:12], timeout=60_000)
    status = page.locator("#jp-main-statusbar")
    expect(status).to_contain_text("Idle", timeout=120_000)  # the kernel, not a cell
    # The learner edition is committed with its outputs, the stubs' errors included: clear
    # them first, so that every output and prompt checked below comes from this run.
    page.get_by_role("menuitem", name="Edit", exact=True).click()
    page.get_by_text("Clear Outputs of All Cells", exact=True).click()
    expect(page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output")
           ).to_have_count(0, timeout=30_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()
    # Whether Run All goes on past a stub's error is JupyterLab's business (it sends
    # stop_on_error=false for cells tagged raises-exception); either way, every cell before
    # the first stub must have run, and none may still be running.
    page.wait_for_function(
        """() => {
            const cells = [...document.querySelectorAll(
                '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')];
            const prompt = c => c.querySelector('.jp-InputArea-prompt').textContent;
            if (!cells.length || cells.some(c => prompt(c).includes('*'))) return false;
            const stub = cells.findIndex(c => /NotImplementedError/.test(
                c.querySelector('.jp-OutputArea')?.textContent || ''));
            return stub >= 0 && cells.slice(0, stub + 1).every(c => /\\[\\d+\\]/.test(prompt(c)));
        }""", timeout=300_000)
    expect(status).to_contain_text("Idle", timeout=120_000)
    return page


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
    # The split diagram, a markdown image at ../images/, is served and shown.
    images = """() => [...document.querySelectorAll(
        '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownOutput img')].map(
        i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0])"""
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
    x, top = box["x"] + box["width"] / 2, box["y"]
    page.mouse.move(x, top + 40)
    page.mouse.down()
    for step in range(1, 21):  # a vertical stroke: a "1"
        page.mouse.move(x, top + 40 + step * 10)
    page.mouse.up()
    pad = canvas.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
    expect(pad).to_contain_text("Prediction: 1", timeout=60_000)
    expect(page.locator("#jp-main-statusbar")).to_contain_text("Idle", timeout=60_000)
    finish(page, lab, "08_drawn_one.png")
