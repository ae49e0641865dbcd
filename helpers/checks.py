"""Check: answer a learner's arrays in plain words, right or wrong.

Each check returns a `Check`, which shows as one line starting with a tick or a cross.
A check never raises: given the wrong kind of argument (None, text, a list of layers, a
layer that is not built) it returns a ❌ that says what it expected instead.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np


@dataclass
class Check:
    """The verdict of one check: whether it passed, and why, in plain words."""

    ok: bool
    message: str

    def __repr__(self) -> str:
        return ("✅ " if self.ok else "❌ ") + self.message

    def __bool__(self) -> bool:
        return self.ok


def _kind(value) -> str:
    """What a value is, in a few words for a message: "None", "a list of 3 items", "a Dense"."""
    if value is None:
        return "None"
    if isinstance(value, str):
        return f"the text {value!r:.40}"
    if isinstance(value, (list, tuple, dict)):
        return f"a {type(value).__name__} of {len(value)} items"
    return f"a {type(value).__name__}"


def _numbers(value, name: str) -> np.ndarray | Check:
    """`value` as a numpy array of numbers, or a ❌ Check that says why it is not one."""
    array = None
    if value is not None and not isinstance(value, (str, bytes)):
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):  # e.g. a list of rows of different lengths
            pass
    # bfloat16, what a model's layers output under mixed precision on a CPU with bfloat16
    # instructions, holds numbers too, although numpy files it as kind "V".
    if array is None or (array.dtype.kind not in "biuf" and array.dtype.name != "bfloat16"):
        why = " (did a function forget to `return` it?)" if value is None else ""
        return Check(False, f"{name} is {_kind(value)}{why}; expected a numpy array of "
                            "numbers, all rows the same length.")
    return array


def check_scaled(x: np.ndarray, name: str = "x") -> Check:
    """Are the pixels float32 in [0, 1], scaled exactly once from 0-255?"""
    x = _numbers(x, name)
    if isinstance(x, Check):
        return x
    if x.size == 0:
        return Check(False, f"{name} is empty (shape {x.shape}): there are no pixels to check.")
    top = float(x.max())
    if x.dtype == np.uint8 or top > 1.0:
        return Check(False, f"{name} still holds raw pixels (max {top:g}): divide by 255 "
                            "once, as float32.")
    if float(x.min()) < 0:
        return Check(False, f"{name} has negative values (min {float(x.min()):g}): "
                            "scale raw pixels to [0, 1] by dividing by 255.")
    if 0 < top <= 1 / 255 + 1e-6:
        return Check(False, f"{name} looks scaled twice: its maximum is {top:.4f}. "
                            "Scale the raw uint8 images once.")
    if x.dtype != np.float32:
        return Check(False, f"{name} is {x.dtype}; use float32 (half the memory of "
                            "float64, and what Keras computes in).")
    return Check(True, f"{name} is float32 in [0, 1] (max {top:g}): scaled once.")


def check_shape(x: np.ndarray, expected: tuple[int | None, ...], name: str = "x") -> Check:
    """Does `x` have the expected shape? `None` in `expected` matches any length."""
    if not isinstance(expected, (tuple, list)) or not all(
            e is None or isinstance(e, numbers.Integral) for e in expected):
        return Check(False, f"expected={expected!r}: give the shape as a tuple, such as "
                            "(None, 28, 28, 1), with None for a length that may vary.")
    array = _numbers(x, name)
    if isinstance(array, Check):
        return array
    shape = array.shape
    fits = len(shape) == len(expected) and all(
        e is None or e == s for s, e in zip(shape, expected))
    want = "(" + ", ".join("N" if e is None else str(e) for e in expected) + ")"
    if fits:
        return Check(True, f"{name} has shape {shape}, as expected {want}.")
    hint = ""
    if len(shape) == len(expected) - 1 and expected[-1] == 1:
        hint = " Add the channel axis: x.reshape(-1, 28, 28, 1)."
    return Check(False, f"{name} has shape {shape}; expected {want}.{hint}")


def check_labels(y: np.ndarray, loss: str, name: str = "y") -> Check:
    """Do the labels' encoding and the loss match (integers/sparse, one-hot/categorical)?

    `loss` is the name Keras knows it by, or a Keras loss (object or function).
    """
    y = _numbers(y, name)
    if isinstance(y, Check):
        return y
    if not isinstance(loss, str):  # keras.losses.SparseCategoricalCrossentropy(), say
        loss = getattr(loss, "name", getattr(loss, "__name__", repr(loss)))
    one_hot = y.ndim == 2 and y.shape[1] == 10
    integers = y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1)
    if loss == "sparse_categorical_crossentropy":
        if integers:
            return Check(True, f"{name} holds integer labels: right for {loss}.")
        if one_hot:
            return Check(False, f"{name} is one-hot {y.shape}, but {loss} wants integer "
                                "labels. Use categorical_crossentropy, or y.argmax(axis=1).")
    elif loss == "categorical_crossentropy":
        if one_hot:
            return Check(True, f"{name} is one-hot {y.shape}: right for {loss}.")
        if integers:
            return Check(False, f"{name} holds integer labels, but {loss} wants one-hot. "
                                "Use keras.utils.to_categorical(y, 10), or "
                                "sparse_categorical_crossentropy.")
    else:
        return Check(False, f"Unknown loss {loss!r}: use sparse_categorical_crossentropy "
                            "or categorical_crossentropy.")
    return Check(False, f"{name} has shape {y.shape}: neither integer labels (N,) nor "
                        "one-hot (N, 10).")


def check_model(model) -> Check:
    """Is a CNN digit classifier wired right: a convolution and a pooling layer, Flatten
    before Dense, ten softmax outputs?"""
    if isinstance(model, (list, tuple)):
        return Check(False, f"model is {_kind(model)}: wrap the layers in "
                            "keras.Sequential([...]) to make them a model.")
    if not hasattr(model, "layers") or not callable(getattr(model, "predict", None)):
        fix = (" Put it in keras.Sequential([keras.Input(shape=(28, 28, 1)), ...])."
               if callable(getattr(model, "count_params", None)) else "")
        return Check(False, f"Expected a Keras model, got {_kind(model)}.{fix}")
    if not model.built or not model.layers:
        return Check(False, "The model is not built yet, so its shapes are unknown: start "
                            "it with keras.Input(shape=(28, 28, 1)).")
    seen_grid = False  # has a layer produced a (height, width, channels) grid yet?
    try:
        for layer in model.layers:
            kind = type(layer).__name__
            if kind == "Dense" and len(layer.input.shape) == 4:
                return Check(False, f"Dense layer '{layer.name}' comes after a "
                                    f"{'Conv2D/pooling' if seen_grid else '4-D'} output "
                                    f"{tuple(layer.input.shape)} without Flatten: add "
                                    "layers.Flatten() before the first Dense.")
            seen_grid = seen_grid or len(layer.output.shape) == 4
        shape = tuple(model.output_shape)
    except (AttributeError, ValueError):  # a subclassed model: its wiring is hidden in call()
        return Check(False, "check_model cannot see how this model's layers connect: build "
                            "it with keras.Sequential([...]) or keras.Model(inputs, outputs).")
    if shape != (None, 10):
        return Check(False, f"The model's output shape is {shape}; a digit classifier "
                            "needs (None, 10), one score per digit.")
    activation = getattr(model.layers[-1], "activation", None)
    name = getattr(activation, "__name__", str(activation))
    if name != "softmax":
        return Check(False, f"The last layer uses {name}; ten exclusive classes need "
                            "softmax, so that the probabilities add up to 1.")
    kinds = {type(layer).__name__ for layer in model.layers}
    if "Conv2D" not in kinds:
        return Check(False, "The model has no Conv2D layer, so it is not a CNN: nothing in it "
                            "slides a kernel over the image. Put layers.Conv2D(...) right "
                            "after keras.Input.")
    if not kinds & {"MaxPooling2D", "AveragePooling2D"}:
        return Check(False, "The model has no pooling layer: add layers.MaxPooling2D() after "
                            "a Conv2D, to halve its feature maps.")
    return Check(True, f"Output shape {shape}: convolution and pooling, Flatten before "
                        "Dense, softmax at the end.")


def check_param_count(layer_or_model, guess: int) -> Check:
    """Does `guess` equal the number of trainable and other weights Keras counts?"""
    if not callable(getattr(layer_or_model, "count_params", None)):
        return Check(False, f"Expected a Keras layer or model, got {_kind(layer_or_model)}.")
    if not layer_or_model.built:
        return Check(False, f"{type(layer_or_model).__name__} '{layer_or_model.name}' is not "
                            "built yet, so it has no weights to count: use it in a model that "
                            "starts with keras.Input(shape=(28, 28, 1)).")
    if isinstance(guess, bool) or not isinstance(guess, numbers.Real) \
            or not float(guess).is_integer():
        return Check(False, f"Give your guess as a whole number, such as 250; got {guess!r}.")
    guess = int(guess)
    actual = layer_or_model.count_params()
    if guess == actual:
        return Check(True, f"Right: {actual:,} parameters.")
    hint = " (did you forget the biases?)" if 0 < actual - guess <= 512 else ""
    return Check(False, f"Not quite: you said {guess:,}, Keras counts {actual:,}{hint}. "
                        "A Conv2D has kernel height x width x input channels x filters "
                        "weights, plus one bias per filter.")


def _input_shape(model) -> tuple | None:
    """The shape a Keras model takes, such as (None, 28, 28, 1); None if it cannot say."""
    try:
        shape = model.input_shape
    except (AttributeError, ValueError):  # not Keras, or a model not built yet
        return None
    return shape if isinstance(shape, tuple) else None


def check_accuracy(model, x: np.ndarray, y: np.ndarray, at_least: float,
                   name: str = "these images", hint: str | None = None) -> Check:
    """Does `model` classify at least the fraction `at_least` of (x, y) correctly?

    `y` may hold integer labels (N,) or one-hot rows (N, 10). `hint`, the advice given when
    the model falls short, lets an exercise speak about itself.
    """
    if not callable(getattr(model, "predict", None)):
        return Check(False, f"Expected a trained Keras model, got {_kind(model)}.")
    if isinstance(at_least, bool) or not isinstance(at_least, numbers.Real) \
            or not 0 < at_least <= 1:
        return Check(False, f"at_least={at_least!r}: give the target as a fraction, "
                            "for example 0.98 for 98%.")
    x, y = _numbers(x, "x, the images,"), _numbers(y, "y, the labels,")
    for given in (x, y):
        if isinstance(given, Check):
            return given
    labels = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] == 10 else y.reshape(-1)
    if x.ndim == 0 or len(x) != len(labels) or len(labels) == 0:
        return Check(False, f"{len(x) if x.ndim else 0} images but {len(labels)} labels: "
                            "pass the labels that belong to these images.")
    fix = " Add the channel axis: x.reshape(-1, 28, 28, 1)." if x.ndim == 3 else ""
    wants = _input_shape(model)
    if wants and (len(wants) != x.ndim or any(w not in (None, n) for w, n in
                                              zip(wants[1:], x.shape[1:]))):
        return Check(False, f"The model takes images shaped {wants}, but x has shape "
                            f"{x.shape}.{fix}")
    try:
        scores = np.asarray(model.predict(x, batch_size=1000, verbose=0))
    except Exception as err:  # Keras explains a wrong shape at length: its first line will do
        first = (str(err).strip().splitlines() or [""])[0][:200]
        return Check(False, f"The model cannot read images shaped {x.shape} "
                            f"({type(err).__name__}: {first}).{fix}")
    accuracy = float(np.mean(scores.argmax(axis=-1) == labels))
    where = f"{accuracy:.2%} on {len(labels):,} images of {name}"
    target = f"{at_least * 100:g}%"  # 0.985 -> 98.5%, 0.9 -> 90%
    if accuracy >= at_least:
        return Check(True, f"{where}: at least the {target} asked for.")
    advice = hint or "Train longer, or check the scaling and the model with the other checks."
    return Check(False, f"{where}: short of the {target} asked for. {advice}")


def _describe(value) -> str:
    """A short picture of a value for a check's message: its shape and a few numbers."""
    if value is None:
        return "None"
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):  # a list of rows of different lengths, say
        array = np.asarray(None)
    if array.dtype == object:
        return f"{type(value).__name__} {value!r:.80}"
    numbers = np.array2string(array, precision=3, suppress_small=True, threshold=12,
                              edgeitems=2, max_line_width=70)
    numbers = numbers.replace("\n", "\n             ")
    return f"shape {array.shape}, {array.dtype}: {numbers}" if array.ndim else numbers


def check_answer(got, expected, given: str, mistakes: dict[str, object] | None = None,
                 name: str = "your code", atol: float = 1e-4) -> Check:
    """Compare a learner's result with the course's own, like a patient teacher.

    `given` says in words what the code was given. On a miss the message shows what came
    out and what was expected, and names the likely cause: `mistakes` maps a cause, in
    plain words, to the result that mistake produces.
    """
    def same(a, b) -> bool:
        if isinstance(a, (str, bytes)):  # "3" is not the number 3
            return False
        try:
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        except (TypeError, ValueError):
            return False
        return a.shape == b.shape and bool(np.allclose(a, b, atol=atol, equal_nan=False))

    def shape(value) -> tuple | None:
        try:
            return np.shape(value)
        except ValueError:  # rows of different lengths have no shape
            return None

    if mistakes is not None and not isinstance(mistakes, dict):
        return Check(False, f"mistakes is {_kind(mistakes)}; it maps a likely cause, in "
                            "words, to the result that mistake gives.")
    if same(got, expected):
        return Check(True, f"{name} gives the expected result for {given}.")
    if got is None:
        cause = "it returned None: end your function with `return ...`."
    elif callable(got):
        cause = "it is a function, not its result: call it, and return what it gives."
    elif isinstance(got, str):
        cause = "it is text: return the numbers themselves, not a string."
    elif shape(got) is None:
        cause = "its rows have different lengths, so it is not one array."
    elif shape(got) != np.shape(expected):
        cause = (f"the shape is {shape(got)}, not {np.shape(expected)}.")
        cause += next((f" {c}" for c, wrong in (mistakes or {}).items() if same(got, wrong)), "")
    else:
        cause = next((c for c, wrong in (mistakes or {}).items() if same(got, wrong)),
                     "compare the numbers above with yours, one step at a time.")
    return Check(False, f"{name} does not give the expected result yet.\n"
                        f"   given:    {given}\n"
                        f"   expected: {_describe(expected)}\n"
                        f"   got:      {_describe(got)}\n"
                        f"   likely cause: {cause}")


# --- Notebook 05: the early-stopping decision ---------------------------------------

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


# --- Notebook 06: a confusion matrix counted by hand --------------------------------

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


# --- Exercise checks for notebooks 01-03: the learner writes the lesson's core code. ---

def _reference_average_digit(images: np.ndarray, labels: np.ndarray, digit: int) -> np.ndarray:
    """The course's own average image of one digit: the mean over its images, pixel by pixel."""
    return images[labels == digit].mean(axis=0)


def check_average_digit(fn, images: np.ndarray, labels: np.ndarray, digit: int = 3) -> Check:
    """Does `fn(images, labels, digit)` return the average 28x28 image of that digit?"""
    images, labels = np.asarray(images), np.asarray(labels)
    given = f"the images, their labels, and the digit {digit}"
    try:
        got = fn(images, labels, digit)
    except Exception as error:  # the learner's code may fail in any way
        return Check(False, f"your function raised {type(error).__name__}: {error}")
    mine = images[labels == digit]
    mistakes = {
        "you averaged every image, not only those labelled "
        f"{digit}: select them first with images[labels == {digit}].": images.mean(axis=0),
        "you averaged each image's own pixels (axis=(1, 2)); average over the images, "
        "axis=0, to keep a 28x28 picture.": mine.mean(axis=(1, 2)),
        "you returned one image (images[digit]?) instead of the mean of all of them.":
            images[digit] if digit < len(images) else None,
        "you returned the first image of that digit, not the mean.": mine[0] if len(mine) else None,
        "you summed the images instead of averaging them: divide by how many there are, "
        "or use .mean(axis=0).": mine.sum(axis=0),
    }
    mistakes = {cause: wrong for cause, wrong in mistakes.items() if wrong is not None}
    return check_answer(got, _reference_average_digit(images, labels, digit), given, mistakes,
                        name=f"{getattr(fn, '__name__', 'your function')}()", atol=1e-3)


def _reference_preparation(raw: np.ndarray) -> np.ndarray:
    """The course's own preparation: float32 in [0, 1], with a channel axis."""
    return (raw.astype("float32") / 255.0).reshape(-1, 28, 28, 1)


def check_preparation(fn) -> Check:
    """Does `fn(raw)` turn raw uint8 images (N, 28, 28) into float32 (N, 28, 28, 1) in [0, 1]?"""
    raw = (np.arange(3 * 28 * 28) * 7 % 256).astype(np.uint8).reshape(3, 28, 28)
    raw[0, 0, 0] = 255  # the most ink there is: it must become exactly 1.0
    given = "3 raw uint8 images, shape (3, 28, 28), values 0 to 255"
    name = f"{getattr(fn, '__name__', 'your function')}()"
    try:
        got = fn(raw.copy())
    except Exception as error:  # the learner's code may fail in any way
        return Check(False, f"{name} raised {type(error).__name__}: {error}")
    expected = _reference_preparation(raw)

    def summary(x) -> str:  # shape, dtype and range say more here than 2,352 numbers
        if x is None:
            return "None"
        x = np.asarray(x)
        if x.dtype == object or x.size == 0:
            return f"{type(x).__name__} of shape {x.shape}"
        return f"shape {x.shape}, {x.dtype}, values {float(x.min()):.4g} to {float(x.max()):.4g}"

    def same(a, b) -> bool:
        try:
            return np.shape(a) == np.shape(b) and bool(np.allclose(
                np.asarray(a, dtype=float), np.asarray(b, dtype=float), atol=5e-4))
        except (TypeError, ValueError):
            return False

    dtype = np.asarray(got).dtype if got is not None else None
    mistakes = {
        "the pixels are not scaled: divide the raw values by 255.": raw.reshape(-1, 28, 28, 1),
        "scaled twice: divide the raw uint8 pixels by 255 once.": expected / 255,
        "divided by 256: the most ink, 255, must become exactly 1.0; divide by 255.":
            raw.reshape(-1, 28, 28, 1) / 256,
        "no channel axis: end with .reshape(-1, 28, 28, 1).": expected.reshape(-1, 28, 28),
        "the channel axis is first, (N, 1, 28, 28); Keras wants it last: "
        "reshape(-1, 28, 28, 1).": expected.reshape(-1, 1, 28, 28),
        "float64, NumPy's default when you divide without .astype('float32') first: "
        "twice the memory, and Keras computes in float32.":
            expected if dtype == np.float64 else None,
        f"{dtype}: convert with .astype('float32') before dividing.":
            expected if dtype not in (np.float32, np.float64) else None,
    }
    if same(got, expected) and dtype == np.float32:
        # Dividing by the images' own largest pixel passes the batch above (its most ink is
        # 255) but turns faint digits into full-ink ones: try a faint batch too.
        faint = raw // 2
        try:
            got_faint = fn(faint.copy())
        except Exception as error:  # noqa: BLE001 - the learner's code may fail in any way
            return Check(False, f"{name} raised {type(error).__name__} on fainter images: {error}")
        if not same(got_faint, _reference_preparation(faint)):
            return Check(False, f"{name} does not keep faint images faint.\n"
                                f"   given:    the same 3 images at half the ink, values 0 to 127\n"
                                f"   expected: {summary(_reference_preparation(faint))}\n"
                                f"   got:      {summary(got_faint)}\n"
                                "   likely cause: divided by the images' own largest pixel; "
                                "divide by 255, the most ink any pixel can hold.")
        return Check(True, f"{name} turns raw uint8 (N, 28, 28) into float32 (N, 28, 28, 1) "
                           "in [0, 1], scaled once.")
    if got is None:
        cause = "it returned None: end your function with `return ...`."
    else:
        cause = next((c for c, wrong in mistakes.items() if wrong is not None
                      and same(got, wrong)), "compare the shape, dtype and range above.")
    return Check(False, f"{name} does not prepare the images as expected yet.\n"
                        f"   given:    {given}\n"
                        f"   expected: {summary(expected)}\n"
                        f"   got:      {summary(got)}\n"
                        f"   likely cause: {cause}")


def _reference_convolution(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """The course's own 'valid' convolution, as Keras' Conv2D computes it (kernel not flipped)."""
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def check_convolution(fn) -> Check:
    """Does `fn(image, kernel)` slide `kernel` over `image` as Conv2D does, with no padding?"""
    image = (np.arange(6 * 5) % 7).reshape(6, 5).astype("float32")  # 6 rows, 5 columns
    kernel = np.array([[1, 2, 0], [0, -1, 3], [-2, 0, 1]], "float32")  # no symmetry at all
    given = ("a 6x5 image (6 rows, 5 columns, values (0..29) % 7) and the 3x3 kernel "
             "[[1, 2, 0], [0, -1, 3], [-2, 0, 1]]")
    try:
        got = fn(image.copy(), kernel.copy())
    except Exception as error:  # the learner's code may fail in any way
        cause = ""
        if isinstance(error, (ValueError, IndexError)):
            cause = (" A patch near the edge may be smaller than the kernel: with no padding "
                     "there are (rows - kh + 1) x (columns - kw + 1) positions.")
        return Check(False, f"your function raised {type(error).__name__}: {error}.{cause}")
    expected = _reference_convolution(image, kernel)
    stops_early = expected.copy()
    stops_early[-1, :] = stops_early[:, -1] = 0
    padded = np.pad(image, 1)
    mistakes = {
        "you flipped the kernel (the textbook 'convolution'); Conv2D slides it as it is, "
        "unflipped.": _reference_convolution(image, kernel[::-1, ::-1]),
        "rows and columns are swapped: out[i, j] is row i, column j, and its patch is "
        "image[i:i + kh, j:j + kw].": expected.T,
        "you used the kernel's rows as columns (kernel.T).": _reference_convolution(image, kernel.T),
        "the output has the image's size, as with padding='same'; with no padding a 3x3 "
        "kernel fits (rows - 2) x (columns - 2) positions.": _reference_convolution(padded, kernel),
        "your loops stop one position early: use range(rows - kh + 1).": stops_early,
    }
    # A wrong size names its cause even when the numbers differ in other ways too.
    if np.shape(got) == image.shape and np.shape(got) != expected.shape:
        mistakes = {"the output has the image's size, as with padding='same'; with no "
                    "padding a 3x3 kernel fits (rows - 2) x (columns - 2) positions.": got}
    elif np.shape(got) == (image.shape[0] - 3, image.shape[1] - 3):
        mistakes = {"the output is one row and one column short: a kernel of height kh "
                    "fits rows - kh + 1 positions, not rows - kh.": got}
    name = f"{getattr(fn, '__name__', 'your function')}()"
    return check_answer(got, expected, given, mistakes, name=name)


def check_csv_to_images(rows_to_images) -> Check:
    """Does `rows_to_images(df)` turn Kaggle rows into float32 (N, 28, 28, 1) images and labels?"""
    import pandas as pd  # only this check needs pandas

    pixels = np.random.default_rng(7).integers(0, 256, size=(3, 784))
    frame = pd.DataFrame(pixels, columns=[f"pixel{i}" for i in range(784)])
    frame.insert(0, "label", [2, 7, 1])
    given = "a 3-row DataFrame: a `label` column, then pixel0 … pixel783 (0-255)"
    images = pixels.reshape(-1, 28, 28, 1).astype("float32") / 255
    try:
        got = rows_to_images(frame)
    except ValueError as err:
        if "reshape" in str(err) and "2355" in str(err):  # 3 rows x 785 columns
            return Check(False, "the reshape failed: each row has 785 numbers, not 784. The "
                                "label column is still in the pixels: take `.iloc[:, 1:]`.")
        raise
    if not (isinstance(got, tuple) and len(got) == 2):
        return Check(False, "return two things, `images, labels`; got "
                            f"{type(got).__name__}.")
    got_images, got_labels = got
    mistakes = {
        "you forgot to scale: divide the pixels by 255.": images * 255,
        "you dropped the last pixel column, not the label: the pixels are `.iloc[:, 1:]`.":
            frame.iloc[:, :-1].to_numpy().reshape(-1, 28, 28, 1) / 255,
        "each image is transposed (rows read as columns): reshape to (-1, 28, 28, 1) "
        "in NumPy's default order.": images.transpose(0, 2, 1, 3),
    }
    verdict = check_answer(got_images, images, given, mistakes, name="your images")
    if not verdict:
        return verdict
    if np.asarray(got_images).dtype != np.float32:
        return Check(False, f"your images are {np.asarray(got_images).dtype}; Keras computes "
                            "in float32: add `.astype(\"float32\")` before dividing.")
    labels = frame["label"].to_numpy()
    verdict = check_answer(got_labels, labels, given, {
        "these are one-hot: keep the integer labels, `df[\"label\"].to_numpy()`.":
            np.eye(10)[labels]}, name="your labels")
    if not verdict:
        return verdict
    if np.asarray(got_labels).dtype.kind not in "iu":
        return Check(False, f"your labels are {np.asarray(got_labels).dtype}; labels are whole "
                            "numbers: keep the column's integers, `df[\"label\"].to_numpy()`.")
    return Check(True, "rows_to_images gives float32 images (3, 28, 28, 1) in [0, 1] and "
                       "the integer labels [2 7 1].")


def _seven_on_paper(shape: tuple[int, int] = (150, 200)) -> np.ndarray:
    """A grey page (1 = white paper, 0 = black ink) with a thick, off-centre 7 on it."""
    from PIL import Image, ImageDraw

    page = Image.new("L", shape[::-1], 255)
    draw = ImageDraw.Draw(page)
    # The foot leans right, so the ink's centre sits lower right of its box's diagonal: an
    # answer that swaps the centre's row and column lands elsewhere.
    draw.line([(30, 25), (85, 25), (60, 110)], fill=0, width=9, joint="curve")
    draw.line([(28, 20), (86, 20)], fill=0, width=14)  # a heavy top bar: mass sits high
    return np.asarray(page, "float32") / 255


def _prepare_variant(grey: np.ndarray, invert: bool = True, by_mass: bool = True,
                     side: int = 20, keep_aspect: bool = True,
                     swap_centre: bool = False) -> np.ndarray:
    """MNIST's preparation, or one typical mistake in it (for check_mnist_preparation)."""
    from PIL import Image

    ink = 1 - grey if invert else grey
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0), np.flatnonzero(ink.max(axis=0) > 0)
    ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scale = side / max(ink.shape)
    h, w = (side, side) if not keep_aspect else (max(1, round(ink.shape[0] * scale)),
                                                 max(1, round(ink.shape[1] * scale)))
    small = np.clip(np.asarray(Image.fromarray(ink.astype("float32")).resize(
        (w, h), Image.Resampling.LANCZOS)), 0, 1)
    if by_mass:
        cy, cx = (np.indices(small.shape) * small).reshape(2, -1).sum(axis=1) / small.sum()
    else:
        cy, cx = (h - 1) / 2, (w - 1) / 2
    if swap_centre:
        cy, cx = cx, cy
    top, left = int(np.clip(round(14 - cy), 0, 28 - h)), int(np.clip(round(14 - cx), 0, 28 - w))
    box = np.zeros((28, 28), "float32")
    box[top:top + h, left:left + w] = small[:28, :28]
    return box / box.max()


def check_mnist_preparation(to_mnist, grey: np.ndarray | None = None,
                            at_least: float = 0.95) -> Check:
    """Is `to_mnist(grey)` laid out like MNIST? Compared with prepare_digit by correlation.

    Two right answers differ a little (how the edges are resampled, a half-pixel of
    rounding), so "right" means a correlation of at least `at_least` with the course's own.
    """
    from helpers.handwriting import prepare_digit

    grey = _seven_on_paper() if grey is None else np.asarray(grey, "float32")
    given = f"a grey page {grey.shape}, 1 = white paper, 0 = black ink, a 7 off-centre"
    expected = prepare_digit(grey)
    got = to_mnist(grey.copy())
    head = "to_mnist does not lay the digit out like MNIST yet.\n   given:    " + given
    if got is None:
        return Check(False, head + "\n   likely cause: it returned None: end with `return ...`.")
    got = np.asarray(got, dtype=float)
    if got.shape != (28, 28):
        return Check(False, head + f"\n   got:      shape {got.shape}\n   likely cause: the "
                                   "result must be one 28x28 image: place the scaled digit "
                                   "in np.zeros((28, 28)).")
    if got.min() < -1e-3 or got.max() > 1 + 1e-3:
        return Check(False, head + f"\n   got:      values from {got.min():.3g} to "
                                   f"{got.max():.3g}\n   likely cause: MNIST's values are "
                                   "amounts of ink in [0, 1], which the network expects: "
                                   "keep them there.")

    def similarity(a: np.ndarray) -> float:
        return float(np.corrcoef(got.ravel(), a.ravel())[0, 1]) if got.std() > 0 else 0.0

    score = similarity(expected)
    if score >= at_least:
        return Check(True, f"to_mnist lays the digit out like MNIST: correlation {score:.3f} "
                           f"with prepare_digit's result (at least {at_least} asked for).")
    mistakes = {
        "the ink is not inverted: in MNIST a pixel is the amount of ink, so use 1 - grey.":
            _prepare_variant(grey, invert=False),
        "it is centred by its bounding box; MNIST centres the centre of mass (the "
        "ink-weighted mean row and column) on pixel (14, 14).": _prepare_variant(grey, by_mass=False),
        "the longest side is scaled to 28 px; MNIST scales it to 20 and leaves a border.":
            _prepare_variant(grey, side=28),
        "the aspect ratio is lost (the digit is squeezed into 20x20): scale both sides by "
        "the same factor, 20 / the longest side.": _prepare_variant(grey, keep_aspect=False),
        "the centre of mass has its row and column swapped: the row comes first, as in "
        "np.indices and in array[row, column].": _prepare_variant(grey, swap_centre=True),
    }
    scores = {cause: similarity(wrong) for cause, wrong in mistakes.items()}
    cause, best = max(scores.items(), key=lambda item: item[1])
    if best <= score:
        cause = ("compare your picture with the expected one step by step: invert, crop to "
                 "the ink, scale the longest side to 20 px, centre the mass on (14, 14).")
    return Check(False, head + f"\n   expected: prepare_digit's 28x28 image; correlation at "
                               f"least {at_least}\n   got:      correlation {score:.3f}"
                               f"\n   likely cause: {cause}")


def _gradient_at(loss_fn, w: np.ndarray) -> np.ndarray:
    """The gradient of `loss_fn` at `w`, from tf.GradientTape (for the learning checks)."""
    import tensorflow as tf

    w = tf.constant(w, "float32")
    with tf.GradientTape() as tape:
        tape.watch(w)
        loss = loss_fn(w)
    return tape.gradient(loss, w).numpy()


def _call(fn, *args):
    """Call a learner's function; return (result, None) or (None, a Check saying why it failed)."""
    try:
        return fn(*args), None
    except TypeError as err:
        if "NoneType" in str(err):
            return None, Check(False, f"{fn.__name__} raised TypeError ({err}). The gradient "
                                      "is probably None: compute the loss inside `with "
                                      "tf.GradientTape() as tape:` and call tape.watch(w) "
                                      "first, since w is a plain tensor, not a Variable.")
        return None, Check(False, f"{fn.__name__} raised TypeError: {err}")
    except Exception as err:  # the learner's code, anything can happen
        return None, Check(False, f"{fn.__name__} raised {type(err).__name__}: {err}")


# A second point for the step checks: a function that ignores its argument and uses the
# notebook's own `w` or `grad` (both at (4, -4)) is right at the first point only.
SECOND_POINT = (1.0, 2.5)


def _also_elsewhere(first: Check, second: Check, name: str, w: tuple) -> Check:
    """The first point's verdict, unless the answer is right at `w` and wrong at SECOND_POINT."""
    if not first.ok or second.ok:
        return first
    return Check(False, f"{name} is right at w = {list(w)} but wrong at w = "
                        f"{list(SECOND_POINT)}: it must compute from its own arguments, not "
                        "from variables the notebook already holds (such as `w` and `grad` "
                        f"from *The gradient*).\n{second.message}")


def check_gradient_step(step_fn, loss_fn, w=(4.0, -4.0), lr: float = 0.5) -> Check:
    """Does `step_fn(w, lr)` return the weights after one step of gradient descent on `loss_fn`?

    Tried at `w` and again at SECOND_POINT.
    """
    first = _gradient_step_at(step_fn, loss_fn, w, lr)
    second = _gradient_step_at(step_fn, loss_fn, SECOND_POINT, lr)
    return _also_elsewhere(first, second, step_fn.__name__, w)


def _gradient_step_at(step_fn, loss_fn, w: tuple, lr: float) -> Check:
    """check_gradient_step at one point."""
    import tensorflow as tf

    w = np.asarray(w, "float32")
    g = _gradient_at(loss_fn, w)
    mistakes = {
        "the step goes uphill (gradient ascent): subtract lr * gradient, don't add it.":
            w + lr * g,
        "the learning rate is missing: multiply the gradient by lr.": w - g,
        "it returns the step, not the new weights: return w - lr * gradient.": -lr * g,
        "it returns the gradient, not the new weights.": g,
        "only the first weight moved: update both at once with w - lr * gradient.":
            w - lr * g * [1, 0],
        "only the second weight moved: update both at once with w - lr * gradient.":
            w - lr * g * [0, 1],
        "the weights did not move: return w - lr * gradient.": w,
    }
    got, failed = _call(step_fn, tf.constant(w), lr)
    if failed is not None:
        return failed
    return check_answer(None if got is None else np.asarray(got), w - lr * g,
                        f"w = {w.tolist()}, lr = {lr}", mistakes, name=step_fn.__name__)


def check_momentum_step(step_fn, loss_fn, w=(4.0, -4.0), velocity=(-1.0, 1.0),
                        lr: float = 0.5, momentum: float = 0.9) -> Check:
    """Does `step_fn(w, velocity, lr, momentum)` return (new w, new velocity) as Keras' SGD does?

    Keras' SGD with momentum: velocity = momentum * velocity - lr * gradient; w = w + velocity.
    Tried at `w` and again at SECOND_POINT.
    """
    first = _momentum_step_at(step_fn, loss_fn, w, velocity, lr, momentum)
    second = _momentum_step_at(step_fn, loss_fn, SECOND_POINT, velocity, lr, momentum)
    return _also_elsewhere(first, second, step_fn.__name__, w)


def _momentum_step_at(step_fn, loss_fn, w: tuple, velocity: tuple, lr: float,
                      momentum: float) -> Check:
    """check_momentum_step at one point."""
    import tensorflow as tf

    w, v = np.asarray(w, "float32"), np.asarray(velocity, "float32")
    g = _gradient_at(loss_fn, w)
    right_v = momentum * v - lr * g
    mistakes = {
        "the velocity is ignored: keep momentum * velocity in the new velocity.":
            [w - lr * g, -lr * g],
        "the step goes uphill: subtract lr * gradient from the velocity, don't add it.":
            [w + momentum * v + lr * g, momentum * v + lr * g],
        "the momentum factor is missing: multiply the old velocity by momentum.":
            [w + v - lr * g, v - lr * g],
        "the weights move by the old velocity: update the velocity first, then add it to w.":
            [w + v, right_v],
        "the two results are swapped: return (new w, new velocity).": [right_v, w + right_v],
    }
    got, failed = _call(step_fn, tf.constant(w), tf.constant(v), lr, momentum)
    if failed is not None:
        return failed
    try:
        got = None if got is None else np.stack([np.asarray(part) for part in got])
    except (TypeError, ValueError):
        return Check(False, f"{step_fn.__name__} should return two arrays, (new w, new "
                            f"velocity); it returned {type(got).__name__} {got!r:.80}.")
    return check_answer(got, [w + right_v, right_v],
                        f"w = {w.tolist()}, velocity = {v.tolist()}, lr = {lr}, "
                        f"momentum = {momentum}; rows: new w, new velocity",
                        mistakes, name=step_fn.__name__)


def check_submission_table(make_table) -> Check:
    """Does `make_table(predicted)` give Kaggle's table: columns ImageId (from 1) and Label?"""
    import pandas as pd  # only this check needs pandas

    predicted = np.array([3, 1, 4, 1, 5])
    given = "predicted digits [3 1 4 1 5] for 5 test images"
    got = make_table(predicted.copy())
    if not isinstance(got, pd.DataFrame):
        return Check(False, f"return a pandas DataFrame; got {type(got).__name__}.")
    if list(got.columns) != ["ImageId", "Label"]:
        return Check(False, f"the columns are {list(got.columns)}; Kaggle wants exactly "
                            "['ImageId', 'Label'], in that order.")
    not_whole = [c for c in got.columns if got[c].dtype.kind not in "iu"]
    if not_whole:
        return Check(False, f"column {not_whole[0]} holds {got[not_whole[0]].dtype}, not whole "
                            "numbers: Kaggle reads '3.0' or text as a wrong answer. Build it "
                            "from integers (np.arange, and the predicted digits as they are).")
    expected = np.stack([np.arange(1, 6), predicted], axis=1)
    mistakes = {"ImageId counts from 0; Kaggle counts from 1: np.arange(1, n + 1).":
                np.stack([np.arange(5), predicted], axis=1)}
    return check_answer(got.to_numpy(), expected, given, mistakes, name="your table")


def check_diagonal_kernel(kernel) -> Check:
    """Does a 3x3 `kernel` find the edges of "/" strokes, but not "\\" strokes or solid ink?"""
    array = _numbers(kernel, "diagonal")
    if isinstance(array, Check):
        return array
    if array.shape != (3, 3):
        return Check(False, f"diagonal has shape {array.shape}; make it 3x3, like "
                            "vertical_edge: three rows of three numbers.")
    if not np.isfinite(array).all():
        return Check(False, "diagonal holds nan or inf; use ordinary numbers.")
    rows, cols = np.indices((12, 12))
    slash = (np.abs(rows + cols - 11) <= 1).astype("float32")  # top right to bottom left
    backslash = (np.abs(rows - cols) <= 1).astype("float32")   # top left to bottom right
    on_slash = float(np.abs(_reference_convolution(slash, array)).max())
    on_backslash = float(np.abs(_reference_convolution(backslash, array)).max())
    seen = (f"diagonal's strongest response (red or blue) is {on_slash:.1f} on a \"/\" "
            f"stroke and {on_backslash:.1f} on a \"\\\" stroke (12x12 images, strokes 3 "
            "pixels wide).")
    inside_ink = float(array.sum())  # its response where ink covers all nine pixels
    if on_slash >= 2 * on_backslash and abs(inside_ink) >= on_slash / 2 > 0:
        return Check(False, f"{seen} But inside solid ink, where nothing changes, it gives "
                            f"{inside_ink:.1f}: it finds ink, not the edges of strokes. Make "
                            "its weights add up to 0, as vertical_edge's do.")
    if on_slash >= 2 * on_backslash and on_slash > 0:
        return Check(True, f"{seen} It finds strokes that run like \"/\", as the slash "
                           "of a 7, hardly sees the other diagonal, and gives "
                           f"{inside_ink:.1f} inside solid ink.")
    if on_slash == on_backslash == 0:
        return Check(False, f"{seen} It responds to nothing: are its weights all 0, or "
                            "do they cancel? Put positive weights on one side of the \"/\" "
                            "diagonal and negative ones on the other.")
    if on_backslash >= 2 * on_slash:
        return Check(False, f"{seen} It finds the other diagonal, \"\\\": mirror it left "
                            "to right (diagonal[:, ::-1]).")
    return Check(False, f"{seen} It responds to both about as strongly, so it cannot tell "
                        "them apart. Put zeros along the \"/\" diagonal (top right to bottom "
                        "left), positive weights on one side of it and negative on the other.")


def check_first_index(index, labels, digit: int, name: str = "first_seven") -> Check:
    """Is `index` the position of the first `digit` in `labels`?"""
    labels = np.asarray(labels)
    try:
        whole = (not isinstance(index, (str, bytes, bool, np.bool_)) and np.ndim(index) == 0
                 and float(index).is_integer())
    except (TypeError, ValueError):
        whole = False
    if not whole:
        kind = (f"an array of shape {index.shape}" if isinstance(index, np.ndarray)
                else _kind(index))
        return Check(False, f"{name} is {kind}; expected one whole number, a position "
                            f"in the labels. (np.argmax gives one; np.nonzero gives arrays.)")
    index = int(index)
    if not 0 <= index < len(labels):
        return Check(False, f"{name} is {index}, but the labels run from 0 to "
                            f"{len(labels) - 1}.")
    if labels[index] != digit:
        return Check(False, f"{name} is {index}, and the label there is {labels[index]}, not "
                            f"{digit}. Look for the label {digit}: labels == {digit} is True "
                            "exactly there.")
    first = int(np.argmax(labels == digit))
    if first < index:
        return Check(False, f"{name} is {index}: a {digit}, but not the first; there is one "
                            f"at index {first}.")
    return Check(True, f"{name} is the index of the first {digit} in the labels: the label "
                       f"there is {digit}, and no {digit} comes before it.")


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


def check_label_verdict(verdict, labels: np.ndarray, loss: str) -> Check:
    """Is `verdict` what check_labels answers for these labels with this loss?"""
    if not isinstance(verdict, Check):
        return Check(False, f"verdict is {_kind(verdict)}; keep what check_labels returns: "
                            "verdict = check_labels(...).")
    expected = check_labels(labels, loss, name="y")  # its message starts with the name, "y"
    if verdict.ok == expected.ok and verdict.message.endswith(expected.message[1:]):
        return Check(True, f"verdict is check_labels' answer for these labels with {loss}. "
                           "Read it: what goes wrong, and what are the two fixes?")
    if verdict.ok and not expected.ok:
        return Check(False, f"verdict finds nothing wrong, but these labels do not suit {loss}: "
                            "check_labels was asked about other labels or another loss. Pass "
                            "it the labels and the loss the exercise names, unchanged.")
    return Check(False, f"verdict is check_labels' answer about other labels or another loss "
                        f"than these labels with {loss}: pass it those, unchanged.")


def check_round_trip(round_trip, raw: np.ndarray, size: int = 112,
                     at_least: float = 0.99) -> Check:
    """Did each raw digit go up to `size`x`size`, dark on light, and back through prepare_digit?

    Two right answers differ a little (how the picture was resized), so "right" means a
    median correlation of at least `at_least` with the course's own round trip.
    """
    from PIL import Image

    from helpers.handwriting import prepare_digit

    raw = np.asarray(raw)
    got = _numbers(round_trip, "round_trip")
    if isinstance(got, Check):
        return got
    if got.shape == (len(raw), 28, 28, 1):
        return Check(False, f"round_trip has shape {got.shape}: leave out the channel axis; "
                            f"the cell adds it. Expected ({len(raw)}, 28, 28).")
    if got.shape != (len(raw), 28, 28):
        return Check(False, f"round_trip has shape {got.shape}; expected ({len(raw)}, 28, 28): "
                            "one prepared 28x28 digit per test digit (np.stack makes the list "
                            "one array).")
    if got.min() < -1e-3 or got.max() > 1 + 1e-3:
        return Check(False, f"round_trip's values run from {got.min():.3g} to {got.max():.3g}; "
                            "prepare_digit gives amounts of ink in [0, 1]: pass each picture "
                            "to it.")
    if np.allclose(got, raw / 255, atol=1e-3):
        return Check(False, "round_trip is the test digits as they were, scaled to [0, 1]: "
                            "they never made the trip. Blow each one up, make it dark on light, "
                            "and pass that picture to prepare_digit.")
    expected = np.stack([prepare_digit(255 - np.asarray(Image.fromarray(digit).resize(
        (size, size), Image.Resampling.BICUBIC))) for digit in raw])
    unscaled = np.stack([prepare_digit(digit) for digit in raw])  # the trip without blow-up

    def median_correlation(reference: np.ndarray) -> float:
        return float(np.median([np.corrcoef(a.ravel(), b.ravel())[0, 1] if a.std() > 0 else 0
                                for a, b in zip(got.astype(float), reference)]))
    score = median_correlation(expected)
    if score >= at_least:
        return Check(True, f"round_trip holds {len(raw)} digits that made the round trip: a "
                           f"median correlation of {score:.3f} with the course's own (at least "
                           f"{at_least} asked for).")
    if median_correlation(unscaled) > score:
        return Check(False, f"round_trip looks like the test digits prepared without being "
                            f"blown up (a median correlation of {score:.3f} with the course's "
                            f"round trip; at least {at_least} asked for). Resize each to "
                            f"{size}x{size} with Image.fromarray(d).resize(({size}, {size})), "
                            "whose default resampling blends neighbouring pixels as a scan "
                            "would; NEAREST only copies them.")
    return Check(False, f"round_trip differs from the course's round trip: a median "
                        f"correlation of {score:.3f}, where at least {at_least} is asked for. "
                        f"Blow each digit up to {size}x{size}, make it dark on light "
                        "(255 - ...), and prepare it with prepare_digit.")


def check_trained_with(model, optimizer: str, steps: int, name: str = "adam_model") -> Check:
    """Was `model` compiled with the optimizer named `optimizer` and trained for `steps` steps?"""
    if not callable(getattr(model, "fit", None)):
        return Check(False, f"{name} is {_kind(model)}; expected a Keras model, compiled and "
                            "trained.")
    used = getattr(model, "optimizer", None)
    used = getattr(used, "inner_optimizer", used)  # under mixed_float16, Keras wraps it
    if used is None:
        return Check(False, f"{name} is not compiled yet: call {name}.compile(optimizer=..., "
                            "loss=..., metrics=[...]) before fit.")
    if type(used).__name__ != optimizer:
        return Check(False, f"{name} was compiled with {type(used).__name__}, not "
                            f"{optimizer}: build a fresh model and compile it with "
                            f"optimizer={optimizer.lower()!r}.")
    taken = int(used.iterations)
    if taken != steps:
        return Check(False, f"{name} took {taken} training steps; the control took {steps}. "
                            "Train it on the same budget, and from a fresh model, so that only "
                            "the optimizer differs.")
    return Check(True, f"{name} was trained with {optimizer} for {steps} steps, the "
                       "control's budget.")
