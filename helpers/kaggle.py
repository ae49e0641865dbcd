"""Kaggle's Digit Recognizer files: make them from MNIST, read them safely, write a submission.

train.csv has `label,pixel0,...,pixel783`; test.csv the same without `label`; each row is
one 28x28 image, row by row, pixels 0-255.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from helpers.data import SOURCE, course_path, load_mnist

PIXELS = [f"pixel{i}" for i in range(784)]
MARKER = "GENERATED_FROM_MNIST.txt"  # beside files the course wrote, never beside Kaggle's


class CsvFormatError(ValueError):
    """A CSV file that is not in Kaggle's Digit Recognizer format."""


def kaggle_dir() -> Path:
    """data/kaggle/ at the course's root (git-ignored): where the CSV files live."""
    return course_path("data", "kaggle")


def _shown(folder: Path) -> str:
    """`folder` relative to the course's root when it lies inside it, for messages."""
    try:
        return str(folder.resolve().relative_to(course_path().resolve()))
    except ValueError:
        return str(folder)


def ensure_kaggle_files(folder: Path | None = None) -> dict[str, Path]:
    """Use Kaggle's train.csv and test.csv if they are in `folder`; else write them from MNIST.

    Files the learner put there are never overwritten. Returns the paths, with an answer
    key for test.csv ("answers") when the course made the files itself.
    """
    folder = Path(folder) if folder else kaggle_dir()
    paths = {name: folder / f"{name}.csv" for name in ("train", "test", "answers")}
    marker = folder / MARKER
    if not marker.exists() and (paths["train"].exists() or paths["test"].exists()):
        if not (paths["train"].exists() and paths["test"].exists()):
            have = "train.csv" if paths["train"].exists() else "test.csv"
            raise FileNotFoundError(f"{_shown(folder)} has {have} but not the other file. Download "
                                    "both from Kaggle, or move it away to let the course "
                                    "make both from MNIST.")
        print(f"Using your Kaggle files in {_shown(folder)}.")
        return {k: v for k, v in paths.items() if k != "answers"}

    (x_train, y_train), (x_test, y_test) = load_mnist(verbose=False)
    x = np.concatenate([x_train, x_test]).reshape(-1, 784)
    y = np.concatenate([y_train, y_test])
    n_train = round(len(x) * 0.6)  # Kaggle: 42,000 of MNIST's 70,000 to train, 28,000 to test
    note = (f"Made by helpers.kaggle from {SOURCE['detail']}: "
            f"{n_train:,} training rows, {len(x) - n_train:,} test rows.")
    if marker.exists() and marker.read_text() == note:
        print(f"Using the files the course made earlier: {note[len('Made by helpers.kaggle from '):]}")
        return paths
    order = np.random.default_rng(0).permutation(len(x))
    train_rows, test_rows = order[:n_train], order[n_train:]
    folder.mkdir(parents=True, exist_ok=True)
    train = pd.DataFrame(x[train_rows], columns=PIXELS)
    train.insert(0, "label", y[train_rows])
    train.to_csv(paths["train"], index=False)
    pd.DataFrame(x[test_rows], columns=PIXELS).to_csv(paths["test"], index=False)
    pd.DataFrame({"ImageId": np.arange(1, len(test_rows) + 1), "Label": y[test_rows]}).to_csv(
        paths["answers"], index=False)
    marker.write_text(note)
    print(f"No Kaggle files in {_shown(folder)}, so the course wrote them in Kaggle's format. "
          f"{note}")
    return paths


def _where(frame: pd.DataFrame, bad: pd.DataFrame) -> tuple[int, str]:
    """The first (row, column) where the boolean frame `bad` is True."""
    row = int(np.flatnonzero(bad.to_numpy().any(axis=1))[0])
    column = str(bad.columns[int(np.flatnonzero(bad.iloc[row].to_numpy())[0])])
    return row, column


def validate_kaggle_frame(frame: pd.DataFrame, labelled: bool, name: str) -> pd.DataFrame:
    """Check a frame read from train.csv (labelled) or test.csv; return it as integers."""
    where = lambda row: f"row {row} (line {row + 2} of the file)"  # noqa: E731
    if frame.empty:
        raise CsvFormatError(f"{name} has a header but no rows.")
    columns = list(frame.columns)
    if labelled and "label" not in columns:
        raise CsvFormatError(f"{name} has no 'label' column. Kaggle's train.csv starts with "
                             "label, then pixel0 ... pixel783.")
    if not labelled and "label" in columns:
        raise CsvFormatError(f"{name} has a 'label' column: it looks like train.csv, not "
                             "test.csv.")
    pixels = [c for c in columns if c != "label"]
    if pixels != PIXELS:
        extra = [c for c in pixels if c not in PIXELS]
        missing = [c for c in PIXELS if c not in pixels]
        detail = (f"first missing: {missing[0]}" if missing else
                  f"unexpected: {extra[0]}" if extra else "they are out of order")
        raise CsvFormatError(f"{name} has {len(pixels)} pixel columns; expected 784, "
                             f"pixel0 ... pixel783 ({detail}).")
    numeric = frame.apply(pd.to_numeric, errors="coerce")
    if frame.isna().to_numpy().any():
        row, column = _where(frame, frame.isna())
        raise CsvFormatError(f"{name}: {where(row)}, column {column} is empty.")
    if numeric.isna().to_numpy().any():
        row, column = _where(frame, numeric.isna())
        raise CsvFormatError(f"{name}: {where(row)}, column {column} holds "
                             f"{frame.iloc[row][column]!r}, which is not a number.")
    values = numeric[PIXELS]
    bad = (values < 0) | (values > 255) | (values != values.round())
    if bad.to_numpy().any():
        row, column = _where(values, bad)
        raise CsvFormatError(f"{name}: {where(row)}, column {column} is "
                             f"{values.iloc[row][column]:g}; pixels must be whole numbers "
                             "from 0 to 255.")
    if labelled:
        labels = numeric["label"]
        off = ~labels.isin(range(10))
        if off.any():
            row = int(np.flatnonzero(off.to_numpy())[0])
            raise CsvFormatError(f"{name}: {where(row)} has the label {labels.iloc[row]:g}; "
                                 "labels must be digits 0-9.")
    return numeric.astype(np.int64)


def read_kaggle_csv(path: str | Path, labelled: bool) -> pd.DataFrame:
    """Read train.csv (labelled=True) or test.csv with pandas, and check its format."""
    path = Path(path)
    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise CsvFormatError(f"{path.name} is empty. Download it again from Kaggle, or "
                             f"delete it to let the course make one.") from None
    except pd.errors.ParserError as err:
        raise CsvFormatError(f"{path.name} is not a well-formed CSV file: "
                             f"{str(err).strip()}") from None
    return validate_kaggle_frame(frame, labelled, path.name)


def write_submission(labels: np.ndarray, n_test: int, folder: Path | None = None) -> Path:
    """Check predicted labels, then write ImageId,Label to submission.csv (never overwriting)."""
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(f"Expected one predicted label per image, shape ({n_test},), got "
                         f"{labels.shape}. Did you forget .argmax(axis=1)?")
    if len(labels) != n_test:
        raise ValueError(f"test.csv has {n_test:,} images but there are {len(labels):,} "
                         "predictions: Kaggle rejects a submission with a different count.")
    if labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"Predicted labels must be digits 0-9; found {labels.min()} to "
                         f"{labels.max()}.")
    submission = pd.DataFrame({"ImageId": np.arange(1, n_test + 1), "Label": labels.astype(int)})
    folder = Path(folder) if folder else kaggle_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path, n = folder / "submission.csv", 1
    while path.exists():
        n += 1
        path = folder / f"submission_{n}.csv"
    submission.to_csv(path, index=False)
    return path
