"""prepare_images refuses scaled input; check_model and check_param_count explain."""

import keras
import numpy as np
import pytest
from keras import layers

from helpers.checks import check_model, check_param_count
from helpers.data import prepare_images

RAW = (np.arange(2 * 784) % 256).astype(np.uint8).reshape(2, 28, 28)


def test_prepare_images_scales_once_and_adds_the_channel():
    x = prepare_images(RAW)
    assert x.shape == (2, 28, 28, 1) and x.dtype == np.float32
    assert x.max() == 1.0 and x.min() == 0.0


def test_prepare_images_refuses_scaled_pixels():
    with pytest.raises(ValueError, match="look scaled already"):
        prepare_images(prepare_images(RAW))


def test_prepare_images_refuses_wrong_shape():
    with pytest.raises(ValueError, match=r"shaped \(N, 28, 28\), got \(2, 784\)"):
        prepare_images(RAW.reshape(2, 784))


def article_model(flatten: bool, activation: str = "softmax") -> keras.Model:
    return keras.Sequential([
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(4, 3), layers.MaxPooling2D(),
        *([layers.Flatten()] if flatten else []),
        layers.Dense(8), layers.Dense(10, activation=activation)])


def test_missing_flatten_is_named():
    result = check_model(article_model(flatten=False))
    assert not result.ok and "without Flatten" in result.message


def test_sigmoid_output_is_named():
    result = check_model(article_model(flatten=True, activation="sigmoid"))
    assert not result.ok and "sigmoid" in result.message and "softmax" in result.message


def test_wrong_number_of_outputs():
    model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(),
                              layers.Dense(2, activation="softmax")])
    assert "(None, 2)" in check_model(model).message


def test_unbuilt_model_is_explained():
    result = check_model(keras.Sequential([layers.Dense(10)]))
    assert not result.ok and "keras.Input" in result.message


def test_good_model_passes():
    assert check_model(article_model(flatten=True)).ok


@pytest.mark.parametrize("shape", [(32, 32, 1), (28, 28, 3), (28, 28)])
def test_a_model_for_other_images_is_named(shape):
    model = keras.Sequential([keras.Input(shape=shape), layers.Reshape((*shape[:2], -1)),
                              layers.Conv2D(4, 3), layers.MaxPooling2D(), layers.Flatten(),
                              layers.Dense(10, activation="softmax")])
    result = check_model(model)
    assert not result.ok and f"shaped {shape}" in result.message
    assert "keras.Input(shape=(28, 28, 1))" in result.message


def test_param_count_right_and_wrong():
    conv = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(25, 3)]).layers[0]
    assert check_param_count(conv, 250).ok
    wrong = check_param_count(conv, 225)
    assert not wrong.ok and "forget the biases" in wrong.message
    assert "biases" not in check_param_count(conv, 10).message.split("(")[0]


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint16, np.float64])
def test_prepare_images_takes_raw_pixels_in_any_dtype(dtype):
    """A CSV read with pandas gives int64 pixels 0-255: raw, not scaled."""
    x = prepare_images(RAW.astype(dtype))
    np.testing.assert_array_equal(x, prepare_images(RAW))


@pytest.mark.parametrize("bad, message", [
    (RAW.astype(np.int64) - 1, "from -1 to 254"),
    (RAW.astype(np.int64) * 2, "from 0 to 510"),
    (RAW.astype(np.float64) + 0.5, "whole numbers"),
])
def test_prepare_images_refuses_values_that_are_not_pixels(bad, message):
    with pytest.raises(ValueError, match=message):
        prepare_images(bad)


@pytest.mark.parametrize("bad", [None, "x_train_raw", [[1, 2], [3]]])
def test_prepare_images_refuses_what_is_not_an_array(bad):
    with pytest.raises(TypeError, match="wants a numpy array of images"):
        prepare_images(bad)
