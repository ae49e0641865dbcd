"""Look, interactively: ipywidgets to browse digits."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from helpers.plots import plot_probabilities, show_digit


def digit_browser(images: np.ndarray, labels: np.ndarray) -> widgets.VBox:
    """A slider that picks an index and shows that digit with its label."""
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
    predicted = probabilities.argmax(axis=1)
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
