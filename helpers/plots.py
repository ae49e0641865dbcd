"""Look: small matplotlib pictures of digits, labels and pixel values.

Each function takes data (and an optional `ax`), draws, and returns the figure or axes.
None of them calls `plt.show()`: the notebook shows what the cell returns.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def show_digit(image: np.ndarray, title: str = "", ax: Axes | None = None) -> Axes:
    """Draw one 28x28 digit in grey, with an optional title."""
    if ax is None:
        _, ax = plt.subplots(figsize=(2.5, 2.5))
    ax.imshow(np.asarray(image).reshape(28, 28), cmap="gray_r")
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def show_gallery(images: np.ndarray, labels: np.ndarray, predicted: np.ndarray | None = None,
                 n: int = 24, ncols: int = 8, titles: list[str] | None = None) -> Figure:
    """Draw the first `n` digits titled with their labels; with `predicted`, mark misses red."""
    n = min(n, len(images))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.5 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.axis("off")
            continue
        if predicted is None:
            show_digit(images[i], titles[i] if titles else str(labels[i]), ax)
        else:
            show_digit(images[i], titles[i] if titles else f"{predicted[i]} (true {labels[i]})", ax)
            if predicted[i] != labels[i]:
                ax.title.set_color("red")
                for spine in ax.spines.values():
                    spine.set(color="red", linewidth=2)
    fig.tight_layout()
    return fig


def plot_label_counts(y: np.ndarray, ax: Axes | None = None) -> Axes:
    """Bar chart of how many examples there are of each digit 0-9."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    counts = np.bincount(np.asarray(y).ravel(), minlength=10)
    ax.bar(range(10), counts, color="tab:blue")
    ax.set_xticks(range(10))
    ax.set(xlabel="digit", ylabel="images", title="How many of each digit")
    return ax


def plot_pixel_histogram(x: np.ndarray, ax: Axes | None = None, bins: int = 50) -> Axes:
    """Histogram of all pixel values in `x`, on a log scale so the rare values show."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3))
    ax.hist(np.asarray(x).ravel(), bins=bins, color="tab:gray")
    ax.set_yscale("log")
    ax.set(xlabel="pixel value", ylabel="pixels (log scale)",
           title=f"Pixel values ({x.dtype}, {x.min():g} to {x.max():g})")
    return ax


def show_feature_maps(maps: np.ndarray, titles: list[str] | None = None,
                      ncols: int = 8) -> Figure:
    """Draw each channel of one image's feature maps, shaped (height, width, channels)."""
    maps = np.asarray(maps)
    n = maps.shape[-1]
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, min(n, ncols), figsize=(1.4 * min(n, ncols), 1.5 * nrows),
                             squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(maps[..., i], cmap="viridis")
            ax.set_title(titles[i] if titles else f"map {i}", fontsize=9)
    fig.tight_layout()
    return fig


def plot_probabilities(probabilities: np.ndarray, title: str = "",
                       ax: Axes | None = None) -> Axes:
    """Bar chart of ten class probabilities, with the most likely digit highlighted."""
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 2.5))
    p = np.asarray(probabilities).ravel()
    colours = ["tab:gray"] * len(p)
    colours[int(p.argmax())] = "tab:orange"
    ax.bar(range(len(p)), p, color=colours)
    ax.set_xticks(range(len(p)))
    ax.set(xlabel="digit", ylabel="probability", title=title, ylim=(0, max(1.0, p.max())))
    return ax


def plot_history(history: dict[str, list[float]]) -> Figure:
    """Loss and accuracy per epoch, training against validation, side by side."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    epochs = range(1, len(history["loss"]) + 1)
    for ax, metric in zip(axes, ("loss", "accuracy")):
        ax.plot(epochs, history[metric], "o-", label="training")
        if f"val_{metric}" in history:
            ax.plot(epochs, history[f"val_{metric}"], "o-", label="validation")
        ax.set(xlabel="epoch", ylabel=metric, title=metric)
        ax.legend()
    fig.tight_layout()
    return fig
