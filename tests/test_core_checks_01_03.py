"""Exercise checks for notebooks 01-03: right answers pass, each typical mistake is named."""

import keras
import numpy as np
import pytest

from helpers.checks import (check_average_digit, check_convolution, check_diagonal_kernel,
                            check_first_index, check_preparation)

# --- 01: the average image of a digit -------------------------------------------------

IMAGES = (np.arange(6 * 28 * 28) % 256).astype(np.uint8).reshape(6, 28, 28)
LABELS = np.array([3, 1, 3, 3, 0, 2])


def average_digit(images, labels, digit):
    return images[labels == digit].mean(axis=0)


def test_average_digit_right_answer_passes():
    assert check_average_digit(average_digit, IMAGES, LABELS, 3).ok


@pytest.mark.parametrize("wrong, cause", [
    (lambda x, y, d: x.mean(axis=0), "averaged every image"),
    (lambda x, y, d: x[y == d].mean(axis=(1, 2)), "each image's own pixels"),
    (lambda x, y, d: x[d], "returned one image"),
    (lambda x, y, d: x[y == d][0], "first image of that digit"),
    (lambda x, y, d: x[y == d].sum(axis=0), "summed the images"),
    (lambda x, y, d: None, "returned None"),
])
def test_average_digit_names_the_mistake(wrong, cause):
    result = check_average_digit(wrong, IMAGES, LABELS, 3)
    assert not result.ok and cause in result.message
    assert "given:" in result.message or cause == "raised"


def test_average_digit_reports_an_exception():
    def broken(images, labels, digit):
        raise KeyError("oops")
    result = check_average_digit(broken, IMAGES, LABELS, 3)
    assert not result.ok and "raised KeyError" in result.message


# --- 02: scaling and reshaping from raw pixels ----------------------------------------

def prepare(raw):
    return (raw.astype("float32") / 255).reshape(-1, 28, 28, 1)


def test_preparation_right_answer_passes():
    result = check_preparation(prepare)
    assert result.ok and "float32 (N, 28, 28, 1)" in result.message


@pytest.mark.parametrize("wrong, cause", [
    (lambda raw: (raw / 255).reshape(-1, 28, 28, 1), "float64"),
    (lambda raw: raw.astype("float32") / 255, "no channel axis"),
    (lambda raw: prepare(raw) / 255, "scaled twice"),
    (lambda raw: (raw.astype("float32") / 256).reshape(-1, 28, 28, 1), "divided by 256"),
    (lambda raw: raw.reshape(-1, 28, 28, 1), "not scaled"),
    (lambda raw: prepare(raw).reshape(-1, 1, 28, 28), "channel axis is first"),
    (lambda raw: (raw / 255).astype("float16").reshape(-1, 28, 28, 1), "float16"),
])
def test_preparation_names_the_mistake(wrong, cause):
    result = check_preparation(wrong)
    assert not result.ok and cause in result.message
    assert "given:" in result.message and "expected:" in result.message


@pytest.mark.parametrize("wrong", [
    lambda raw: (raw.astype("float32") / raw.max()).reshape(-1, 28, 28, 1),
    lambda raw: (raw.astype("float32") / raw.max(axis=(1, 2), keepdims=True)).reshape(-1, 28, 28, 1),
])
def test_preparation_names_scaling_by_the_largest_pixel(wrong):
    result = check_preparation(wrong)
    assert not result.ok and "own largest pixel" in result.message
    assert "values 0 to 127" in result.message and "got:      shape (3, 28, 28, 1), float32, values 0 to 1" in result.message


def test_preparation_reports_an_exception():
    result = check_preparation(lambda raw: raw.reshape(5, 5))
    assert not result.ok and "raised ValueError" in result.message


# --- 03: the convolution loop ---------------------------------------------------------

def convolve(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1), "float32")
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def test_convolution_right_answer_passes():
    assert check_convolution(convolve).ok


def test_the_reference_is_what_keras_conv2d_computes():
    from helpers.checks.lessons_01_03 import _reference_convolution
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(7, 6)), rng.normal(size=(3, 3))
    conv = keras.layers.Conv2D(1, 3, use_bias=False)
    conv.build((None, 7, 6, 1))
    conv.set_weights([kernel.reshape(3, 3, 1, 1)])
    keras_map = conv(image.reshape(1, 7, 6, 1).astype("float32")).numpy()[0, :, :, 0]
    np.testing.assert_allclose(_reference_convolution(image, kernel), keras_map, atol=1e-4)
    np.testing.assert_allclose(convolve(image, kernel), keras_map, atol=1e-4)


def flipped(image, kernel):
    return convolve(image, kernel[::-1, ::-1])


def swapped(image, kernel):
    return convolve(image.T, kernel.T)  # out[j, i]: rows and columns exchanged


def kernel_transposed(image, kernel):
    return convolve(image, kernel.T)


def same_size(image, kernel):
    return convolve(np.pad(image, 1), kernel)


def same_size_flipped(image, kernel):
    return convolve(np.pad(image, 1), kernel[::-1, ::-1])


def stops_early(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1), "float32")
    for i in range(out.shape[0] - 1):
        for j in range(out.shape[1] - 1):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def one_short(image, kernel):
    return convolve(image, kernel)[:-1, :-1]


def runs_past_the_edge(image, kernel):
    out = np.zeros((image.shape[0] - 2, image.shape[1] - 2))
    for i in range(image.shape[0]):
        for j in range(image.shape[1]):
            out[i, j] = np.sum(image[i:i + 3, j:j + 3] * kernel)
    return out


@pytest.mark.parametrize("wrong, cause", [
    (flipped, "flipped the kernel"),
    (swapped, "rows and columns are swapped"),
    (kernel_transposed, "kernel's rows as columns"),
    (same_size, "padding='same'"),
    (same_size_flipped, "padding='same'"),
    (stops_early, "stop one position early"),
    (one_short, "one row and one column short"),
    (runs_past_the_edge, "smaller than the kernel"),
    (lambda image, kernel: None, "returned None"),
])
def test_convolution_names_the_mistake(wrong, cause):
    result = check_convolution(wrong)
    assert not result.ok and cause in result.message


# --- 03: a kernel for "/" strokes -----------------------------------------------------

def test_diagonal_kernel_that_finds_slashes_passes():
    result = check_diagonal_kernel(np.array([[2, 1, 0], [1, 0, -1], [0, -1, -2]]))
    assert result.ok and "4.0 on a \"/\" stroke" in result.message
    assert "gives 0.0 inside solid ink" in result.message
    assert "edges of horizontal and vertical strokes (3.0, against 4.0)" in result.message


@pytest.mark.parametrize("kernel, cause", [
    ([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], "mirror it left to right"),      # finds "\"
    ([[1, 0, -1], [2, 0, -2], [1, 0, -1]], "cannot tell them apart"),       # vertical edges
    ([[0, 0, 1], [0, 0, 0], [1, 0, 0]], "finds ink, not the edges"),      # a line, not edges
    ([[3, -3, 1], [3, 3, 1], [-1, -3, -2]], "responds more, 8.0, to a horizontal"),
    (np.zeros((3, 3)), "responds to nothing"),
    (np.ones((2, 2)), "make it 3x3"),
    ([[np.nan, 0, 0], [0, 0, 0], [0, 0, 0]], "nan"),
    (None, "is None"),
])
def test_diagonal_kernel_names_the_mistake(kernel, cause):
    result = check_diagonal_kernel(kernel)
    assert not result.ok and cause in result.message


# --- 01: the index of the first 7 -----------------------------------------------------

FIRST_LABELS = np.array([5, 0, 4, 1, 9, 2, 7, 3, 7], np.uint8)


@pytest.mark.parametrize("index", [6, np.int64(6), np.argmax(FIRST_LABELS == 7)])
def test_first_index_right_answer_passes(index):
    assert check_first_index(index, FIRST_LABELS, 7).ok


@pytest.mark.parametrize("index, cause", [
    (8, "not the first; there is one at index 6"),
    (int(np.argmax(FIRST_LABELS)), "the label there is 9, not 7"),   # argmax of the labels
    (np.nonzero(FIRST_LABELS == 7), "expected one whole number"),
    (np.flatnonzero(FIRST_LABELS == 7), "an array of shape (2,)"),
    (None, "expected one whole number"),
    (20, "the labels run from 0 to 8"),
])
def test_first_index_names_the_mistake(index, cause):
    result = check_first_index(index, FIRST_LABELS, 7)
    assert not result.ok and cause in result.message
