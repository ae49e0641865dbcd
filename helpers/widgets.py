"""Look, interactively: ipywidgets to browse digits, and to draw or upload your own."""

from __future__ import annotations

import html
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from ipycanvas import Canvas
from PIL import Image

from helpers.handwriting import DigitImageError, prepare_digit
from helpers.plots import plot_probabilities, show_digit

EMPTY_CANVAS = "Draw a digit in the white square."
UPLOAD_PROMPT = ("Upload a PNG or JPEG of one digit, under 1 MB: in Colab a larger file may "
                 "arrive empty, or not at all.")
# Colab's ipywidgets 7 delivers a file of 1 MB or more without its content, or loses it on
# the way (ipywidgets issue #3452, open): the kernel sees an upload with no bytes in it.
EMPTY_UPLOAD = ("⚠️ The upload arrived empty (0 bytes). In Colab, a file of 1 MB or more may "
                "arrive empty (ipywidgets issue #3452): shrink the photo under 1 MB, by "
                "cropping it to the digit or saving it smaller, and upload it again.")


def _check_images(images: np.ndarray, labels: np.ndarray) -> None:
    """Raise a plain ValueError unless there is at least one image, and one label per image."""
    if np.ndim(images) < 3 or len(images) == 0:
        raise ValueError(f"Expected images shaped (N, 28, 28) with N at least 1, got shape "
                         f"{np.shape(images)}.")
    if np.shape(labels) != (len(images),):
        raise ValueError(f"{len(images):,} images need {len(images):,} labels, shape "
                         f"({len(images)},); got labels shaped {np.shape(labels)}.")


def _check_model(model, where: str) -> None:
    """Raise a plain TypeError unless `model` can predict."""
    if not callable(getattr(model, "predict", None)):
        raise TypeError(f"{where} needs a trained Keras model, got {type(model).__name__}: "
                        "load one with load_or_train(x_train, y_train).")


def digit_browser(images: np.ndarray, labels: np.ndarray) -> widgets.VBox:
    """A slider that picks an index and shows that digit with its label."""
    _check_images(images, labels)
    slider = widgets.IntSlider(value=0, min=0, max=len(images) - 1, description="index",
                               continuous_update=False,
                               layout=widgets.Layout(width="420px"))
    out = widgets.Output()

    def draw(index: int) -> None:
        with out:
            out.clear_output(wait=True)
            show_digit(images[index], f"index {index}: label {labels[index]}")
            plt.show()

    slider.observe(lambda change: draw(change["new"]), names="value")
    draw(0)
    return widgets.VBox([slider, out])


def prediction_explorer(images: np.ndarray, labels: np.ndarray,
                        probabilities: np.ndarray) -> widgets.VBox:
    """Pick a test image, filtered by true or predicted class, and see its verdict."""
    _check_images(images, labels)
    if np.shape(probabilities) != (len(images), 10):
        raise ValueError(f"Expected probabilities shaped ({len(images)}, 10), one row of ten "
                         f"per image as model.predict gives; got {np.shape(probabilities)}.")
    predicted = np.asarray(probabilities).argmax(axis=1)
    choices = [("any", -1)] + [(str(d), d) for d in range(10)]
    true_class = widgets.Dropdown(options=choices, value=-1, description="true",
                                  layout=widgets.Layout(width="160px"))
    pred_class = widgets.Dropdown(options=choices, value=-1, description="predicted",
                                  layout=widgets.Layout(width="160px"))
    slider = widgets.IntSlider(value=0, min=0, max=0, description="match",
                               continuous_update=False, layout=widgets.Layout(width="420px"))
    verdict = widgets.Label()
    out = widgets.Output()

    def matches() -> np.ndarray:
        keep = np.ones(len(labels), bool)
        if true_class.value >= 0:
            keep &= labels == true_class.value
        if pred_class.value >= 0:
            keep &= predicted == pred_class.value
        return np.flatnonzero(keep)

    def draw(*_) -> None:
        found = matches()
        out.clear_output()
        if len(found) == 0:
            verdict.value = "No test image matches these filters."
            return
        slider.max = len(found) - 1
        i = int(found[min(slider.value, len(found) - 1)])
        right = "right" if predicted[i] == labels[i] else "WRONG"
        verdict.value = (f"{len(found)} match. Image {i}: true {labels[i]}, predicted "
                         f"{predicted[i]} ({probabilities[i].max():.1%}): {right}")
        with out:
            fig, axes = plt.subplots(1, 2, figsize=(7, 2.6))
            show_digit(images[i], f"image {i}", axes[0])
            plot_probabilities(probabilities[i], f"predicted {predicted[i]}", axes[1])
            plt.show()

    for control in (true_class, pred_class, slider):
        control.observe(draw, names="value")
    draw()
    return widgets.VBox([widgets.HBox([true_class, pred_class]), slider, verdict, out])


def _read_own_digit(picture: np.ndarray | bytes, model, verdict: widgets.HTML,
                    out: widgets.Output) -> None:
    """Prepare a picture, predict it, and show the original, the 28x28 and the bars.

    A widget's callback must never raise (the traceback would land in a log the learner
    does not see), so every failure becomes a message in `verdict`.
    """
    try:
        x = prepare_digit(picture)
        probabilities = np.asarray(model.predict(x[None, :, :, None], verbose=0))[0]
        if isinstance(picture, (bytes, bytearray, memoryview)):
            picture = np.asarray(Image.open(io.BytesIO(bytes(picture))))
    except Exception as err:  # noqa: BLE001 - a huge image, a model for other inputs, ...
        why = str(err) if isinstance(err, DigitImageError) else (
            f"This picture could not be read ({type(err).__name__}: {err}).")
        verdict.value = f"⚠️ {html.escape(why, quote=False)}"
        out.clear_output()
        return
    digit = int(probabilities.argmax())
    verdict.value = f"<b>Prediction: {digit}</b> ({probabilities[digit]:.0%} sure)"
    with out:
        out.clear_output(wait=True)
        fig, axes = plt.subplots(1, 3, figsize=(9, 2.6))
        axes[0].imshow(picture, cmap="gray")
        axes[0].set(title="what you gave", xticks=[], yticks=[])
        show_digit(x, "what the model sees", axes[1])
        plot_probabilities(probabilities, f"predicted {digit}", axes[2])
        plt.show()


def drawing_pad(model, size: int = 280) -> widgets.VBox:
    """A canvas to draw a digit on with the mouse; each stroke updates the prediction."""
    _check_model(model, "drawing_pad")
    canvas = Canvas(width=size, height=size, sync_image_data=True,
                    layout=widgets.Layout(width=f"{size}px", height=f"{size}px"))
    verdict, out = widgets.HTML(EMPTY_CANVAS), widgets.Output()
    clear = widgets.Button(description="Clear", icon="eraser")
    pen = {"down": False, "at": (0.0, 0.0)}

    def blank(*_) -> None:
        canvas.fill_style = "white"  # paper; the pen draws dark ink, as MNIST's writers did
        canvas.fill_rect(0, 0, size, size)
        canvas.stroke_style, canvas.line_width = "black", size / 12
        canvas.line_cap = canvas.line_join = "round"
        verdict.value = EMPTY_CANVAS
        out.clear_output()

    def predict(*_) -> None:
        if pen["down"] or not canvas.image_data:
            return  # mid-stroke, or no pixels from the browser yet
        try:
            pixels = canvas.get_image_data()
        except Exception:  # noqa: BLE001 - pixels the browser sent half-way
            return
        if pixels[..., :3].min() < 255:  # some ink on the white paper
            _read_own_digit(pixels, model, verdict, out)
        else:  # nothing drawn: ask for a digit instead of predicting one
            verdict.value = EMPTY_CANVAS
            out.clear_output()

    def down(x: float, y: float) -> None:
        pen.update(down=True, at=(x, y))

    def move(x: float, y: float) -> None:
        if pen["down"]:
            canvas.stroke_line(*pen["at"], x, y)
            pen["at"] = (x, y)

    def up(x: float, y: float) -> None:
        if pen["down"]:
            move(x, y)
            pen["down"] = False
            predict()

    canvas.on_mouse_down(down)
    canvas.on_mouse_move(move)
    canvas.on_mouse_up(up)
    canvas.on_mouse_out(up)
    canvas.observe(predict, names="image_data")  # pixels reach Python after the stroke
    clear.on_click(blank)
    blank()
    return widgets.VBox([widgets.HBox([canvas, clear]), verdict, out])


def upload_box(model) -> widgets.VBox:
    """A button to upload a photo or scan of one digit, and the model's reading of it.

    Works with ipywidgets 8 (JupyterLab) and 7 (Colab), whose FileUpload values differ
    (uploaded_files reads both). An upload that reaches the kernel without any content, as
    Colab's large files do, gets EMPTY_UPLOAD instead of silence.
    """
    _check_model(model, "upload_box")
    upload = widgets.FileUpload(accept="image/*", multiple=False,
                                description="Upload a digit")
    verdict, out = widgets.HTML(UPLOAD_PROMPT), widgets.Output()

    def read(value) -> None:
        files = uploaded_files(value)
        content = files[-1][1] if files else b""
        if not content:
            verdict.value = EMPTY_UPLOAD
            out.clear_output()
            return
        _read_own_digit(content, model, verdict, out)

    upload.observe(lambda change: read(change["new"]), names="value")
    if "_counter" in upload.trait_names():
        # ipywidgets 7 counts uploads in `_counter`, then sets `value` from the files' data.
        # An upload whose data were lost leaves an empty `value` as it was: no change to
        # observe, so the count tells that an upload came.
        upload.observe(lambda change: None if upload.value else read(upload.value),
                       names="_counter")
    return widgets.VBox([upload, verdict, out])


def uploaded_files(value) -> list[tuple[str, bytes]]:
    """(name, bytes) of each file in a FileUpload's value, in ipywidgets 7's layout or 8's.

    ipywidgets 8: a tuple of dicts with "name" and "content" (a memoryview).
    ipywidgets 7: a dict from file name to {"metadata": {...}, "content": bytes}.
    """
    if isinstance(value, dict):
        return [(name, bytes(f.get("content") or b"")) for name, f in value.items()]
    return [(f.get("name", "?"), bytes(f.get("content") or b"")) for f in value or ()]
