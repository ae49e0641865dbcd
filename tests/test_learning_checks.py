"""helpers.checks for notebook 04: a gradient step and a momentum step, right and wrong."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from helpers.checks import check_gradient_step, check_momentum_step


def bowl(w):
    """A small loss with a known gradient: at (4, -4) it is (6, -12)."""
    return (w[0] - 1.0) ** 2 + 3.0 * (w[1] + 2.0) ** 2


def gradient(w):
    with tf.GradientTape() as tape:
        tape.watch(w)
        loss = bowl(w)
    return tape.gradient(loss, w)


def right_step(w, lr):
    return w - lr * gradient(w)


@pytest.mark.parametrize("wrong, cause", [
    (lambda w, lr: w + lr * gradient(w), "uphill"),
    (lambda w, lr: w - gradient(w), "learning rate is missing"),
    (lambda w, lr: -lr * gradient(w), "returns the step"),
    (lambda w, lr: gradient(w), "returns the gradient"),
    (lambda w, lr: tf.stack([w[0] - lr * gradient(w)[0], w[1]]), "only the first weight"),
    (lambda w, lr: tf.stack([w[0], w[1] - lr * gradient(w)[1]]), "only the second weight"),
    (lambda w, lr: w, "did not move"),
    (lambda w, lr: None, "returned None"),
])
def test_gradient_step_names_each_typical_mistake(wrong, cause):
    result = check_gradient_step(wrong, bowl)
    assert not result.ok
    assert "given:    w = [4.0, -4.0], lr = 0.5" in result.message
    assert cause in result.message


def test_gradient_step_right_answer_passes():
    result = check_gradient_step(right_step, bowl)
    assert result.ok, result.message
    assert np.allclose(right_step(tf.constant([4.0, -4.0]), 0.5), [1.0, 2.0])


def test_gradient_step_without_watch_explains_the_none_gradient():
    def unwatched(w, lr):
        with tf.GradientTape() as tape:
            loss = bowl(w)
        return w - lr * tape.gradient(loss, w)

    result = check_gradient_step(unwatched, bowl)
    assert not result.ok and "tape.watch(w)" in result.message


def right_momentum(w, velocity, lr, momentum):
    velocity = momentum * velocity - lr * gradient(w)
    return w + velocity, velocity


def test_momentum_reference_is_what_keras_sgd_does():
    """Two steps of keras.optimizers.SGD(momentum=0.9) equal two of right_momentum."""
    w = keras.Variable([4.0, -4.0])
    sgd = keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)
    mine, velocity = tf.constant([4.0, -4.0]), tf.zeros(2)
    for _ in range(2):
        sgd.apply([gradient(w.value)], [w])
        mine, velocity = right_momentum(mine, velocity, 0.05, 0.9)
    assert np.allclose(w.numpy(), mine.numpy(), atol=1e-6)


def test_momentum_step_right_answer_passes():
    result = check_momentum_step(right_momentum, bowl)
    assert result.ok, result.message


@pytest.mark.parametrize("wrong, cause", [
    (lambda w, v, lr, m: (w - lr * gradient(w), -lr * gradient(w)), "velocity is ignored"),
    (lambda w, v, lr, m: (w + m * v + lr * gradient(w), m * v + lr * gradient(w)), "uphill"),
    (lambda w, v, lr, m: (w + v - lr * gradient(w), v - lr * gradient(w)),
     "momentum factor is missing"),
    (lambda w, v, lr, m: (w + v, m * v - lr * gradient(w)), "old velocity"),
    (lambda w, v, lr, m: right_momentum(w, v, lr, m)[::-1], "swapped"),
])
def test_momentum_step_names_each_typical_mistake(wrong, cause):
    result = check_momentum_step(wrong, bowl)
    assert not result.ok
    assert "velocity = [-1.0, 1.0]" in result.message
    assert cause in result.message


def test_momentum_step_returning_one_array_is_explained():
    result = check_momentum_step(lambda w, v, lr, m: w, bowl)
    assert not result.ok


GRAD_AT_FIRST_POINT = gradient(tf.constant([4.0, -4.0]))


def test_gradient_step_that_ignores_its_argument_fails_at_the_second_point():
    """Right at (4, -4) only: it uses a gradient computed earlier, as a notebook global."""
    result = check_gradient_step(lambda w, lr: w - lr * GRAD_AT_FIRST_POINT, bowl)
    assert not result.ok
    assert "right at w = [4.0, -4.0] but wrong at w = [1.0, 2.5]" in result.message
    assert "given:    w = [1.0, 2.5], lr = 0.5" in result.message


def test_momentum_step_that_ignores_its_argument_fails_at_the_second_point():
    def stale(w, velocity, lr, momentum):
        velocity = momentum * velocity - lr * GRAD_AT_FIRST_POINT
        return tf.constant([4.0, -4.0]) + velocity, velocity

    result = check_momentum_step(stale, bowl)
    assert not result.ok and "its own arguments" in result.message


def test_a_crash_in_the_learners_code_is_reported():
    def broken(w, lr):
        raise RuntimeError("oops")

    result = check_gradient_step(broken, bowl)
    assert not result.ok and "broken raised RuntimeError: oops" in result.message
