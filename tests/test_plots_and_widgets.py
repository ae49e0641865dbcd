"""helpers.plots and helpers.widgets on tiny arrays, headless."""

import io
from datetime import datetime, timezone

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.plots import (plot_history, plot_label_counts, plot_pixel_histogram,
                           plot_probabilities, show_digit, show_gallery)
from helpers.widgets import digit_browser, prediction_explorer

IMAGES = np.stack([np.full((28, 28), i * 20, np.uint8) for i in range(10)])
LABELS = np.arange(10, dtype=np.uint8)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_show_digit_draws_the_image_with_title():
    ax = show_digit(IMAGES[3].reshape(28, 28, 1), "label 3")
    assert ax.get_title() == "label 3"
    np.testing.assert_array_equal(ax.images[0].get_array(), IMAGES[3])


def test_show_digit_uses_given_axes():
    _, ax = plt.subplots()
    assert show_digit(IMAGES[0], ax=ax) is ax


def test_gallery_titles_and_blank_cells():
    fig = show_gallery(IMAGES, LABELS, n=10, ncols=4)
    axes = fig.axes
    assert len(axes) == 12
    assert [a.get_title() for a in axes[:10]] == [str(i) for i in range(10)]
    assert not axes[10].axison and not axes[11].axison


def test_gallery_marks_wrong_predictions_red():
    predicted = LABELS.copy()
    predicted[2] = 7
    fig = show_gallery(IMAGES, LABELS, predicted=predicted, n=4, ncols=4)
    assert fig.axes[2].get_title() == "7 (true 2)"
    assert fig.axes[2].title.get_color() == "red"
    assert fig.axes[1].title.get_color() != "red"


def test_label_counts_bars():
    ax = plot_label_counts(np.array([0, 0, 1, 9, 9, 9], np.uint8))
    assert [p.get_height() for p in ax.patches] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 3]


def test_pixel_histogram_counts_every_pixel():
    ax = plot_pixel_histogram(IMAGES, bins=10)
    assert sum(p.get_height() for p in ax.patches) == IMAGES.size
    assert ax.get_yscale() == "log" and "uint8" in ax.get_title()


def test_digit_browser_redraws_when_the_slider_moves():
    browser = digit_browser(IMAGES, LABELS)
    slider = browser.children[0]
    assert (slider.min, slider.max, slider.value) == (0, 9, 0)
    assert plt.gcf().axes[0].get_title() == "index 0: label 0"
    slider.value = 7
    assert plt.gcf().axes[0].get_title() == "index 7: label 7"
    np.testing.assert_array_equal(plt.gcf().axes[0].images[0].get_array(), IMAGES[7])


def test_probabilities_highlight_the_most_likely_digit():
    p = np.full(10, 0.05)
    p[3] = 0.55
    ax = plot_probabilities(p)
    colours = [bar.get_facecolor() for bar in ax.patches]
    assert colours[3] != colours[0] and colours.count(colours[0]) == 9


def test_history_plots_training_and_validation():
    fig = plot_history({"loss": [1, 0.5], "val_loss": [1.1, 0.6],
                        "accuracy": [0.8, 0.9], "val_accuracy": [0.7, 0.85]})
    assert [len(ax.lines) for ax in fig.axes] == [2, 2]


def test_prediction_explorer_filters_by_true_and_predicted_class():
    probabilities = np.eye(10)[[0, 1, 2, 3, 4, 5, 6, 7, 8, 3]]  # image 9 (a 9) read as 3
    explorer = prediction_explorer(IMAGES, LABELS, probabilities)
    true_class, pred_class = explorer.children[0].children
    verdict = explorer.children[2]
    assert verdict.value.startswith("10 match. Image 0: true 0, predicted 0")
    true_class.value = 9
    assert "Image 9: true 9, predicted 3" in verdict.value and "WRONG" in verdict.value
    pred_class.value = 9
    assert verdict.value == "No test image matches these filters."


class _RecordingModel:
    """Says "1" with 90% confidence, and keeps what it was shown."""

    def __init__(self):
        self.seen = []

    def predict(self, x, verbose=0):
        self.seen.append(x)
        p = np.full((len(x), 10), 0.1 / 9, "float32")
        p[:, 1] = 0.9
        return p


def _png_of_stroke(size=280) -> bytes:
    from PIL import Image, ImageDraw
    image = Image.new("RGBA", (size, size), "white")  # the pad's paper, and dark ink on it
    ImageDraw.Draw(image).line(((140, 40), (140, 240)), fill="black", width=24)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_drawing_pad_predicts_when_the_strokes_pixels_arrive():
    from helpers.widgets import drawing_pad
    model = _RecordingModel()
    pad = drawing_pad(model)
    canvas, clear = pad.children[0].children
    verdict = pad.children[1]
    assert canvas.layout.width == "280px" and canvas.sync_image_data  # sized, and synced
    for event, y in (("mouse_down", 40), ("mouse_move", 140), ("mouse_up", 240)):
        canvas._handle_frontend_event(None, {"event": event, "x": 140, "y": y}, [])
    assert model.seen == [] and "Draw a digit" in verdict.value  # no pixels yet
    canvas.set_trait("image_data", _png_of_stroke())  # what the browser sends back
    assert "Prediction: 1" in verdict.value and "90% sure" in verdict.value
    x = model.seen[-1]
    assert x.shape == (1, 28, 28, 1) and x.max() == 1 and x[0, 0, 0, 0] == 0
    clear.click()
    assert "Draw a digit" in verdict.value


# --- the upload box in ipywidgets 7 (Colab's) and 8, and what a learner may upload or draw ---

IPYWIDGETS = int(ipywidgets.__version__.split(".")[0])


def _from_browser(upload, files: list[tuple[str, bytes]]) -> None:
    """Deliver files to a FileUpload as the browser does: a state update (set_state) in the
    installed ipywidgets' own format, decoded by its own deserialisers."""
    stamp = 1_700_000_000_000  # the file's last modification, in ms, as JavaScript gives it
    if IPYWIDGETS >= 8:  # one list of files, each with its content
        upload.set_state({"value": [{"name": name, "type": "image/png", "size": len(content),
                                     "content": memoryview(content), "last_modified": stamp}
                                    for name, content in files]})
    else:  # ipywidgets 7: the files' metadata and data side by side, and a count of uploads
        upload.set_state({"metadata": [{"name": name, "type": "image/png", "size": len(content),
                                        "lastModified": stamp} for name, content in files],
                          "data": [memoryview(content) for _, content in files],
                          "_counter": upload._counter + 1})


def test_upload_box_reads_what_the_browser_sends_and_refuses_other_files():
    from helpers.widgets import UPLOAD_PROMPT, upload_box
    model = _RecordingModel()
    box = upload_box(model)
    upload, verdict = box.children[0], box.children[1]
    assert verdict.value == UPLOAD_PROMPT and "under 1 MB" in UPLOAD_PROMPT
    _from_browser(upload, [("one.png", _png_of_stroke())])
    assert "Prediction: 1" in verdict.value and len(model.seen) == 1
    _from_browser(upload, [("notes.txt", b"hello")])
    assert "not an image" in verdict.value and len(model.seen) == 1


def test_an_upload_that_arrives_without_its_content_says_to_shrink_the_photo():
    """Colab (ipywidgets 7) may lose a file of 1 MB or more on the way (ipywidgets #3452):
    the upload is counted, but no data arrive."""
    from helpers.widgets import EMPTY_UPLOAD, upload_box
    model = _RecordingModel()
    box = upload_box(model)
    upload, verdict = box.children[0], box.children[1]
    assert not upload.value  # read as the notebook shows the box: nothing uploaded yet
    _from_browser(upload, [] if IPYWIDGETS < 8 else [("photo.jpg", b"")])
    assert verdict.value == EMPTY_UPLOAD and model.seen == []
    _from_browser(upload, [("one.png", _png_of_stroke())])  # a smaller photo then works
    assert "Prediction: 1" in verdict.value
    _from_browser(upload, [] if IPYWIDGETS < 8 else [("photo.jpg", b"")])  # and again
    assert verdict.value == EMPTY_UPLOAD and len(model.seen) == 1

def _v8_value(name: str, content: bytes) -> tuple:
    """FileUpload.value in ipywidgets 8: a tuple of dicts, content as a memoryview."""
    return ({"name": name, "type": "image/png", "size": len(content),
             "content": memoryview(content), "last_modified": datetime.now(timezone.utc)},)


def _v7_value(name: str, content: bytes) -> dict:
    """FileUpload.value in ipywidgets 7: a dict keyed by file name, content as bytes."""
    return {name: {"metadata": {"name": name, "type": "image/png", "size": len(content),
                                "lastModified": 1700000000000},
                   "content": content}}


def _upload(box, value) -> str:
    """Deliver `value` to the upload box as its FileUpload would, and return the verdict."""
    upload, verdict = box.children[0], box.children[1]
    upload.notify_change({"name": "value", "old": upload.value, "new": value,
                          "owner": upload, "type": "change"})
    return verdict.value


@pytest.mark.parametrize("layout", [_v7_value, _v8_value], ids=["ipywidgets7", "ipywidgets8"])
def test_upload_box_reads_both_ipywidgets_layouts(layout):
    from helpers.widgets import upload_box
    model = _RecordingModel()
    assert "Prediction: 1" in _upload(upload_box(model), layout("one.png", _png_of_stroke()))
    assert len(model.seen) == 1


@pytest.mark.parametrize("layout", [_v7_value, _v8_value], ids=["ipywidgets7", "ipywidgets8"])
def test_an_empty_upload_says_to_shrink_the_photo(layout):
    """Colab delivers an upload of 1 MB or more as 0 bytes (ipywidgets issue #3452)."""
    from helpers.widgets import upload_box
    model = _RecordingModel()
    verdict = _upload(upload_box(model), layout("photo.jpg", b""))
    assert "arrived empty (0 bytes)" in verdict and "under 1 MB" in verdict
    assert "#3452" in verdict and model.seen == []


@pytest.mark.parametrize("content, words", [
    (b"\x89PNG" + bytes(11_000_000), "MB"),  # too large
    (b"%PDF-1.4 not a picture", "not an image"),
], ids=["too large", "not an image"])
def test_upload_box_explains_files_it_cannot_use(content, words):
    from helpers.widgets import upload_box
    model = _RecordingModel()
    verdict = _upload(upload_box(model), _v7_value("file", content))
    assert verdict.startswith("⚠️") and words in verdict and model.seen == []


def test_upload_box_survives_a_model_that_fails():
    from helpers.widgets import upload_box

    class Broken:
        def predict(self, x, verbose=0):
            raise ValueError("expected shape=(None, 32, 32, 3)")

    verdict = _upload(upload_box(Broken()), _v8_value("one.png", _png_of_stroke()))
    assert verdict.startswith("⚠️ This picture could not be read (ValueError")


def _png(colour: str, size: int = 280) -> bytes:
    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGBA", (size, size), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def test_drawing_pad_asks_for_a_digit_when_the_canvas_is_empty():
    from helpers.widgets import drawing_pad
    model = _RecordingModel()
    pad = drawing_pad(model)
    canvas, verdict = pad.children[0].children[0], pad.children[1]
    canvas.set_trait("image_data", _png_of_stroke())
    assert "Prediction: 1" in verdict.value
    canvas.set_trait("image_data", _png("white"))  # everything wiped: nothing to read
    assert verdict.value == "Draw a digit in the white square." and len(model.seen) == 1
    canvas.set_trait("image_data", b"")  # no pixels in what the browser sent
    assert verdict.value == "Draw a digit in the white square."


@pytest.mark.parametrize("make, error", [
    (lambda: digit_browser(IMAGES[:0], LABELS[:0]), "N at least 1"),
    (lambda: digit_browser(IMAGES, LABELS[:5]), "10 images need 10 labels"),
    (lambda: prediction_explorer(IMAGES, LABELS, np.zeros((10, 9))), r"shaped \(10, 10\)"),
    (lambda: __import__("helpers.widgets").widgets.upload_box("models/course_cnn.keras"),
     "needs a trained Keras model, got str"),
])
def test_widgets_check_their_arguments(make, error):
    with pytest.raises((ValueError, TypeError), match=error):
        make()
