"""helpers.checks: each check says right or wrong in plain words."""

import keras
import numpy as np
import pytest

from helpers.checks import Check, check_labels, check_scaled, check_shape

RAW = (np.arange(784 * 3) % 256).astype(np.uint8).reshape(3, 28, 28)


def test_check_reads_as_a_tick_or_a_cross():
    assert repr(Check(True, "fine")) == "✅ fine"
    assert repr(Check(False, "wrong")) == "❌ wrong"
    assert not Check(False, "wrong")


def test_scaled_once_passes():
    result = check_scaled(RAW.astype("float32") / 255, "x_train")
    assert result.ok and "scaled once" in result.message


def test_raw_pixels_fail():
    result = check_scaled(RAW, "x_train")
    assert not result.ok and "raw pixels (max 255)" in result.message


def test_scaled_twice_fails_with_its_maximum():
    result = check_scaled(RAW.astype("float32") / 255 / 255, "x_twice")
    assert not result.ok
    assert "x_twice looks scaled twice: its maximum is 0.0039" in result.message


def test_float64_fails():
    result = check_scaled(RAW / 255)
    assert not result.ok and "float64" in result.message


def test_negative_values_fail():
    result = check_scaled(np.array([-0.5, 0.5], np.float32))
    assert not result.ok and "negative" in result.message


def test_shape_with_channel_axis():
    assert check_shape(np.zeros((5, 28, 28, 1)), (None, 28, 28, 1)).ok


def test_shape_without_channel_axis_gets_a_hint():
    result = check_shape(np.zeros((5, 28, 28)), (None, 28, 28, 1), "x")
    assert not result.ok
    assert "expected (N, 28, 28, 1)" in result.message and "reshape(-1, 28, 28, 1)" in result.message


def test_shape_wrong_size():
    result = check_shape(np.zeros((5, 32, 32, 1)), (None, 28, 28, 1))
    assert not result.ok and "(5, 32, 32, 1)" in result.message


@pytest.mark.parametrize("labels, loss, ok", [
    (np.array([1, 2, 3]), "sparse_categorical_crossentropy", True),
    (keras.utils.to_categorical([1, 2, 3], 10), "sparse_categorical_crossentropy", False),
    (keras.utils.to_categorical([1, 2, 3], 10), "categorical_crossentropy", True),
    (np.array([1, 2, 3]), "categorical_crossentropy", False),
    (np.zeros((3, 4)), "categorical_crossentropy", False),
    (np.array([1, 2]), "mse", False),
])
def test_labels_against_loss(labels, loss, ok):
    assert check_labels(labels, loss).ok is ok


def test_one_hot_with_sparse_loss_says_what_to_do():
    message = check_labels(keras.utils.to_categorical([1, 2], 10),
                           "sparse_categorical_crossentropy", "y").message
    assert "one-hot" in message and "argmax" in message
