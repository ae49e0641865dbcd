"""Kaggle's Digit Recognizer files: make them from MNIST, read them safely, write a submission.

train.csv has `label,pixel0,...,pixel783`; test.csv the same without `label`; each row is
one 28x28 image, row by row, pixels 0-255.
"""

from __future__ import annotations

import hashlib
import zipfile
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


def _sha256(path: Path) -> str:
    """The SHA-256 checksum of a file's bytes."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _read_marker(marker: Path) -> tuple[str, dict[str, str]]:
    """The marker's first line (what the files were made from) and its checksums by file name.

    The marker lists checksums as `sha256sum` does, `<checksum>  <file name>`, one a line.
    """
    lines = marker.read_text().splitlines() if marker.is_file() else []
    pairs = (line.split("  ", 1) for line in lines[1:] if "  " in line)
    sums = {name: checksum for checksum, name in pairs}
    return (lines[0] if lines else ""), sums


def _write_csv(frame: pd.DataFrame, path: Path) -> str:
    """Write `frame` to `path` as CSV, without the index; return the written bytes' checksum."""
    data = frame.to_csv(index=False).encode()
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def ensure_kaggle_files(folder: Path | None = None) -> dict[str, Path]:
    """Use Kaggle's train.csv and test.csv if they are in `folder`; else write them from MNIST.

    A file counts as the course's only if its bytes are those the course wrote (the marker
    keeps their checksums), so files the learner put there are never overwritten or taken
    for the course's. Returns the paths, with an answer key for test.csv ("answers") when
    the course made the files itself.
    """
    folder = Path(folder) if folder else kaggle_dir()
    paths = {name: folder / f"{name}.csv" for name in ("train", "test", "answers")}
    marker = folder / MARKER
    made_from, sums = _read_marker(marker)
    here = {name for name, path in paths.items() if path.exists()}
    ours = {name for name in here if sums.get(paths[name].name) == _sha256(paths[name])}
    theirs = here - ours
    if theirs & {"train", "test"}:
        if theirs >= {"train", "test"}:
            print(f"Using your Kaggle files in {_shown(folder)}.")
            return {k: v for k, v in paths.items() if k != "answers"}
        have, other = (("train", "test") if "train" in theirs else ("test", "train"))
        state = "the one the course made" if other in ours else "missing"
        raise FileNotFoundError(
            f"{_shown(folder)} has your {have}.csv, but {other}.csv is {state}. Put Kaggle's "
            f"{other}.csv beside it, or move your {have}.csv away to let the course make both "
            "files from MNIST.")
    if theirs:  # answers.csv that the course did not write
        raise FileExistsError(f"{_shown(folder)}/answers.csv is not the file the course wrote: "
                              "move it away, and the course will write its answer key there.")

    (x_train, y_train), (x_test, y_test) = load_mnist(verbose=False)
    x = np.concatenate([x_train, x_test]).reshape(-1, 784)
    y = np.concatenate([y_train, y_test])
    n_train = round(len(x) * 0.6)  # Kaggle: 42,000 of MNIST's 70,000 to train, 28,000 to test
    source = f"{SOURCE['detail']}: {n_train:,} training rows, {len(x) - n_train:,} test rows."
    note = f"Made by helpers.kaggle from {source}"
    if made_from == note and ours == set(paths):
        print(f"Using the files the course made earlier from {source}")
        return paths
    order = np.random.default_rng(0).permutation(len(x))
    train_rows, test_rows = order[:n_train], order[n_train:]
    folder.mkdir(parents=True, exist_ok=True)
    train = pd.DataFrame(x[train_rows], columns=PIXELS)
    train.insert(0, "label", y[train_rows])
    frames = {"train": train, "test": pd.DataFrame(x[test_rows], columns=PIXELS),
              "answers": pd.DataFrame({"ImageId": np.arange(1, len(test_rows) + 1),
                                       "Label": y[test_rows]})}
    written = [f"{_write_csv(frames[k], paths[k])}  {paths[k].name}" for k in frames]
    marker.write_text("\n".join([note, *written]) + "\n")
    if ours and made_from != note:
        why = "The data source changed since the course wrote its files, so it wrote them again"
    else:
        why = f"No Kaggle files in {_shown(folder)}, so the course wrote them"
    print(f"{why} in Kaggle's format. {note}")
    return paths


def _where(frame: pd.DataFrame, bad: pd.DataFrame) -> tuple[int, str]:
    """The first (row, column) where the boolean frame `bad` is True."""
    row = int(np.flatnonzero(bad.to_numpy().any(axis=1))[0])
    column = str(bad.columns[int(np.flatnonzero(bad.iloc[row].to_numpy())[0])])
    return row, column


def validate_kaggle_frame(frame: pd.DataFrame, labelled: bool, name: str) -> pd.DataFrame:
    """Check a frame read from train.csv (labelled) or test.csv; return it as integers."""
    where = lambda row: f"row {row} (line {row + 2} of the file)"  # noqa: E731
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"validate_kaggle_frame wants a pandas DataFrame, got "
                        f"{type(frame).__name__}.")
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


def _separator(path: Path) -> str:
    """The character between the header's columns: ',' in Kaggle's files.

    A spreadsheet set to a language that writes decimal commas saves CSV files with ';'
    instead; the header (label, pixel0 ... pixel783) shows which one a file uses.
    """
    with open(path, encoding="utf-8-sig", errors="replace") as f:
        header = f.readline()
    for sep in (",", ";", "\t", "|"):
        if header.count(sep) + 1 in (784, 785):
            return sep
    return ","


def read_kaggle_csv(path: str | Path, labelled: bool) -> pd.DataFrame:
    """Read train.csv (labelled=True) or test.csv with pandas, and check its format.

    A file saved by a spreadsheet with ';' (or tab) between columns is read just the same.
    """
    if not isinstance(path, (str, Path)):
        raise TypeError(f"read_kaggle_csv wants the path of a CSV file, got "
                        f"{type(path).__name__}.")
    if not isinstance(labelled, bool):
        raise TypeError("labelled must be True (train.csv, with labels) or False (test.csv).")
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"No file {path.name} at {path.resolve()} (a relative path starts from the "
            f"folder Python runs in, {Path.cwd()}). The course keeps Kaggle's files in "
            f"{kaggle_dir()}: use kaggle_dir() / '{path.name}', or the paths "
            "ensure_kaggle_files() returns.")
    if zipfile.is_zipfile(path):
        raise CsvFormatError(f"{path.name} is still zipped: Kaggle's download is a .zip. "
                             "Unzip it and use the .csv files inside.")
    # Advice for a file that is not a CSV at all: fetch it again, or let the course make both
    # (in the file's own folder, which needs naming unless it is the course's data/kaggle).
    other = "test.csv" if labelled else "train.csv"
    here = path.parent.resolve() == kaggle_dir().resolve()
    make = "ensure_kaggle_files()" if here else f"ensure_kaggle_files({str(path.parent)!r})"
    again = (f"Download it again from Kaggle, or move it and {other} out of "
             f"{_shown(path.parent)}, and {make} will make both from MNIST.")
    try:
        frame = pd.read_csv(path, sep=_separator(path))
    except pd.errors.EmptyDataError:
        raise CsvFormatError(f"{path.name} is empty. {again}") from None
    except pd.errors.ParserError as err:
        raise CsvFormatError(f"{path.name} is not a well-formed CSV file: "
                             f"{str(err).strip()}") from None
    except UnicodeDecodeError:
        raise CsvFormatError(f"{path.name} is not a text file; Kaggle's train.csv and "
                             f"test.csv are plain text. {again}") from None
    return validate_kaggle_frame(frame, labelled, path.name)


def write_submission(labels: np.ndarray, n_test: int, folder: Path | None = None) -> Path:
    """Check predicted labels, then write ImageId,Label to submission.csv (never overwriting)."""
    labels = np.asarray(labels)
    if labels.dtype.kind not in "uif":
        raise TypeError(f"Expected predicted labels as numbers (digits 0-9), got {labels.dtype}.")
    if isinstance(n_test, bool) or not isinstance(n_test, (int, np.integer)) or n_test < 1:
        raise TypeError(f"n_test is the number of rows in test.csv, a whole number; got "
                        f"{n_test!r}.")
    if labels.ndim != 1:
        raise ValueError(f"Expected one predicted label per image, shape ({n_test},), got "
                         f"{labels.shape}. Did you forget .argmax(axis=1)?")
    if len(labels) != n_test:
        raise ValueError(f"test.csv has {n_test:,} images but there are {len(labels):,} "
                         "predictions: Kaggle rejects a submission with a different count.")
    if labels.min() < 0 or labels.max() > 9 or np.any(labels != np.round(labels)):
        raise ValueError(f"Predicted labels must be digits 0-9; found {labels.min():g} to "
                         f"{labels.max():g}" + ("" if labels.dtype.kind in "ui" else
                                                ", not all whole numbers") + ".")
    submission = pd.DataFrame({"ImageId": np.arange(1, n_test + 1), "Label": labels.astype(int)})
    folder = Path(folder) if folder else kaggle_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path, n = folder / "submission.csv", 1
    while path.exists():
        n += 1
        path = folder / f"submission_{n}.csv"
    submission.to_csv(path, index=False)
    return path
