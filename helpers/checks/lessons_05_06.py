"""Exercise checks for notebooks 05 and 06: early stopping against Keras' own rule, a
confusion matrix counted by hand, unsure mistakes, and rows of feature maps."""

from __future__ import annotations

import numpy as np

from helpers.checks.core import Check, _kind, _numbers, check_answer


# Validation losses and patiences that tell the usual mistakes apart: a tie with the best
# loss (not an improvement), a run that never stops, a better loss after the stop, and
# patience that must start again after each improvement.
EARLY_STOPPING_CASES = (
    ([0.50, 0.40, 0.35, 0.36, 0.35, 0.37, 0.38, 0.30], 3),
    ([0.90, 0.70, 0.60, 0.55], 2),
    ([0.30, 0.32, 0.31, 0.29, 0.33, 0.34], 2),
    ([0.50, 0.60, 0.40, 0.45, 0.30, 0.35, 0.36], 2),
)


def keras_early_stopping(val_losses: list[float], patience: int) -> tuple[int, int]:
    """Feed `val_losses` to Keras' own EarlyStopping: (epoch it stops at, best epoch), from 1.

    An epoch is counted from 1, as the training log prints it; a run that never stops
    "stops" at its last epoch.
    """
    import keras  # here, so that the other checks need no TensorFlow

    if patience < 0 or not len(val_losses):
        raise ValueError("Give at least one validation loss and a patience of 0 or more.")
    callback = keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    for epoch, loss in enumerate(val_losses):
        callback.on_epoch_end(epoch, {"val_loss": float(loss)})
        if model.stop_training:
            break
    return epoch + 1, callback.best_epoch + 1


def check_early_stopping(early_stop) -> Check:
    """Does `early_stop(val_losses, patience)` stop where Keras' EarlyStopping stops?

    It must return (the epoch training stops at, the best epoch), both counted from 1.
    """
    def run(rule) -> np.ndarray | None:
        try:
            out = [tuple(rule(list(losses), patience)) for losses, patience in
                   EARLY_STOPPING_CASES]
        except TypeError:
            return None
        return np.array(out, dtype=float)

    def late(losses, patience):  # waits one epoch too many
        best, waited = 0, 0
        for i in range(1, len(losses)):
            if losses[i] < losses[best]:
                best, waited = i, 0
            else:
                waited += 1
                if waited > patience:
                    return i + 1, best + 1
        return len(losses), best + 1

    def ties(losses, patience):  # a loss equal to the best counts as better
        best, stop = 0, len(losses)
        for i, loss in enumerate(losses):
            if loss <= losses[best]:
                best = i
            elif i - best >= patience:
                stop = i + 1
                break
        return stop, best + 1

    def no_reset(losses, patience):  # counts every epoch without improvement, in a row or not
        best, waited = 0, 0
        for i in range(1, len(losses)):
            if losses[i] < losses[best]:
                best = i
            else:
                waited += 1
                if waited >= patience:
                    return i + 1, best + 1
        return len(losses), best + 1

    expected = np.array([keras_early_stopping(list(l), p) for l, p in EARLY_STOPPING_CASES],
                        dtype=float)
    mistakes = {
        "you count epochs from 0; the training log counts them from 1.": expected - 1,
        "you stop one epoch late: stop as soon as `patience` epochs in a row have not "
        "improved on the best.": run(late),
        "a loss equal to the best is not an improvement: EarlyStopping wants strictly "
        "lower.": run(ties),
        "an improvement must start the count again: patience counts the epochs *in a row* "
        "without one.": run(no_reset),
        "your best epoch includes epochs after training stopped: it never sees those.":
            np.array([(s, int(np.argmin(l)) + 1) for (s, _), (l, _) in
                      zip(expected.astype(int), EARLY_STOPPING_CASES)], dtype=float),
    }
    cases = "; ".join(f"{l} with patience {p}" for l, p in EARLY_STOPPING_CASES)
    try:
        got = run(early_stop)
    except Exception as err:  # the learner's code failed: say so in words
        return Check(False, f"early_stop raised {type(err).__name__}: {err}")
    if got is None:
        return Check(False, "early_stop must return two numbers, (stopped epoch, best "
                            "epoch), for example `return stop, best`.")
    return check_answer(got, expected, "these validation losses, each giving (stopped "
                        f"epoch, best epoch): {cases}",
                        mistakes=mistakes, name="early_stop")


def check_confusion_counts(counts: np.ndarray, y_true: np.ndarray,
                           y_pred: np.ndarray) -> Check:
    """Does `counts[t, p]` hold how often true digit t was predicted as p (scikit-learn's)?"""
    from sklearn.metrics import confusion_matrix

    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    expected = confusion_matrix(y_true, y_pred, labels=range(10))
    once = np.zeros((10, 10))
    once[y_true, y_pred] = 1  # what `counts[y_true, y_pred] += 1` does: each cell once
    mistakes = {
        "rows and columns are swapped: the row is the true digit, the column the "
        "prediction.": expected.T,
        "`counts[y_true, y_pred] += 1` adds only once per cell, however often a pair "
        "repeats: use a loop or np.add.at.": once,
        "your indices are off by one: digit d belongs in row and column d, from 0.":
            np.roll(expected, -1, axis=(0, 1)),
        "you have only the mistakes: keep the right answers on the diagonal.":
            expected - np.diag(np.diag(expected)),
    }
    verdict = check_answer(counts, expected, "these true labels and predictions",
                           mistakes=mistakes, name="your counting")
    if verdict.ok and np.asarray(counts).dtype.kind not in "iu":
        return Check(False, f"your counting gives the right numbers, but as "
                            f"{np.asarray(counts).dtype}: counts are whole numbers, so make "
                            "the array with dtype=int.")
    return verdict


def check_unsure_mistakes(count, probabilities: np.ndarray, wrong: np.ndarray,
                          below: float = 0.6) -> Check:
    """Is `count` the number of mistakes (indices `wrong`) made with confidence below `below`?"""
    confidence = np.asarray(probabilities, dtype=float).max(axis=1)
    expected = int(np.sum(confidence[wrong] < below))
    mistakes = {
        "you counted every prediction, not only the mistakes: index with `wrong` first.":
            int(np.sum(confidence < below)),
        f"you counted the mistakes made above {below:.0%}, not below.":
            len(wrong) - expected,
        "you gave a fraction; the task asks how many.": expected / max(len(wrong), 1),
    }
    return check_answer(count, expected, f"{len(wrong)} mistakes and their ten probabilities",
                        mistakes=mistakes, name="your count")


def check_feature_rows(rows, inspector, images: np.ndarray, labels: np.ndarray,
                       digits: tuple[int, ...] = (1, 8), maps: int = 8) -> Check:
    """Does `rows` hold, in order, block 1's first `maps` maps for the first image of each digit?

    `inspector` is notebook 06's feature-map model; its first output is block 1.
    """
    if not isinstance(rows, dict) or len(rows) != len(digits):
        return Check(False, f"rows is {_kind(rows)}; expected a dict of {len(digits)} entries, "
                            f"one per digit ({', '.join(map(str, digits))}), in that order.")
    labels = np.asarray(labels)

    def block1(index: int) -> np.ndarray:
        return np.asarray(inspector.predict(images[index:index + 1], verbose=0)[0][0], float)

    for (key, got), digit in zip(rows.items(), digits):
        if str(digit) not in str(key):
            return Check(False, f"rows' entry number {list(rows).index(key) + 1} is labelled "
                                f"{key!r}; it should be the {digit}'s, with a label that "
                                f"names it, such as 'a {digit}' (the picture shows the labels).")
        got = _numbers(got, f"rows[{key!r}]")
        if isinstance(got, Check):
            return got
        got = got.astype(float)
        first = int(np.argmax(labels == digit))
        every = block1(first)
        if got.shape != every[..., :maps].shape:
            return Check(False, f"rows[{key!r}] has shape {got.shape}; expected "
                                f"{every[..., :maps].shape}: block 1's first {maps} maps of "
                                "one image, without the batch axis.")
        if np.allclose(got, every[..., :maps], atol=1e-3, rtol=1e-3):
            continue
        if np.allclose(got, every[..., -maps:], atol=1e-3, rtol=1e-3):
            cause = f"these are block 1's last {maps} maps; the exercise asks for its first {maps}."
        elif first != digit < len(labels) and np.allclose(got, block1(digit)[..., :maps],
                                                          atol=1e-3, rtol=1e-3):
            cause = (f"these are the maps of test image number {digit}, which is a "
                     f"{labels[digit]}; find the position of the first {digit} in the labels.")
        else:
            cause = (f"they are not block 1's first {maps} maps for the first {digit} in the "
                     f"test set (its position: the first place where the labels equal {digit}).")
        return Check(False, f"rows[{key!r}] is not what the exercise asks for yet: {cause}")
    return Check(True, f"rows holds block 1's first {maps} maps for the first "
                       f"{' and the first '.join(map(str, digits))} of the test set, in order.")
