"""Small helpers for the Digits with CNNs course: load, look, check.

Import this before Keras. It imports TensorFlow once with its C++ start-up log lines
(oneDNN and CPU-feature notices) discarded: they are harmless, but would otherwise show
as red text under the first cell that imports TensorFlow.
"""

import os
import sys


def _import_tensorflow_quietly() -> None:
    """Import TensorFlow with file descriptor 2 (stderr) pointed at /dev/null."""
    if "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_import_tensorflow_quietly()

from helpers.data import load_mnist  # noqa: E402
from helpers.handwriting import prepare_digit  # noqa: E402

__all__ = ["load_mnist", "prepare_digit"]
