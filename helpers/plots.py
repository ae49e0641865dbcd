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
    extra_lines = max((t.count("\n") for t in titles or []), default=0)  # room for long titles
    row_height = 1.5 + 0.25 * extra_lines
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, row_height * nrows), squeeze=False)
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


def plot_gap(histories: dict[str, dict[str, list[float]]], metric: str = "accuracy",
             zoom_from: float = 0.5, axes: list[Axes] | None = None) -> Figure:
    """Training against validation `metric`, one panel per run, zoomed to the later epochs.

    All panels share one y range, fitted to the values from `zoom_from` (a fraction of each
    run) onwards, so the first epochs' low scores do not squash the gap that matters. The
    gap between the two curves is shaded where both are in view. For the loss, a star marks
    the epoch of the lowest validation loss, the one `EarlyStopping` would keep.
    """
    if not histories or any(f"val_{metric}" not in h for h in histories.values()):
        raise ValueError(f"Give each run's history with '{metric}' and 'val_{metric}': "
                         "fit with validation_data and pass history.history.")
    if axes is None:
        _, axes = plt.subplots(1, len(histories), figsize=(5 * len(histories), 3.4),
                               squeeze=False, sharey=True, layout="constrained")
        axes = list(axes.flat)
    runs = [(np.asarray(h[metric], dtype=float), np.asarray(h[f"val_{metric}"], dtype=float))
            for h in histories.values()]
    later = np.concatenate([c[int(zoom_from * len(c)):] for run in runs for c in run])
    low, high = float(later.min()), float(later.max())
    pad = 0.15 * (high - low) or 0.01
    low, high = low - pad, high + pad
    for ax, title, (train, val) in zip(axes, histories, runs):
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, "o-", ms=3, label="training")
        ax.plot(epochs, val, "o-", ms=3, label="validation")
        in_view = (np.minimum(train, val) >= low) & (np.maximum(train, val) <= high)
        ax.fill_between(epochs, train, val, where=in_view, color="tab:red", alpha=0.15,
                        label="gap")
        if metric == "loss":
            best = int(np.argmin(val))
            ax.plot(epochs[best], val[best], "*", ms=14, color="black", zorder=3,
                    label="lowest validation loss")
            ax.annotate(f"lowest: {val[best]:.4f}, epoch {best + 1}", (epochs[best], val[best]),
                        xytext=(0, 10), textcoords="offset points", ha="center", fontsize=8)
        ax.set(xlabel="epoch", ylabel=metric, title=title, ylim=(low, high))
    fig = axes[0].figure
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=len(labels))
    return fig


# --- Layers of a CNN (notebook 03): maps on one scale, Flatten, Dense and Dropout drawn. ---

def show_maps_on_one_scale(maps, titles: list[str] | None = None, ncols: int = 8,
                           label: str = "value", size: float = 1.6,
                           row_labels: list[str] | None = None, title: str = "") -> Figure:
    """Draw 2-D maps side by side on one colour scale centred on 0, with one colour bar.

    `maps` is a list of 2-D arrays (sizes may differ) or one (height, width, channels) array.
    Red is positive, blue negative, white 0, so panels can be compared at a glance; maps with
    no negative values (after ReLU, say) use the red half alone, from white at 0.
    With `row_labels`, each row of `ncols` panels is one image's maps, labelled on the left.
    """
    if isinstance(maps, np.ndarray) and maps.ndim == 3:
        maps = [maps[..., i] for i in range(maps.shape[-1])]
    maps = [np.asarray(m, dtype=float) for m in maps]
    if not maps or any(m.ndim != 2 for m in maps):
        raise ValueError("show_maps_on_one_scale wants 2-D maps: a list of (height, width) "
                         "arrays, or one (height, width, channels) array.")
    limit = max(float(np.abs(m).max()) for m in maps) or 1.0
    low = -limit if min(float(m.min()) for m in maps) < 0 else 0.0
    cmap = "RdBu_r" if low < 0 else "Reds"
    ncols = min(len(maps), ncols)
    nrows = -(-len(maps) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(size * ncols + 1.0, size * nrows + 0.4),
                             squeeze=False, layout="constrained")
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if i >= len(maps):
            ax.axis("off")
            continue
        image = ax.imshow(maps[i], cmap=cmap, vmin=low, vmax=limit)
        ax.set_title(titles[i] if titles else f"map {i % ncols if row_labels else i}",
                     fontsize=9)
    for ax, row_label in zip(axes[:, 0], row_labels or []):
        ax.set_ylabel(row_label)
    fig.colorbar(image, ax=axes, label=label, shrink=0.9)
    if title:
        fig.suptitle(title)
    return fig


def plot_flatten(grid: np.ndarray, ax: Axes | None = None) -> Axes:
    """Draw a small 2-D grid above the row that Flatten makes of it, cell numbers kept."""
    grid = np.asarray(grid, dtype=float)
    rows, cols = grid.shape
    n = grid.size
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.0, 0.45 * n), 3.2))
    limit = float(np.abs(grid).max()) or 1.0
    colour = plt.get_cmap("RdBu_r")
    for k, value in enumerate(grid.ravel()):  # row by row, as Flatten reads it
        r, c = divmod(k, cols)
        face = colour(0.5 + 0.5 * value / limit)
        gx, gy = (n - cols) / 2 + c, 3.0 + rows - 1 - r  # the grid, centred above the row
        for x, y in ((gx, gy), (k, 0.0)):
            ax.add_patch(plt.Rectangle((x, y), 1, 1, facecolor=face, edgecolor="black"))
            ax.text(x + 0.5, y + 0.5, f"{value:.2g}", ha="center", va="center", fontsize=7,
                    color="white" if abs(value) > 0.6 * limit else "black")  # readable on dark
        ax.text(k + 0.5, -0.35, str(k), ha="center", va="center", fontsize=7, color="dimgray")
    ax.annotate("", xy=(n / 2, 1.2), xytext=(n / 2, 2.8),
                arrowprops=dict(arrowstyle="->", lw=1.5))
    ax.text(n / 2 + 0.3, 2.0, "Flatten: row 0, then row 1, ...", va="center", fontsize=9)
    ax.set(xlim=(-0.5, n + 0.5), ylim=(-0.8, 3.2 + rows), aspect="equal",
           title=f"a {rows}x{cols} grid becomes a row of {n} numbers")
    ax.axis("off")
    return ax


def plot_dense(weights: np.ndarray, highlight: int | None = None,
               ax: Axes | None = None) -> Axes:
    """Draw a Dense layer: every input joined to every output, a line per weight.

    `weights` is (inputs, outputs); red lines are positive weights, blue negative, and
    thicker lines are larger in size. With `highlight`, only that output's lines are in
    colour, each with its weight written on it; the rest are faint grey.
    """
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 2:
        raise ValueError(f"weights should be 2-D, (inputs, outputs), like a Dense layer's "
                         f"kernel; got shape {weights.shape}.")
    n_in, n_out = weights.shape
    if highlight is not None and not 0 <= highlight < n_out:
        raise ValueError(f"highlight names one output, from 0 to {n_out - 1}; got {highlight}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4))
    y_in = np.linspace(1, 0, n_in)
    y_out = np.linspace(1, 0, n_out) * 0.8 + 0.1 if n_out > 1 else np.array([0.5])
    limit = float(np.abs(weights).max()) or 1.0
    colour = plt.get_cmap("RdBu_r")
    for i in range(n_in):
        for j in range(n_out):
            w = weights[i, j] / limit
            if highlight is None:
                ax.plot([0, 1], [y_in[i], y_out[j]], color=colour(0.5 + 0.5 * w),
                        lw=0.3 + 2.2 * abs(w), zorder=1.5)
            elif j == highlight:  # tinted and wide enough to see even when the weight is small
                ax.plot([0, 1], [y_in[i], y_out[j]], lw=0.8 + 2.2 * abs(w), zorder=1.5,
                        color=colour(0.5 + 0.5 * np.sign(w) * (0.25 + 0.75 * abs(w))))
            else:
                ax.plot([0, 1], [y_in[i], y_out[j]], color="0.85", lw=0.5, zorder=1)
        if highlight is not None:  # the weight written on its line
            ax.text(0.25, y_in[i] + 0.25 * (y_out[highlight] - y_in[i]),
                    f"{weights[i, highlight]:+.2f}", ha="center", va="center", fontsize=7,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"}, zorder=3)
    ax.scatter(np.zeros(n_in), y_in, s=60, color="lightgray", edgecolor="black", zorder=2)
    ax.scatter(np.ones(n_out), y_out, s=90, color="tab:orange", edgecolor="black", zorder=2)
    for j in range(n_out):
        ax.text(1.06, y_out[j], str(j), va="center", fontsize=8)
    ax.text(0, 1.07, f"{n_in} inputs", ha="center", fontsize=9)
    ax.text(1, 1.07, f"{n_out} outputs", ha="center", fontsize=9)
    ax.set(xlim=(-0.15, 1.2), ylim=(-0.05, 1.12),
           title=f"Dense: {n_in} x {n_out} = {n_in * n_out} weights, one line each")
    ax.axis("off")
    return ax


def plot_dropout(outputs: np.ndarray, rate: float, ax: Axes | None = None) -> Axes:
    """Draw Dropout's output for all-ones inputs: one row per training step, dropped units white.

    Each row's label says how many units were dropped and the row's mean, which stays near 1
    because the kept units are scaled by 1 / (1 - rate).
    """
    outputs = np.asarray(outputs, dtype=float)
    steps, units = outputs.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(max(5.0, 0.3 * units + 2.5), 0.35 * steps + 1.2))
    ax.imshow(outputs, cmap="Greens", vmin=0, vmax=1 / (1 - rate) * 1.3, aspect="auto")
    ax.set_xticks(np.arange(-0.5, units), minor=True)
    ax.set_yticks(np.arange(-0.5, steps), minor=True)
    ax.grid(which="minor", color="gray", lw=0.5)
    ax.tick_params(which="minor", length=0)
    ax.set_xticks([])
    ax.set_yticks(range(steps), [f"step {s + 1}: {int((row == 0).sum())} dropped, "
                                 f"mean {row.mean():.2f}" for s, row in enumerate(outputs)],
                  fontsize=8)
    ax.set(xlabel=f"{units} units (white: dropped; green: kept, now {1 / (1 - rate):g})",
           title=f"Dropout({rate:g}): each unit dropped on its own with probability {rate:g}")
    return ax


def plot_confusion(y_true: np.ndarray, y_pred: np.ndarray, ax: Axes | None = None) -> Axes:
    """scikit-learn's confusion matrix with the diagonal masked, so the mistakes' colours read.

    The diagonal (right answers) keeps its counts, in grey on white; the colour scale
    spans the off-diagonal cells only, white at 0 to dark red, with a colour bar, so the
    most frequent confusion is the darkest cell.
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 6))
    from matplotlib.colors import ListedColormap
    from matplotlib.ticker import MaxNLocator

    colours = plt.get_cmap("Reds")(np.linspace(0, 1, 256))
    colours[0] = (1, 1, 1, 1)  # a count of 0 is plain white, not Reds' faint pink
    reds = ListedColormap(colours).with_extremes(bad="white")  # masked cells: white
    display = ConfusionMatrixDisplay.from_predictions(y_true, y_pred, labels=range(10), ax=ax,
                                                      colorbar=False, cmap=reds)
    matrix = display.confusion_matrix
    diagonal = np.eye(len(matrix), dtype=bool)
    off = np.ma.masked_array(matrix, mask=diagonal)
    top = max(1, int(off.max() or 0))
    display.im_.set_data(off)
    display.im_.set_clim(0, top)
    for (t, p), text in np.ndenumerate(display.text_):
        text.set_color("tab:gray" if t == p else
                       ("white" if matrix[t, p] > top / 2 else "black"))
    ax.set(xlabel="predicted digit", ylabel="true digit",
           title="mistakes only in colour (diagonal: right answers)")
    bar = ax.figure.colorbar(display.im_, ax=ax, shrink=0.8, label="mistakes (count)")
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    return ax
