"""helpers.plots and helpers.widgets on tiny arrays, headless."""

import io
from datetime import datetime, timezone
import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.plots import (plot_history, plot_label_counts, plot_pixel_histogram,
                           plot_probabilities, show_digit, show_feature_maps, show_gallery)
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


def test_feature_maps_one_panel_per_channel():
    fig = show_feature_maps(np.zeros((13, 13, 5)), ncols=4)
    assert len(fig.axes) == 8
    assert sum(1 for a in fig.axes if a.images) == 5


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
    image = Image.new("RGBA", (size, size), "black")
    ImageDraw.Draw(image).line(((140, 40), (140, 240)), fill="white", width=24)
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


def test_upload_box_reads_an_image_and_refuses_other_files():
    from helpers.widgets import upload_box
    model = _RecordingModel()
    box = upload_box(model)
    upload, verdict = box.children[0], box.children[1]
    upload.value = ({"name": "one.png", "type": "image/png", "size": 1,
                     "content": memoryview(_png_of_stroke()), "last_modified": datetime.now(timezone.utc)},)
    assert "Prediction: 1" in verdict.value and len(model.seen) == 1
    upload.value = ({"name": "notes.txt", "type": "text/plain", "size": 5,
                     "content": memoryview(b"hello"), "last_modified": datetime.now(timezone.utc)},)
    assert "not an image" in verdict.value and len(model.seen) == 1
