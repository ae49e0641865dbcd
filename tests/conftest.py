"""Shared test set-up: a headless matplotlib backend and quiet TensorFlow."""

import os

import matplotlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
matplotlib.use("Agg")
