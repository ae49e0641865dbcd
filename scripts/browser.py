"""Drive Debian's headless Chromium (through Playwright, over CDP) and a private JupyterLab.

Shared by the browser tests (tests/browser/, whose conftest.py makes fixtures of these) and
scripts/widget_pictures.py. Chromium is Debian's /usr/bin/chromium (`apt-get install
chromium`): Playwright cannot download a browser here. We start it ourselves, so we hold its
process id and stop only what we started.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "digits-browser-test"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
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


@contextmanager
def chromium(profile: Path, width: int = 1400, height: int = 1000) -> Iterator[Browser]:
    """Debian's Chromium, headless, with its profile in `profile`; yields a Playwright
    Browser connected to it over CDP, and stops it afterwards."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: apt-get install chromium")
    process = subprocess.Popen(
        [CHROMIUM, *FLAGS, "--remote-debugging-port=0", f"--user-data-dir={profile}",
         f"--window-size={width},{height}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(100):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.2)
        else:
            raise RuntimeError(f"{CHROMIUM} did not open its DevTools port within 20 s")
        port = port_file.read_text().split()[0]
        with sync_playwright() as playwright:
            yield playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
    finally:
        stop(process)


def api(port: int, path: str, method: str = "GET") -> object:
    """Call the Jupyter server's REST API on 127.0.0.1 with our token; the JSON it answers."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=5) as response:
        body = response.read()
    return json.loads(body) if body else None


def delete_sessions(port: int) -> None:
    """Kernels outlive the browser's pages: shut down every session between notebooks."""
    for session in api(port, "/api/sessions"):
        api(port, f"/api/sessions/{session['id']}", method="DELETE")


@contextmanager
def jupyter_lab(home: Path, extra: tuple[str, ...] = ()) -> Iterator[int]:
    """JupyterLab on 127.0.0.1 with a token, over a copy of notebooks/ and images/ (and of
    the folders named in `extra`, where they exist) in `home`/course; yields its port.

    Served from the copy's root, as `make lab` serves the course, so ../images/ resolves.
    Its settings, kernels' files and IPython's live in `home`: the user's stay untouched."""
    work = home / "course"
    home.mkdir(parents=True, exist_ok=True)
    for folder in ("notebooks", "images", *extra):
        if (ROOT / folder).is_dir():  # copies: the server may refuse a symlink out
            shutil.copytree(ROOT / folder, work / folder)
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
    log_path = home / "server.log"
    with open(log_path, "w") as log:
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
                    if server.poll() is not None:
                        raise RuntimeError("JupyterLab stopped:\n" + log_path.read_text()[-2000:])
                    time.sleep(0.5)
            yield port
            delete_sessions(port)
        finally:
            stop(server)


def open_and_run_all(browser: Browser, port: int, notebook: str) -> Page:
    """Open a notebook of notebooks/ in JupyterLab, wait for its kernel, run all cells, and
    wait until every cell up to the first exercise stub has run (and nothing is still
    running). Returns the Playwright page."""
    from playwright.sync_api import expect

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


def draw_a_one(page: Page, canvas: dict) -> None:
    """Draw a "1" on a canvas with the mouse: a vertical stroke down its middle.

    `canvas` is the canvas's bounding box (x, y, width, height), as Playwright gives it.
    """
    x, top = canvas["x"] + canvas["width"] / 2, canvas["y"]
    page.mouse.move(x, top + 40)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(x, top + 40 + step * 10)
    page.mouse.up()
