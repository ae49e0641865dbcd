"""The course website (`make site`) in headless Chromium, served on 127.0.0.1 as a static host
such as GitHub Pages serves it.

Every page reachable from the home page is opened: it loads with its title, every picture on it
loads (naturalWidth > 0), it asks nothing of any other host (no CDN: the site works offline),
and no internal link on it is broken, anchors included. Every notebook of the learner edition
has its page, whose Colab and Binder buttons open that notebook, with the addresses
scripts/colab.py makes from the repository setting; each widget shows its picture. Notebook
04's formulas are typeset by the MathJax the site serves itself.

The site is built first (in this process, with every network connection refused) when
build/site/ is missing or stale. Screenshots of the home page and of notebooks 05 and 06's
pages go to build/site-screenshots/. Needs /usr/bin/chromium, as the other browser tests do
(conftest.py).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import socket
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import nbformat
import pytest

# Sphinx's notes to myst-parser about APIs it will remove, when the site is built in-process.
pytestmark = pytest.mark.filterwarnings("ignore:.*Check CHANGES for Sphinx API modifications")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "site-screenshots"
_spec = importlib.util.spec_from_file_location("build_site", ROOT / "scripts" / "build_site.py")
build_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_site)
colab = build_site.colab

PAGE_FACTS = """async () => {
    for (const img of document.images) img.loading = 'eager';
    await Promise.all([...document.images].map(img => img.complete ? null :
        new Promise(done => { img.onload = img.onerror = done; })));
    return {
        title: document.title,
        h1: document.querySelector('h1')?.textContent.replace('#', '').trim() ?? '',
        images: [...document.images].map(img => [img.getAttribute('src'), img.naturalWidth]),
        links: [...document.querySelectorAll('a[href]')].map(a => a.href),
        ids: [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.name),
        launch: [...document.querySelectorAll('.dropdown-launch-buttons a')].map(
            a => [a.textContent.trim(), a.href]),
        runsInJupyter: [...document.querySelectorAll('.admonition')].filter(
            a => a.textContent.includes('This runs in Jupyter')).length,
    };
}"""


@contextmanager
def no_network():
    """Refuse every connection that leaves this machine, for the duration."""
    real = socket.socket.connect

    def connect(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost") \
                and sock.family != socket.AF_UNIX:
            raise OSError(f"the website's build tried to reach {address}: it must be offline")
        return real(sock, address)

    socket.socket.connect = connect
    try:
        yield
    finally:
        socket.socket.connect = real


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site(browser):
    """build/site/, built if missing or stale, served on 127.0.0.1; yields its address."""
    if build_site.is_stale():
        with no_network():
            build_site.build()
    handler = functools.partial(QuietHandler, directory=str(build_site.OUT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def pages(browser, site):
    """Every page reachable from the home page through internal links: {url: facts}, where
    facts are PAGE_FACTS's, the HTTP status and the addresses of the page's requests."""
    page = browser.contexts[0].new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    found, queue, requests = {}, [site + "index.html"], []
    page.on("request", lambda request: requests.append(request.url))
    try:
        while queue:
            url = queue.pop(0)
            if url in found:
                continue
            requests.clear()
            response = page.goto(url, wait_until="load")
            facts = page.evaluate(PAGE_FACTS)
            facts.update(status=response.status, requests=list(requests))
            found[url] = facts
            for link in facts["links"]:
                target = urldefrag(link).url
                if target.startswith(site) and target not in found:
                    queue.append(target if not target.endswith("/") else target + "index.html")
    finally:
        page.close()
    return found


def page_url(site: str, docname: str) -> str:
    return urljoin(site, f"{docname}.html")


def notebook_h1(path: Path) -> str:
    """The title of a notebook: its first markdown heading of level 1."""
    for cell in nbformat.read(path, as_version=4).cells:
        for line in cell.source.splitlines() if cell.cell_type == "markdown" else ():
            if line.startswith("# "):
                return line[2:].strip()
    raise AssertionError(f"{path.name} has no title")


def test_every_page_loads_with_its_title(site, pages):
    expected = {"index", "instructors", "results",
                *(f"notebooks/{p.stem}" for p in build_site.learner_notebooks()),
                *(f"benchmarks/{p.stem}" for p in (ROOT / "benchmarks").glob("*.md"))}
    missing = {d for d in expected if page_url(site, d) not in pages}
    assert not missing, f"pages not reachable from the home page: {sorted(missing)}"
    for url, facts in pages.items():
        assert facts["status"] == 200, f"{url}: HTTP {facts['status']}"
        if urlsplit(url).path.endswith(("/genindex.html", "/search.html")):
            continue  # Sphinx's own pages have no h1 of ours
        assert facts["h1"], f"{url} has no heading"
        assert facts["title"].startswith(facts["h1"]), (url, facts["title"], facts["h1"])
    for path in build_site.learner_notebooks():
        facts = pages[page_url(site, f"notebooks/{path.stem}")]
        assert facts["h1"] == notebook_h1(path), f"{path.name}'s page has another title"


def test_every_picture_loads_from_the_site_itself(site, pages):
    for url, facts in pages.items():
        broken = [src for src, width in facts["images"] if not width]
        assert not broken, f"{url}: pictures that do not load: {broken}"
        # about:blank: MathJax's test of whether web fonts load (its MathJax_Blank font).
        elsewhere = [r for r in facts["requests"]
                     if not r.startswith((site, "data:", "blob:", "about:blank"))]
        assert not elsewhere, f"{url} asks another host (the site must work offline): {elsewhere}"
    pictures = sum(len(facts["images"]) for facts in pages.values())
    assert pictures > 50, f"only {pictures} pictures on the whole site"


def test_no_internal_link_is_broken(site, pages):
    broken = []
    for url, facts in pages.items():
        for link in facts["links"]:
            if not link.startswith(site):
                continue
            target, anchor = urldefrag(link)
            target = target + "index.html" if target.endswith("/") else target
            if target not in pages or pages[target]["status"] != 200:
                broken.append((url, link))
            elif anchor and anchor not in pages[target]["ids"]:
                broken.append((url, link))
    assert not broken, f"broken internal links (page, link): {broken[:20]}"


@pytest.mark.parametrize("path", build_site.learner_notebooks(), ids=lambda p: p.stem[:2])
def test_launch_buttons_open_this_pages_notebook(site, pages, path):
    notebook, repo = f"notebooks/{path.name}", colab.setting()
    facts = pages[page_url(site, f"notebooks/{path.stem}")]
    assert dict(facts["launch"]) == {"Colab": colab.url(notebook, repo),
                                     "Binder": colab.binder_url(notebook, repo)}
    to_colab = [link for link in facts["links"] if "colab.research.google.com" in link]
    assert to_colab and all(link.endswith(f"/{path.name}") for link in to_colab), to_colab


def test_each_widget_shows_its_picture_and_says_it_runs_in_jupyter(site, pages):
    widgets = build_site.widget_pictures.WIDGETS
    for widget in widgets:
        facts = pages[page_url(site, f"notebooks/{Path(widget.notebook).stem}")]
        name = Path(widget.picture).name
        assert [w for src, w in facts["images"] if src.endswith(name) and w], \
            f"{widget.notebook}'s page does not show {name}"
    for path in build_site.learner_notebooks():
        notes = pages[page_url(site, f"notebooks/{path.stem}")]["runsInJupyter"]
        assert notes == sum(w.notebook == path.name for w in widgets), (path.name, notes)


def test_formulas_are_typeset_offline_and_screenshots(browser, site, pages):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.contexts[0].new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    try:
        page.goto(page_url(site, "notebooks/04_how_a_network_learns"))
        # Sphinx writes each formula as TeX in a span.math.notranslate; MathJax puts its
        # typeset version (class MathJax) inside.
        page.wait_for_function("""() => {
            const formulas = [...document.querySelectorAll('span.math.notranslate')];
            return formulas.length > 0 && formulas.every(f => f.querySelector('.MathJax'));
        }""", timeout=60_000)
        page.goto(site + "index.html")
        assert any("Course map" in h for h in page.locator("h2").all_inner_texts())
        # The whole page, as a tall window (a full_page screenshot misplaces the sidebars).
        height = page.evaluate("() => document.documentElement.scrollHeight")
        page.set_viewport_size({"width": 1280, "height": min(height, 8000)})
        page.screenshot(path=SHOTS / "home.png")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(page_url(site, "notebooks/05_train_the_network"))
        page.screenshot(path=SHOTS / "05_train_the_network.png")
        page.goto(page_url(site, "notebooks/06_visualise_predictions"))
        picture = page.locator("img[src$='widget_prediction_explorer.png']")
        picture.scroll_into_view_if_needed()
        page.screenshot(path=SHOTS / "06_visualise_predictions.png")
    finally:
        page.close()
    assert all((SHOTS / name).stat().st_size > 10_000 for name in
               ("home.png", "05_train_the_network.png", "06_visualise_predictions.png"))
