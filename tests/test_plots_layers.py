"""helpers.plots, notebook 03's pictures: one colour scale, Flatten, Dense and Dropout drawn."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from helpers.plots import plot_dense, plot_dropout, plot_flatten, show_maps_on_one_scale


def test_maps_share_one_scale_centred_on_zero_with_a_colour_bar():
    maps = [np.full((4, 4), -1.0), np.full((2, 2), 3.0)]
    fig = show_maps_on_one_scale(maps, ["a", "b"], label="activation")
    panels = [ax for ax in fig.axes if ax.images]
    limits = {ax.images[0].get_clim() for ax in panels}
    assert limits == {(-3.0, 3.0)}  # one scale, symmetric about 0
    assert [ax.get_title() for ax in panels] == ["a", "b"]
    assert any(ax.get_ylabel() == "activation" for ax in fig.axes)  # the colour bar
    plt.close(fig)


def test_maps_accept_channels_last_array():
    fig = show_maps_on_one_scale(np.zeros((5, 5, 3)))
    assert len([ax for ax in fig.axes if ax.images]) == 3
    plt.close(fig)


def test_maps_refuse_a_flat_array_in_plain_words():
    with pytest.raises(ValueError, match="2-D maps"):
        show_maps_on_one_scale([np.zeros(5)])


def test_flatten_draws_every_cell_twice_and_numbers_the_row():
    ax = plot_flatten(np.arange(6.0).reshape(2, 3))
    assert len(ax.patches) == 12  # 6 in the grid, 6 in the row
    assert "2x3 grid becomes a row of 6" in ax.get_title()
    plt.close(ax.figure)
    ax = plot_flatten(np.arange(6.0).reshape(2, 3) + 0.5)
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours["5.5"] == "white" and colours["0.5"] == "black"  # dark red cell, pale cell
    plt.close(ax.figure)


def test_dense_draws_one_line_per_weight():
    ax = plot_dense(np.ones((4, 3)))
    assert len(ax.lines) == 12 and "12 weights" in ax.get_title()
    plt.close(ax.figure)


def test_dense_highlight_colours_one_outputs_lines_and_labels_their_weights():
    weights = np.array([[0.5, -0.25], [-1.0, 0.75], [0.125, 0.0]])
    ax = plot_dense(weights, highlight=1)
    grey = [line for line in ax.lines if line.get_color() == "0.85"]
    assert len(ax.lines) == 6 and len(grey) == 3  # output 0's three lines are grey
    assert {t.get_text() for t in ax.texts} >= {"-0.25", "+0.75", "+0.00"}  # output 1's
    plt.close(ax.figure)


@pytest.mark.parametrize("weights, highlight, words", [
    (np.ones(5), None, "2-D"), (np.ones((4, 3)), 3, "from 0 to 2")])
def test_dense_refuses_bad_input_in_plain_words(weights, highlight, words):
    with pytest.raises(ValueError, match=words):
        plot_dense(weights, highlight=highlight)


def test_dropout_labels_count_dropped_units_and_mean():
    outputs = np.array([[2.0, 0.0, 2.0, 0.0], [0.0, 0.0, 0.0, 2.0]])
    ax = plot_dropout(outputs, 0.5)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["step 1: 2 dropped, mean 1.00", "step 2: 3 dropped, mean 0.50"]
    plt.close(ax.figure)
