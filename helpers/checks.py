"""Check: answer a learner's arrays in plain words, right or wrong.

Each check returns a `Check`, which shows as one line starting with a tick or a cross.
"""

from __future__ import annotations

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


def check_scaled(x: np.ndarray, name: str = "x") -> Check:
    """Are the pixels float32 in [0, 1], scaled exactly once from 0-255?"""
    x = np.asarray(x)
    top = float(x.max()) if x.size else 0.0
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
    shape = np.shape(x)
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
    """Do the labels' encoding and the loss match (integers/sparse, one-hot/categorical)?"""
    y = np.asarray(y)
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
    """Is a digit classifier wired right: Flatten before Dense, ten softmax outputs?"""
    if not model.built or not model.layers:
        return Check(False, "The model is not built yet, so its shapes are unknown: start "
                            "it with keras.Input(shape=(28, 28, 1)).")
    seen_grid = False  # has a layer produced a (height, width, channels) grid yet?
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Dense" and len(layer.input.shape) == 4:
            return Check(False, f"Dense layer '{layer.name}' comes after a "
                                f"{'Conv2D/pooling' if seen_grid else '4-D'} output "
                                f"{tuple(layer.input.shape)} without Flatten: add "
                                "layers.Flatten() before the first Dense.")
        seen_grid = seen_grid or len(layer.output.shape) == 4
    shape = tuple(model.output_shape)
    if shape != (None, 10):
        return Check(False, f"The model's output shape is {shape}; a digit classifier "
                            "needs (None, 10), one score per digit.")
    activation = getattr(model.layers[-1], "activation", None)
    name = getattr(activation, "__name__", str(activation))
    if name != "softmax":
        return Check(False, f"The last layer uses {name}; ten exclusive classes need "
                            "softmax, so that the probabilities add up to 1.")
    return Check(True, f"Output shape {shape}, Flatten before Dense, softmax at the end.")


def check_param_count(layer_or_model, guess: int) -> Check:
    """Does `guess` equal the number of trainable and other weights Keras counts?"""
    actual = layer_or_model.count_params()
    if guess == actual:
        return Check(True, f"Right: {actual:,} parameters.")
    hint = " (did you forget the biases?)" if 0 < actual - guess <= 512 else ""
    return Check(False, f"Not quite: you said {guess:,}, Keras counts {actual:,}{hint}. "
                        "A Conv2D has kernel height x width x input channels x filters "
                        "weights, plus one bias per filter.")


def check_accuracy(model, x: np.ndarray, y: np.ndarray, at_least: float,
                   name: str = "these images") -> Check:
    """Does `model` classify at least the fraction `at_least` of (x, y) correctly?

    `y` may hold integer labels (N,) or one-hot rows (N, 10).
    """
    if not 0 < at_least <= 1:
        return Check(False, f"at_least={at_least!r}: give the target as a fraction, "
                            "for example 0.98 for 98%.")
    y = np.asarray(y)
    labels = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] == 10 else y.reshape(-1)
    if len(x) != len(labels) or len(labels) == 0:
        return Check(False, f"{len(x)} images but {len(labels)} labels: pass the labels "
                            "that belong to these images.")
    accuracy = float(np.mean(model.predict(x, batch_size=1000, verbose=0).argmax(axis=1)
                             == labels))
    where = f"{accuracy:.2%} on {len(labels):,} images of {name}"
    if accuracy >= at_least:
        return Check(True, f"{where}: at least the {at_least:.0%} asked for.")
    return Check(False, f"{where}: short of the {at_least:.0%} asked for. Train longer, "
                        "or check the scaling and the model with the other checks.")


def _describe(value) -> str:
    """A short picture of a value for a check's message: its shape and a few numbers."""
    if value is None:
        return "None"
    array = np.asarray(value)
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
        try:
            a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        except (TypeError, ValueError):
            return False
        return a.shape == b.shape and bool(np.allclose(a, b, atol=atol, equal_nan=False))

    if same(got, expected):
        return Check(True, f"{name} gives the expected result for {given}.")
    if got is None:
        cause = "it returned None: end your function with `return ...`."
    elif np.shape(got) != np.shape(expected):
        cause = (f"the shape is {np.shape(got)}, not {np.shape(expected)}.")
        cause += next((f" {c}" for c, wrong in (mistakes or {}).items() if same(got, wrong)), "")
    else:
        cause = next((c for c, wrong in (mistakes or {}).items() if same(got, wrong)),
                     "compare the numbers above with yours, one step at a time.")
    return Check(False, f"{name} does not give the expected result yet.\n"
                        f"   given:    {given}\n"
                        f"   expected: {_describe(expected)}\n"
                        f"   got:      {_describe(got)}\n"
                        f"   likely cause: {cause}")
