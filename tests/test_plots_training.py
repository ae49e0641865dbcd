"""The pictures notebooks 05 and 06 add: the overfitting gap, shared-scale maps, confusions."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from helpers.plots import plot_confusion, plot_gap, show_maps_on_one_scale  # noqa: E402


def teardown_function():
    plt.close("all")


def history(train, val):
    return {"accuracy": train, "val_accuracy": val}


def test_plot_gap_zooms_to_the_later_epochs_on_one_shared_scale():
    runs = {"overfits": history([0.5, 0.9, 1.0, 1.0], [0.1, 0.9, 0.93, 0.93]),
            "recipe": history([0.7, 0.97, 0.98, 0.99], [0.96, 0.98, 0.985, 0.99])}
    fig = plot_gap(runs)
    left, right = fig.axes
    assert left.get_ylim() == right.get_ylim()
    low, high = left.get_ylim()
    assert 0.85 < low < 0.93 and 1.0 < high < 1.02  # epoch 1's 0.1 is out of view
    assert [a.get_title() for a in fig.axes] == ["overfits", "recipe"]


def test_plot_gap_shades_only_where_both_curves_are_in_view():
    fig = plot_gap({"overfits": history([0.5, 0.9, 1.0, 1.0], [0.1, 0.9, 0.93, 0.93])})
    low, _ = fig.axes[0].get_ylim()
    shaded = fig.axes[0].collections[0].get_paths()[0].vertices
    assert shaded[:, 0].min() >= 2 and shaded[:, 1].min() >= low  # not epoch 1's 0.1
    assert "lowest validation loss" not in fig.axes[0].get_legend_handles_labels()[1]


def test_plot_gap_marks_the_lowest_validation_loss_for_early_stopping():
    fig = plot_gap({"run": {"loss": [0.9, 0.3, 0.1, 0.05, 0.02],
                            "val_loss": [0.8, 0.40, 0.3009, 0.3011, 0.3012]}}, metric="loss")
    star = [line for line in fig.axes[0].lines if line.get_marker() == "*"]
    assert len(star) == 1 and list(star[0].get_xdata()) == [3]
    assert any(t.get_text() == "lowest: 0.3009, epoch 3" for t in fig.axes[0].texts)


def test_plot_gap_says_what_is_missing():
    with pytest.raises(ValueError, match="validation_data"):
        plot_gap({"run": {"accuracy": [0.5, 0.6]}})


def test_maps_of_two_images_share_one_scale_row_by_row():
    maps = np.random.default_rng(0).random((5, 5, 3))
    fig = show_maps_on_one_scale(np.concatenate([maps, 3 * maps], axis=-1), ncols=3,
                                 row_labels=["a 1", "an 8"], title="block 1")
    images = [ax.images[0] for ax in fig.axes if ax.images]
    top = float((3 * maps).max())
    assert len(images) == 6 and {im.get_clim() for im in images} == {(0.0, top)}  # no negatives
    assert [ax.get_ylabel() for ax in fig.axes[:6:3]] == ["a 1", "an 8"]
    assert [ax.get_title() for ax in fig.axes[:6]] == ["map 0", "map 1", "map 2"] * 2
    assert any(ax.get_label() == "<colorbar>" for ax in fig.axes)
    assert fig.get_suptitle() == "block 1"


def test_confusion_colours_only_the_mistakes():
    y_true = np.array([0] * 50 + [1] * 50 + [4, 4, 4, 9])
    y_pred = np.array([0] * 50 + [1] * 50 + [9, 9, 9, 4])
    ax = plot_confusion(y_true, y_pred)
    image = ax.images[0]
    assert image.get_clim() == (0, 3)  # the diagonal's 50s do not set the scale
    assert image.get_array().mask[0, 0] and not image.get_array().mask[4, 9]
    assert ax.get_ylabel() == "true digit"
