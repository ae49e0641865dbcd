"""The checks of notebooks 07 and 08's core exercises: right answers pass, typical mistakes are named."""

import numpy as np
import pytest
from PIL import Image

from helpers.checks import check_csv_to_images, check_mnist_preparation
from helpers.checks.lessons_07_08 import _prepare_variant


def rows_to_images(df):
    images = df.iloc[:, 1:].to_numpy().reshape(-1, 28, 28, 1).astype("float32") / 255
    return images, df["label"].to_numpy()


def test_the_right_rows_to_images_passes():
    verdict = check_csv_to_images(rows_to_images)
    assert verdict and "(3, 28, 28, 1)" in repr(verdict)


@pytest.mark.parametrize("wrong, cause", [
    (lambda df: (df.iloc[:, 1:].to_numpy().reshape(-1, 28, 28, 1).astype("float32"),
                 df["label"].to_numpy()), "forgot to scale"),
    (lambda df: (df.to_numpy().reshape(-1, 28, 28, 1).astype("float32") / 255,
                 df["label"].to_numpy()), "label column is still in the pixels"),
    (lambda df: (df.iloc[:, :-1].to_numpy().reshape(-1, 28, 28, 1).astype("float32") / 255,
                 df["label"].to_numpy()), "dropped the last pixel column"),
    (lambda df: (df.iloc[:, 1:].to_numpy().reshape(-1, 28, 28, 1, order="F")
                 .astype("float32") / 255, df["label"].to_numpy()), "transposed"),
    (lambda df: (df.iloc[:, 1:].to_numpy().reshape(-1, 28, 28, 1).transpose(0, 2, 1, 3)
                 .astype("float32") / 255, df["label"].to_numpy()), "transposed"),
    (lambda df: (df.iloc[:, 1:].to_numpy().reshape(-1, 28, 28, 1) / 255,
                 df["label"].to_numpy()), "float64"),
    (lambda df: (rows_to_images(df)[0], np.eye(10)[df["label"]]), "one-hot"),
    (lambda df: (rows_to_images(df)[0], df["label"].to_numpy().astype(float)),
     "labels are whole numbers"),
    (lambda df: rows_to_images(df)[0], "return two things"),
])
def test_each_typical_mistake_is_named(wrong, cause):
    verdict = check_csv_to_images(wrong)
    assert not verdict and cause in repr(verdict)


def to_mnist(grey):
    """A learner's right answer, written differently from prepare_digit (bilinear, float centring)."""
    ink = 1 - grey
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0.5), np.flatnonzero(ink.max(axis=0) > 0.5)
    ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scale = 20 / max(ink.shape)
    h, w = round(ink.shape[0] * scale), round(ink.shape[1] * scale)
    small = np.asarray(Image.fromarray(ink).resize((w, h), Image.Resampling.BILINEAR))
    cy, cx = (np.indices(small.shape) * small).reshape(2, -1).sum(axis=1) / small.sum()
    top, left = int(14 - cy + 0.5), int(14 - cx + 0.5)
    box = np.zeros((28, 28), "float32")
    box[top:top + h, left:left + w] = small
    return box


def test_a_right_preparation_written_another_way_passes():
    assert check_mnist_preparation(to_mnist)
    assert check_mnist_preparation(lambda g: _prepare_variant(g))


@pytest.mark.parametrize("mistake, cause", [
    ({"invert": False}, "not inverted"),
    ({"by_mass": False}, "bounding box"),
    ({"side": 28}, "scaled to 28 px"),
    ({"keep_aspect": False}, "aspect ratio is lost"),
    ({"swap_centre": True}, "row and column swapped"),
])
def test_each_typical_preparation_mistake_is_named(mistake, cause):
    verdict = check_mnist_preparation(lambda g: _prepare_variant(g, **mistake))
    assert not verdict and cause in repr(verdict)


def test_a_wrong_shape_or_none_gets_a_plain_answer():
    assert "returned None" in repr(check_mnist_preparation(lambda g: None))
    assert "one 28x28 image" in repr(check_mnist_preparation(lambda g: np.zeros((20, 20))))
    assert "step by step" in repr(check_mnist_preparation(lambda g: np.zeros((28, 28))))
    in_255 = check_mnist_preparation(lambda g: to_mnist(g) * 255)  # right, but not in [0, 1]
    assert not in_255.ok and "in [0, 1]" in in_255.message


def test_the_submission_table_check():
    import pandas as pd

    from helpers.checks import check_submission_table

    def right(p):
        return pd.DataFrame({"ImageId": np.arange(1, len(p) + 1), "Label": p})

    assert check_submission_table(right)
    assert "counts from 0" in repr(check_submission_table(
        lambda p: pd.DataFrame({"ImageId": np.arange(len(p)), "Label": p})))
    assert "in that order" in repr(check_submission_table(
        lambda p: pd.DataFrame({"Label": p, "ImageId": np.arange(1, len(p) + 1)})))
    assert "DataFrame" in repr(check_submission_table(lambda p: p))
    assert "column Label holds float64" in repr(check_submission_table(
        lambda p: pd.DataFrame({"ImageId": np.arange(1, len(p) + 1), "Label": p * 1.0})))
    assert "column ImageId holds" in repr(check_submission_table(
        lambda p: pd.DataFrame({"ImageId": [str(i) for i in range(1, len(p) + 1)],
                                "Label": p})))


def test_the_trained_with_check():
    import keras

    from helpers.checks import check_trained_with

    def trained(optimizer, steps):
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
        if steps:
            model.fit(np.zeros((4 * steps, 3)), np.zeros(4 * steps), batch_size=4, verbose=0)
        return model
    assert check_trained_with(trained("adam", 3), "Adam", steps=3)
    cases = [
        (trained("rmsprop", 3), "compiled with RMSprop, not Adam"),
        (trained("adam", 5), "took 5 training steps; the control took 3"),
        (trained("adam", 0), "took 0 training steps"),
        (keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]), "is not compiled yet"),
        (None, "adam_model is None"),
    ]
    for model, words in cases:
        check = check_trained_with(model, "Adam", steps=3)
        assert not check.ok and words in check.message, check.message


def test_the_label_verdict_check():
    from helpers.checks import check_label_verdict, check_labels
    one_hot = np.eye(10)[[3, 1, 4]]
    loss = "sparse_categorical_crossentropy"
    assert check_label_verdict(check_labels(one_hot, loss, "y_train"), one_hot, loss).ok
    assert check_label_verdict(check_labels(one_hot, loss), one_hot, loss).ok
    cases = [
        (check_labels(one_hot, "categorical_crossentropy"), "finds nothing wrong"),
        (check_labels(one_hot.argmax(axis=1), loss), "finds nothing wrong"),
        (check_labels(one_hot[:, :5], loss), "other labels or another loss"),
        (None, "verdict is None; keep what check_labels returns"),
        (str(check_labels(one_hot, loss)), "verdict is the text"),
    ]
    for verdict, words in cases:
        check = check_label_verdict(verdict, one_hot, loss)
        assert not check.ok and words in check.message, check.message


def _raw_digits(n=6):
    """n small MNIST-like digits: a thick bar at a different place in each 28x28 box."""
    raw = np.zeros((n, 28, 28), np.uint8)
    for k in range(n):
        raw[k, 5 + k:23, 10 + k:14 + k] = 255
        raw[k, 5 + k:8 + k, 8:20] = 200
    return raw


def test_the_round_trip_check():
    from helpers.checks import check_round_trip
    from helpers.handwriting import prepare_digit
    raw = _raw_digits()

    def trip(resample):
        return np.stack([prepare_digit(255 - np.asarray(Image.fromarray(d).resize(
            (112, 112), resample))) for d in raw])
    assert check_round_trip(trip(Image.Resampling.BICUBIC), raw).ok
    assert check_round_trip(trip(Image.Resampling.LANCZOS), raw).ok  # resized another way
    cases = [
        (raw / 255, "as they were, scaled to [0, 1]: they never made the trip"),
        (trip(Image.Resampling.BICUBIC)[..., None], "leave out the channel axis"),
        (trip(Image.Resampling.BICUBIC)[:3], "expected (6, 28, 28)"),
        (np.roll(trip(Image.Resampling.BICUBIC), 9, axis=2), "differs from the course's"),
        (raw[:, :, :], "values run from 0 to 255"),
        (np.stack([prepare_digit(d) for d in raw]), "without being blown up"),
        (trip(Image.Resampling.NEAREST), "without being blown up"),
        (None, "round_trip is None"),
    ]
    for got, words in cases:
        check = check_round_trip(got, raw)
        assert not check.ok and words in check.message, check.message
