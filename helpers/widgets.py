"""Look, interactively: ipywidgets to browse digits."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from helpers.plots import show_digit


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
