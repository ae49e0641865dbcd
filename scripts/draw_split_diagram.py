"""Draw images/train_test_split.png: how the data is split, and who sees which part.

Run: .venv/bin/python scripts/draw_split_diagram.py
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "images" / "train_test_split.png"


def box(ax, x, w, colour, title, note):
    ax.add_patch(FancyBboxPatch((x, 0.35), w, 0.3, boxstyle="round,pad=0.01",
                                facecolor=colour, edgecolor="black"))
    ax.text(x + w / 2, 0.54, title, ha="center", va="center", fontsize=12, weight="bold")
    ax.text(x + w / 2, 0.44, note, ha="center", va="center", fontsize=9)


def main() -> None:
    fig, ax = plt.subplots(figsize=(9, 2.6))
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.axis("off")
    box(ax, 0.0, 0.56, "#9ecae1", "training set", "the network learns its weights here")
    box(ax, 0.57, 0.15, "#fdd0a2", "validation", "compare choices")
    box(ax, 0.76, 0.23, "#c7e9c0", "test set", "opened once, at the end")
    ax.annotate("", xy=(0.0, 0.78), xytext=(0.72, 0.78),
                arrowprops=dict(arrowstyle="<->"))
    ax.text(0.36, 0.83, "60,000 training images (x_train, y_train)", ha="center")
    ax.annotate("", xy=(0.76, 0.78), xytext=(0.99, 0.78), arrowprops=dict(arrowstyle="<->"))
    ax.text(0.88, 0.83, "10,000 test images", ha="center")
    ax.text(0.5, 0.15, "A score on images the network never saw tells you how it will do "
            "on new handwriting.", ha="center", fontsize=10, style="italic")
    fig.savefig(OUT, dpi=100, bbox_inches="tight")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
