"""The checks every lesson uses, and `Check`, the verdict they all return.

Scaling, shapes, labels against a loss, a model's layers and parameter count, its
accuracy, and `check_answer`, which compares any result with the course's own and
names the likely mistake.
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
    takes = _input_shape(model)
    if takes is not None and tuple(takes[1:]) != (28, 28, 1):
        return Check(False, f"The model takes images shaped {tuple(takes[1:])}, but MNIST's "
                            "are (28, 28, 1): start it with keras.Input(shape=(28, 28, 1)).")
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
