"""Exercise checks for notebook 04: one gradient-descent step and one momentum step,
each checked at two points, with the gradient from tf.GradientTape."""

from __future__ import annotations

import numpy as np

from helpers.checks.core import Check, check_answer


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
