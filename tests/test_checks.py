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


def test_bfloat16_arrays_are_numbers():
    """Under mixed bfloat16 (use_fast_precision on a CPU with bfloat16 instructions) a
    model's outputs are bfloat16 arrays, which numpy files as kind "V", not as floats."""
    import ml_dtypes

    maps = np.zeros((13, 13, 8), ml_dtypes.bfloat16)
    assert check_shape(maps, (13, 13, 8), "maps").ok
    result = check_scaled(maps, "maps")
    assert not result.ok and "bfloat16" in result.message and "float32" in result.message


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


class _FixedModel:
    """Predicts the given digits, whatever the images: enough to test check_accuracy."""

    def __init__(self, digits):
        self.digits = np.asarray(digits)

    def predict(self, x, batch_size=None, verbose=0):
        return np.eye(10, dtype="float32")[self.digits[: len(x)]]


def test_accuracy_reached_passes():
    from helpers.checks import check_accuracy
    model = _FixedModel([0, 1, 2, 3, 4, 5, 6, 7, 8, 0])  # 9 of 10 right
    result = check_accuracy(model, np.zeros((10, 28, 28, 1)), np.arange(10), 0.9, "x_val")
    assert result.ok and "90.00% on 10 images of x_val" in result.message


def test_accuracy_short_of_target_fails_and_says_by_what():
    from helpers.checks import check_accuracy
    model = _FixedModel([0] * 10)  # 1 of 10 right
    result = check_accuracy(model, np.zeros((10, 28, 28, 1)), np.arange(10), 0.9)
    assert not result.ok and "10.00%" in result.message and "short of the 90%" in result.message


def test_accuracy_accepts_one_hot_labels():
    from helpers.checks import check_accuracy
    model = _FixedModel(np.arange(10))
    one_hot = keras.utils.to_categorical(np.arange(10), 10)
    assert check_accuracy(model, np.zeros((10, 28, 28, 1)), one_hot, 1.0).ok


def test_accuracy_target_as_percent_is_refused():
    from helpers.checks import check_accuracy
    result = check_accuracy(_FixedModel(np.arange(10)), np.zeros((10, 28, 28, 1)),
                            np.arange(10), 99)
    assert not result.ok and "as a fraction" in result.message


def test_accuracy_with_mismatched_labels_says_so():
    from helpers.checks import check_accuracy
    result = check_accuracy(_FixedModel(np.arange(10)), np.zeros((10, 28, 28, 1)),
                            np.arange(5), 0.5)
    assert not result.ok and "10 images but 5 labels" in result.message


def test_accuracy_with_a_real_keras_model():
    from helpers.checks import check_accuracy
    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    result = check_accuracy(model, np.zeros((4, 28, 28, 1), "float32"), np.zeros(4, int),
                            0.01, "zeros")
    assert "on 4 images of zeros" in result.message


# --- the wrong kind of argument gets a ❌ in plain words, never a traceback ---

from keras import layers  # noqa: E402

from helpers.checks import (check_accuracy, check_answer, check_model,  # noqa: E402
                            check_param_count)

RAGGED = [[1, 2], [3]]


def tiny_classifier():
    return keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(),
                             layers.Dense(10, activation="softmax")])


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(10, activation="softmax")

    def call(self, x):
        return self.dense(keras.ops.reshape(x, (-1, 784)))


def _built_subclassed():
    model = _Subclassed()
    model(np.zeros((1, 28, 28, 1), "float32"))
    return model


@pytest.mark.parametrize("call, words", [
    (lambda: check_scaled(None, "x_train"), "x_train is None (did a function forget"),
    (lambda: check_scaled("x_train"), "x is the text 'x_train'; expected a numpy array"),
    (lambda: check_scaled(RAGGED), "x is a list of 2 items; expected a numpy array"),
    (lambda: check_scaled(np.zeros((0, 28, 28), "float32")), "is empty"),
    (lambda: check_shape(None, (None, 28, 28, 1)), "x is None"),
    (lambda: check_shape(RAGGED, (None, 2)), "x is a list of 2 items"),
    (lambda: check_shape(np.zeros((2, 28, 28)), 28), "give the shape as a tuple"),
    (lambda: check_labels(None, "categorical_crossentropy"), "y is None"),
    (lambda: check_labels("3", "categorical_crossentropy"), "y is the text '3'"),
    (lambda: check_model(None), "Expected a Keras model, got None"),
    (lambda: check_model("model"), "Expected a Keras model, got the text 'model'"),
    (lambda: check_model([layers.Flatten(), layers.Dense(10)]), "keras.Sequential([...])"),
    (lambda: check_model(layers.Dense(10)), "Expected a Keras model, got a Dense. Put it in"),
    (lambda: check_model(_built_subclassed()), "cannot see how this model's layers connect"),
    (lambda: check_model(tiny_classifier()), "no Conv2D layer, so it is not a CNN"),
    (lambda: check_model(keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(4, 3),
                                           layers.Flatten(),
                                           layers.Dense(10, activation="softmax")])),
     "no pooling layer"),
    (lambda: check_param_count(None, 250), "Expected a Keras layer or model, got None"),
    (lambda: check_param_count([layers.Conv2D(25, 3)], 250), "got a list of 1 items"),
    (lambda: check_param_count(layers.Conv2D(25, 3), 250), "is not built yet"),
    (lambda: check_param_count(keras.Sequential([layers.Dense(3)]), 250), "is not built yet"),
    (lambda: check_param_count(tiny_classifier(), "7850"), "whole number, such as 250"),
    (lambda: check_accuracy(None, np.zeros((2, 28, 28, 1)), [0, 1], 0.9),
     "Expected a trained Keras model, got None"),
    (lambda: check_accuracy(tiny_classifier(), None, [0, 1], 0.9), "x, the images, is None"),
    (lambda: check_accuracy(tiny_classifier(), np.zeros((2, 28, 28, 1)), None, 0.9),
     "y, the labels, is None"),
    (lambda: check_accuracy(tiny_classifier(), np.zeros((2, 28, 28, 1)), [0, 1], "0.9"),
     "as a fraction"),
    (lambda: check_accuracy(tiny_classifier(), list(np.zeros((2, 28, 28), "float32")), [0, 1],
                            0.9), "Add the channel axis"),
    (lambda: check_answer(RAGGED, np.zeros((2, 2)), "a 2x2 grid"), "rows have different lengths"),
    (lambda: check_answer(np.mean, 0.5, "[0, 1]"), "it is a function, not its result"),
    (lambda: check_answer("3", 3, "1 + 2"), "it is text"),
    (lambda: check_answer(3, 3, "1 + 2", mistakes=[2]), "mistakes is a list of 1 items"),
])
def test_wrong_arguments_get_a_cross_in_plain_words(call, words):
    result = call()
    assert isinstance(result, Check) and not result.ok
    assert words in result.message


def test_check_labels_takes_a_keras_loss_object():
    loss = keras.losses.SparseCategoricalCrossentropy()
    assert check_labels(np.array([1, 2]), loss).ok


def test_check_accuracy_takes_a_python_list_of_images():
    model = tiny_classifier()
    images = list(np.zeros((4, 28, 28, 1), "float32"))
    result = check_accuracy(model, images, [0, 0, 0, 0], 0.01, "a list")
    assert "on 4 images of a list" in result.message


def test_check_accuracy_speaks_about_its_own_exercise():
    model = _FixedModel([0] * 10)
    hint = "Set momentum=0.99 on every BatchNormalization layer, then train."
    result = check_accuracy(model, np.zeros((10, 28, 28, 1)), np.arange(10), 0.985, hint=hint)
    assert not result.ok
    assert result.message.endswith(f"short of the 98.5% asked for. {hint}")
    assert "Train longer" not in result.message
