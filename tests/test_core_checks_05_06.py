"""The checks behind notebooks 05 and 06's exercises that write the lesson's core."""

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from helpers.checks import (EARLY_STOPPING_CASES, check_confusion_counts,
                            check_early_stopping, keras_early_stopping)


def early_stop(val_losses, patience, reset=True):
    """The right answer, as notebook 05's solution writes it (reset=False: a learner's slip
    that never starts the count again after an improvement)."""
    best, waited = 0, 0
    for epoch in range(1, len(val_losses)):
        if val_losses[epoch] < val_losses[best]:
            best, waited = epoch, (0 if reset else waited)
        else:
            waited += 1
            if waited >= patience:
                return epoch + 1, best + 1
    return len(val_losses), best + 1


def test_keras_early_stopping_counts_epochs_from_one():
    assert keras_early_stopping([0.5, 0.4, 0.45, 0.46], 2) == (4, 2)
    assert keras_early_stopping([0.5, 0.4, 0.3], 2) == (3, 3)  # never stops: the last epoch


def test_keras_early_stopping_refuses_nonsense():
    with pytest.raises(ValueError, match="patience"):
        keras_early_stopping([], 2)


def test_the_right_rule_matches_keras_on_every_case():
    for losses, patience in EARLY_STOPPING_CASES:
        assert early_stop(losses, patience) == keras_early_stopping(losses, patience)
    check = check_early_stopping(early_stop)
    assert check.ok, check.message


@pytest.mark.parametrize("wrong, cause", [
    (lambda l, p: tuple(v - 1 for v in early_stop(l, p)), "count epochs from 0"),
    (lambda l, p: early_stop(l, p + 1), "one epoch late"),
    (lambda l, p: (early_stop(l, p)[0], int(np.argmin(l)) + 1), "after training stopped"),
])
def test_each_typical_mistake_is_named(wrong, cause):
    check = check_early_stopping(wrong)
    assert not check.ok
    assert cause in check.message


def test_a_tie_counted_as_improvement_is_named():
    def ties(losses, patience):  # the right rule, on losses where each epoch is a hair lower
        return early_stop([loss - 1e-9 * i for i, loss in enumerate(losses)], patience)
    check = check_early_stopping(ties)
    assert not check.ok and "strictly lower" in check.message


def test_patience_that_never_starts_again_is_named():
    check = check_early_stopping(lambda losses, patience: early_stop(losses, patience, reset=False))
    assert not check.ok and "*in a row*" in check.message


def test_an_early_stop_that_returns_nothing_or_crashes_gets_words():
    assert "return two numbers" in check_early_stopping(lambda l, p: None).message
    assert "ZeroDivisionError" in check_early_stopping(lambda l, p: 1 / 0).message


@pytest.fixture
def labels():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 10, 300)
    y_pred = np.where(rng.random(300) < 0.8, y_true, rng.integers(0, 10, 300))
    return y_true, y_pred


def test_confusion_counts_by_hand_pass(labels):
    y_true, y_pred = labels
    counts = np.zeros((10, 10), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    assert check_confusion_counts(counts, y_true, y_pred).ok


def test_confusion_count_mistakes_are_named(labels):
    y_true, y_pred = labels
    right = confusion_matrix(y_true, y_pred, labels=range(10))
    buffered = np.zeros((10, 10), dtype=int)
    buffered[y_true, y_pred] += 1
    for wrong, cause in ((right.T, "swapped"), (buffered, "np.add.at"),
                         (np.roll(right, -1, axis=(0, 1)), "off by one"),
                         (right - np.diag(np.diag(right)), "diagonal")):
        check = check_confusion_counts(wrong, y_true, y_pred)
        assert not check.ok and cause in check.message, check.message
    assert "shape" in check_confusion_counts(right[:9], y_true, y_pred).message
    floats = check_confusion_counts(right.astype(float), y_true, y_pred)
    assert not floats.ok and "dtype=int" in floats.message


# --- notebook 06, exercise 4: block 1's maps for the first 1 and the first 8 ---

def _inspector():
    import keras
    from keras import layers
    keras.utils.set_random_seed(0)
    inputs = keras.Input((28, 28, 1))
    block1 = layers.MaxPooling2D()(layers.Conv2D(12, 3, activation="relu")(inputs))
    block2 = layers.MaxPooling2D()(layers.Conv2D(4, 3)(block1))
    return keras.Model(inputs, [block1, block2])


def _maps_data():
    rng = np.random.default_rng(0)
    images = rng.random((6, 28, 28, 1)).astype("float32")
    labels = np.array([8, 3, 1, 1, 8, 0])  # the first 1 is image 2; image 1 is a 3
    return images, labels


def _rows(inspector, images, picks, maps=slice(0, 8)):
    return {f"a {d}": inspector.predict(images[i:i + 1], verbose=0)[0][0][..., maps]
            for d, i in picks}


def test_feature_rows_right_and_wrong():
    from helpers.checks import check_feature_rows
    inspector, (images, labels) = _inspector(), _maps_data()
    right = _rows(inspector, images, [(1, 2), (8, 0)])
    assert check_feature_rows(right, inspector, images, labels).ok
    cases = [
        (_rows(inspector, images, [(1, 1), (8, 0)]), "test image number 1, which is a 3"),
        (_rows(inspector, images, [(1, 3), (8, 0)]), "not block 1's first 8 maps for the first 1"),
        (_rows(inspector, images, [(1, 2), (8, 0)], slice(-8, None)), "block 1's last 8 maps"),
        (_rows(inspector, images, [(8, 0), (1, 2)]), "labelled 'a 8'; it should be the 1's"),
        ({"a 8": right["a 1"], "a 1": right["a 8"]}, "labelled 'a 8'"),  # labels swapped
        ({"first": right["a 1"], "second": right["a 8"]}, "such as 'a 1'"),
        ({"a 1": right["a 1"][None], "a 8": right["a 8"]}, "without the batch axis"),
        ({"a 1": right["a 1"]}, "a dict of 2 entries"),
        ([right["a 1"], right["a 8"]], "a dict of 2 entries"),
        ({"a 1": None, "a 8": right["a 8"]}, "rows['a 1'] is None"),
    ]
    for rows, words in cases:
        check = check_feature_rows(rows, inspector, images, labels)
        assert not check.ok and words in check.message, check.message
