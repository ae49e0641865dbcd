"""The website's build (scripts/build_site.py, `make site`), without Sphinx or a browser: what
it takes from README.md, how it makes a notebook static, where its links and launch buttons
go, and when it counts as stale. tests/browser/test_site_in_chromium.py builds the site and
checks it in Chromium."""

from __future__ import annotations

import base64
import importlib.util
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("build_site", ROOT / "scripts" / "build_site.py")
build_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build_site)
colab, WIDGETS = build_site.colab, build_site.widget_pictures.WIDGETS
REPO = {"repository": "someone/digits-fork", "branch": "teaching"}
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwAB"
                       "BAEAwS2OUAAAAABJRU5ErkJggg==")  # one pixel

MARKDOWN = """# Title

Intro.

## First

Text with [a link](notebooks/01.ipynb).

```bash
## not a heading: code
```

## Second
Last words.
"""


def test_readme_sections_split_at_level_two_headings_but_not_in_code():
    sections = build_site.readme_sections(MARKDOWN)
    assert list(sections) == ["First", "Second"]
    assert sections["First"].startswith("Text with [a link](notebooks/01.ipynb).")
    assert "## not a heading: code" in sections["First"]
    assert sections["Second"] == "Last words.\n"


def test_a_missing_readme_section_names_the_ones_there_are():
    with pytest.raises(KeyError, match=r"no section '## Third'.*\['First', 'Second'\]"):
        build_site.readme_section("Third", MARKDOWN)


def test_the_readme_has_every_section_the_site_includes():
    sections = build_site.readme_sections((ROOT / "README.md").read_text())
    assert set(build_site.README_SECTIONS) <= set(sections)
    course_map = sections["Course map"]
    for path in build_site.learner_notebooks():  # the course map links every notebook
        assert f"(notebooks/{path.name})" in course_map


def test_binder_url_opens_the_notebook_in_jupyterlab_from_the_setting():
    assert colab.binder_url("notebooks/01_load_the_data.ipynb", REPO) == (
        "https://mybinder.org/v2/gh/someone/digits-fork/teaching"
        "?labpath=notebooks/01_load_the_data.ipynb")


def test_launch_buttons_use_the_colab_and_binder_addresses_of_the_setting():
    notebook = "notebooks/05_train_the_network.ipynb"
    group = build_site.launch_buttons(notebook)
    urls = {button["text"]: button["url"] for button in group["buttons"]}
    assert urls == {"Colab": colab.url(notebook, colab.setting()),
                    "Binder": colab.binder_url(notebook, colab.setting())}
    import sphinx_book_theme

    static = Path(sphinx_book_theme.__file__).parent / "theme" / "sphinx_book_theme" / "static"
    for button in group["buttons"]:  # the theme's own logos, which the site serves
        assert (static / button["icon"].removeprefix("_static/")).is_file(), button["icon"]


def test_notebook_pages_are_the_learner_edition_only():
    assert build_site.notebook_of("notebooks/01_load_the_data") == \
        "notebooks/01_load_the_data.ipynb"
    assert build_site.notebook_of("notebooks/solutions/01_load_the_data") is None
    assert build_site.notebook_of("notebooks/99_nothing") is None
    assert build_site.notebook_of("index") is None


def test_links_to_repository_files_off_the_site_open_them_on_github():
    repo = colab.setting()
    base = f"https://github.com/{repo['repository']}"
    link = build_site.repository_link
    assert link("notebooks/01_load_the_data", "solutions/01_load_the_data.ipynb") == \
        f"{base}/blob/{repo['branch']}/notebooks/solutions/01_load_the_data.ipynb"
    assert link("index", "notebooks/solutions/") == \
        f"{base}/tree/{repo['branch']}/notebooks/solutions"
    assert link("index", "scripts/estimate_time.py#L1") == \
        f"{base}/blob/{repo['branch']}/scripts/estimate_time.py#L1"
    for target in ("https://example.org/x", "#set-up", "no_such_file.md", "../../etc/passwd",
                   ""):
        assert link("notebooks/01_load_the_data", target) is None


def notebook_with_widget(function: str) -> nbformat.NotebookNode:
    badge = nbformat.v4.new_markdown_cell(colab.badge("notebooks/01_x.ipynb", REPO),
                                          metadata={"tags": ["colab-badge"]})
    title = nbformat.v4.new_markdown_cell("# 01 · A title\n\n![diagram](attachment:split.png)",
                                          attachments={"split.png": {
                                              "image/png": base64.b64encode(PNG).decode()}})
    code = nbformat.v4.new_code_cell(f"{function}(x, y)", outputs=[
        nbformat.v4.new_output("display_data", data={
            build_site.WIDGET_MIME: {"model_id": "abc", "version_major": 2,
                                     "version_minor": 0},
            "text/plain": "VBox(...)"})])
    nb = nbformat.v4.new_notebook(cells=[badge, title, code])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    return nb


def test_a_static_notebook_loses_its_badge_and_shows_its_widget_as_a_picture():
    nb = notebook_with_widget("digit_browser")
    before = nbformat.writes(nb)
    static, attachments = build_site.site_notebook(nb, "01_x.ipynb")
    assert nbformat.writes(nb) == before, "the notebook given was changed"
    assert "widgets" not in static.metadata
    assert [c.cell_type for c in static.cells] == ["markdown", "code", "markdown"]
    assert static.cells[1].outputs == []
    note = static.cells[2].source
    picture = next(w for w in WIDGETS if w.function == "digit_browser").picture
    assert "This runs in Jupyter" in note and f":::{{figure}} ../{picture}\n" in note


def test_a_static_notebook_has_its_attachments_as_files():
    static, attachments = build_site.site_notebook(notebook_with_widget("upload_box"),
                                                   "01_x.ipynb")
    assert attachments == {"01_x_attachments/split.png": PNG}
    assert "![diagram](01_x_attachments/split.png)" in static.cells[0].source


def test_a_widget_without_a_picture_is_a_clear_error():
    with pytest.raises(ValueError, match="Add it to WIDGETS.*make widget-pictures"):
        build_site.site_notebook(notebook_with_widget("mystery_widget"), "01_x.ipynb")


@pytest.mark.parametrize("path", build_site.learner_notebooks(), ids=lambda p: p.stem[:2])
def test_every_learner_notebook_becomes_static(path):
    nb = nbformat.read(path, as_version=4)
    static, _ = build_site.site_notebook(nb, path.name)
    assert not any("colab-badge" in c.metadata.get("tags", []) for c in static.cells)
    assert not any(build_site.WIDGET_MIME in out.get("data", {})
                   for c in static.cells for out in c.get("outputs", []))
    notes = [c.source for c in static.cells if "widget-picture" in c.metadata.get("tags", [])]
    expected = [w.picture for w in WIDGETS if w.notebook == path.name]
    assert [p for p in expected if any(p in note for note in notes)] == expected
    assert len(notes) == len(expected)


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: w.function)
def test_every_widget_has_its_committed_picture(widget):
    from PIL import Image

    with Image.open(ROOT / widget.picture) as picture:
        assert picture.format == "PNG" and picture.width >= 200 and picture.height >= 100
    assert (ROOT / "notebooks" / widget.notebook).exists()


def test_the_site_is_stale_when_an_input_changes(tmp_path, monkeypatch):
    page = tmp_path / "site" / "index.md"
    page.parent.mkdir()
    page.write_text("# Home\n")
    monkeypatch.setattr(build_site, "ROOT", tmp_path)
    monkeypatch.setattr(build_site, "inputs", lambda: [page])
    out = tmp_path / "out"
    assert build_site.is_stale(out)  # never built
    out.mkdir()
    (out / build_site.DIGEST.name).write_text(build_site.inputs_digest() + "\n")
    assert not build_site.is_stale(out)
    page.write_text("# Home, changed\n")
    assert build_site.is_stale(out)


def test_the_inputs_are_what_the_site_is_made_from():
    inputs = {p.relative_to(ROOT).as_posix() for p in build_site.inputs()}
    assert {"README.md", "site/conf.py", "site/index.md", "scripts/build_site.py",
            "scripts/colab.py", "pyproject.toml", "images/train_test_split.png"} <= inputs
    assert {f"notebooks/{p.name}" for p in build_site.learner_notebooks()} <= inputs
    assert not any(p.startswith("notebooks/solutions/") for p in inputs)


def test_the_upload_boxs_picture_uploads_a_real_digit_dark_on_white():
    import io

    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(build_site.widget_pictures.uploaded_digit_png())) as picture:
        assert picture.format == "PNG" and picture.size == (140, 140)
        pixels = np.asarray(picture.convert("L"))
    assert pixels[0, 0] == 255 and pixels.min() < 64  # white paper, dark ink
    assert 0.05 < (pixels < 128).mean() < 0.5
