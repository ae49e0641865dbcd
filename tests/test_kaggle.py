"""helpers.kaggle: Kaggle-format files from MNIST, every malformed-CSV error, submissions."""

import functools
import re

import numpy as np
import pandas as pd
import pytest

import helpers.kaggle as kaggle
from helpers.kaggle import (PIXELS, CsvFormatError, ensure_kaggle_files, read_kaggle_csv,
                            write_submission)


def frame(n=3, labelled=True):
    pixels = pd.DataFrame(np.arange(n * 784).reshape(n, 784) % 256, columns=PIXELS)
    if labelled:
        pixels.insert(0, "label", np.arange(n) % 10)
    return pixels


def write(tmp_path, df, name="train.csv"):
    path = tmp_path / name
    df.to_csv(path, index=False)
    return path


@pytest.fixture
def tiny_mnist(monkeypatch):
    rng = np.random.default_rng(0)
    data = ((rng.integers(0, 256, (30, 28, 28), dtype=np.uint8), np.arange(30, dtype=np.uint8) % 10),
            (rng.integers(0, 256, (20, 28, 28), dtype=np.uint8), np.arange(20, dtype=np.uint8) % 10))
    monkeypatch.setattr(kaggle, "load_mnist", lambda verbose=False: data)
    monkeypatch.setitem(kaggle.SOURCE, "detail", "tiny test data")
    return data


def test_good_files_read_back(tmp_path):
    train = read_kaggle_csv(write(tmp_path, frame()), labelled=True)
    assert train.shape == (3, 785) and list(train.columns[:2]) == ["label", "pixel0"]
    test = read_kaggle_csv(write(tmp_path, frame(labelled=False), "test.csv"), labelled=False)
    assert test.shape == (3, 784)


def test_missing_label_column(tmp_path):
    with pytest.raises(CsvFormatError, match="train.csv has no 'label' column"):
        read_kaggle_csv(write(tmp_path, frame(labelled=False)), labelled=True)


def test_test_file_with_labels_is_named(tmp_path):
    with pytest.raises(CsvFormatError, match="looks like train.csv"):
        read_kaggle_csv(write(tmp_path, frame(), "test.csv"), labelled=False)


def test_wrong_number_of_pixel_columns(tmp_path):
    with pytest.raises(CsvFormatError, match=r"783 pixel columns; expected 784.*first missing: pixel783"):
        read_kaggle_csv(write(tmp_path, frame().drop(columns="pixel783")), labelled=True)


def test_non_numeric_value_names_row_and_column(tmp_path):
    df = frame().astype(object)
    df.loc[1, "pixel300"] = "abc"
    with pytest.raises(CsvFormatError, match=r"row 1 \(line 3 of the file\), column pixel300 holds 'abc'"):
        read_kaggle_csv(write(tmp_path, df), labelled=True)


def test_missing_value_names_row_and_column(tmp_path):
    df = frame().astype(float)
    df.loc[2, "pixel5"] = np.nan
    with pytest.raises(CsvFormatError, match=r"row 2 \(line 4 of the file\), column pixel5 is empty"):
        read_kaggle_csv(write(tmp_path, df), labelled=True)


@pytest.mark.parametrize("value, shown", [(256, "256"), (-1, "-1"), (12.5, "12.5")])
def test_pixel_out_of_range(tmp_path, value, shown):
    df = frame().astype(float)
    df.loc[0, "pixel10"] = value
    with pytest.raises(CsvFormatError, match=rf"row 0 .*column pixel10 is {shown}; pixels must be"):
        read_kaggle_csv(write(tmp_path, df), labelled=True)


def test_label_out_of_range(tmp_path):
    df = frame()
    df.loc[1, "label"] = 12
    with pytest.raises(CsvFormatError, match="row 1 .* has the label 12"):
        read_kaggle_csv(write(tmp_path, df), labelled=True)


def test_empty_file(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text("")
    with pytest.raises(CsvFormatError, match="train.csv is empty"):
        read_kaggle_csv(path, labelled=True)


def test_header_only(tmp_path):
    path = write(tmp_path, frame().iloc[:0])
    with pytest.raises(CsvFormatError, match="header but no rows"):
        read_kaggle_csv(path, labelled=True)


def test_ragged_rows(tmp_path):
    path = write(tmp_path, frame())
    path.write_text(path.read_text() + "1,2,3," + ",".join(["4"] * 800) + "\n")
    with pytest.raises(CsvFormatError, match="not a well-formed CSV"):
        read_kaggle_csv(path, labelled=True)


def test_files_are_made_from_mnist_in_kaggle_proportions(tmp_path, tiny_mnist, capsys):
    paths = ensure_kaggle_files(tmp_path)
    train = read_kaggle_csv(paths["train"], labelled=True)
    test = read_kaggle_csv(paths["test"], labelled=False)
    assert (len(train), len(test)) == (30, 20)  # 60% / 40%, as Kaggle's 42,000 / 28,000
    assert "course wrote them" in capsys.readouterr().out
    answers = pd.read_csv(paths["answers"])
    assert list(answers.columns) == ["ImageId", "Label"] and answers["ImageId"].iloc[0] == 1
    # every MNIST image appears exactly once across the two files
    (x_tr, _), (x_te, _) = tiny_mnist
    rows = np.concatenate([train[PIXELS].to_numpy(), test.to_numpy()])
    assert sorted(map(bytes, rows.astype(np.uint8))) == sorted(
        map(bytes, np.concatenate([x_tr, x_te]).reshape(-1, 784)))


def test_made_files_are_reused_not_rewritten(tmp_path, tiny_mnist, capsys):
    paths = ensure_kaggle_files(tmp_path)
    stamp = paths["train"].stat().st_mtime_ns
    ensure_kaggle_files(tmp_path)
    assert paths["train"].stat().st_mtime_ns == stamp
    assert "made earlier" in capsys.readouterr().out


def test_learners_kaggle_files_are_never_overwritten(tmp_path, tiny_mnist, capsys):
    write(tmp_path, frame(5))
    write(tmp_path, frame(4, labelled=False), "test.csv")
    before = (tmp_path / "train.csv").read_bytes()
    paths = ensure_kaggle_files(tmp_path)
    assert "Using your Kaggle files" in capsys.readouterr().out
    assert (tmp_path / "train.csv").read_bytes() == before and "answers" not in paths


def test_half_a_download_is_refused_not_overwritten(tmp_path, tiny_mnist):
    write(tmp_path, frame(5))
    with pytest.raises(FileNotFoundError, match="has your train.csv, but test.csv is missing"):
        ensure_kaggle_files(tmp_path)


def test_submission_is_checked_and_never_overwrites(tmp_path):
    first = write_submission(np.array([3, 1, 4]), n_test=3, folder=tmp_path)
    second = write_submission(np.array([2, 7, 1]), n_test=3, folder=tmp_path)
    assert first.name == "submission.csv" and second.name == "submission_2.csv"
    assert first.read_text() == "ImageId,Label\n1,3\n2,1\n3,4\n"


@pytest.mark.parametrize("labels, n, message", [
    (np.zeros((3, 10)), 3, "argmax"),
    (np.array([1, 2]), 3, "3 images but there are 2 predictions"),
    (np.array([1, 2, 10]), 3, "digits 0-9"),
])
def test_bad_submissions_are_refused(tmp_path, labels, n, message):
    with pytest.raises(ValueError, match=message):
        write_submission(labels, n_test=n, folder=tmp_path)
    assert not (tmp_path / "submission.csv").exists()


# --- whose files are these? Decided by their bytes, not by the marker's presence ---

def replace_with_learners_download(folder):
    """What a learner does after notebook 07: put Kaggle's own two files over the course's."""
    write(folder, frame(5))
    write(folder, frame(4, labelled=False), "test.csv")
    return (folder / "train.csv").read_bytes(), (folder / "test.csv").read_bytes()


def test_marker_keeps_checksums_of_what_the_course_wrote(tmp_path, tiny_mnist):
    import hashlib
    paths = ensure_kaggle_files(tmp_path)
    lines = (tmp_path / kaggle.MARKER).read_text().splitlines()
    assert lines[0].startswith("Made by helpers.kaggle from tiny test data")
    for name in ("train", "test", "answers"):  # the layout `sha256sum -c` reads
        digest = hashlib.sha256(paths[name].read_bytes()).hexdigest()
        assert f"{digest}  {name}.csv" in lines[1:]


def test_kaggles_files_put_over_the_courses_are_not_taken_for_its_own(tmp_path, tiny_mnist,
                                                                       capsys):
    ensure_kaggle_files(tmp_path)
    before = replace_with_learners_download(tmp_path)
    capsys.readouterr()
    paths = ensure_kaggle_files(tmp_path)  # same data source as before
    out = capsys.readouterr().out
    assert "Using your Kaggle files" in out and "made earlier" not in out
    assert "answers" not in paths  # the course's answer key does not score Kaggle's test.csv
    assert ((tmp_path / "train.csv").read_bytes(), (tmp_path / "test.csv").read_bytes()) == before


def test_learners_files_survive_a_change_of_data_source(tmp_path, tiny_mnist, monkeypatch,
                                                        capsys):
    ensure_kaggle_files(tmp_path)  # written in class, offline
    before = replace_with_learners_download(tmp_path)
    monkeypatch.setitem(kaggle.SOURCE, "detail", "the full MNIST at home")
    paths = ensure_kaggle_files(tmp_path)
    assert ((tmp_path / "train.csv").read_bytes(), (tmp_path / "test.csv").read_bytes()) == before
    assert "Using your Kaggle files" in capsys.readouterr().out and "answers" not in paths


def test_courses_own_files_are_rewritten_when_the_data_source_changes(tmp_path, tiny_mnist,
                                                                      monkeypatch, capsys):
    ensure_kaggle_files(tmp_path)
    monkeypatch.setitem(kaggle.SOURCE, "detail", "another source")
    paths = ensure_kaggle_files(tmp_path)
    assert "data source changed" in capsys.readouterr().out and "answers" in paths
    assert "another source" in (tmp_path / kaggle.MARKER).read_text()


def test_one_learners_file_beside_one_of_the_courses_is_refused(tmp_path, tiny_mnist):
    ensure_kaggle_files(tmp_path)
    write(tmp_path, frame(5))  # only train.csv replaced
    before = (tmp_path / "train.csv").read_bytes()
    with pytest.raises(FileNotFoundError, match="your train.csv, but test.csv is the one the "
                                                "course made"):
        ensure_kaggle_files(tmp_path)
    assert (tmp_path / "train.csv").read_bytes() == before


# --- files that are not what read_kaggle_csv expects ---

@pytest.mark.parametrize("sep", [";", "\t"])
def test_spreadsheet_separators_are_read(tmp_path, sep):
    path = tmp_path / "train.csv"
    frame().to_csv(path, index=False, sep=sep)  # as a spreadsheet in many locales saves it
    train = read_kaggle_csv(path, labelled=True)
    pd.testing.assert_frame_equal(train, frame().astype(np.int64))


def test_relative_path_from_notebooks_says_where_it_looked(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    with pytest.raises(FileNotFoundError) as err:
        read_kaggle_csv("data/kaggle/train.csv", labelled=True)
    message = str(err.value)
    assert str(tmp_path / "notebooks" / "data" / "kaggle" / "train.csv") in message
    assert str(kaggle.kaggle_dir()) in message and "kaggle_dir()" in message


def test_a_still_zipped_download_is_named(tmp_path):
    import zipfile
    path = tmp_path / "train.csv"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("train.csv", frame().to_csv(index=False))
    with pytest.raises(CsvFormatError, match="still zipped"):
        read_kaggle_csv(path, labelled=True)


def test_a_binary_file_that_is_not_a_zip_is_named(tmp_path):
    path = tmp_path / "train.csv"
    path.write_bytes(bytes(range(128, 256)) * 40)  # not UTF-8 text, and no zip header
    with pytest.raises(CsvFormatError, match="not a text file.*Download it again"):
        read_kaggle_csv(path, labelled=True)


@pytest.mark.parametrize("bad", [b"", bytes(range(128, 256)) * 40])
def test_the_advice_for_an_unreadable_train_csv_works(tmp_path, tiny_mnist, bad, monkeypatch):
    """Empty or binary: moving it and test.csv away, as the message says, lets the course
    make both files, with the learner's own test.csv kept where they moved it."""
    monkeypatch.setattr(kaggle, "kaggle_dir", lambda: tmp_path / "course")  # not data/kaggle
    (tmp_path / "train.csv").write_bytes(bad)
    frame().drop(columns="label").to_csv(tmp_path / "test.csv", index=False)
    with pytest.raises(CsvFormatError) as err:
        read_kaggle_csv(tmp_path / "train.csv", labelled=True)
    assert f"move it and test.csv out of {tmp_path}" in str(err.value)
    # The call the message names, run as written: it must make the files in this folder.
    advice = re.search(r"ensure_kaggle_files\([^)]*\)", str(err.value)).group(0)
    follow = functools.partial(eval, advice, {"ensure_kaggle_files": ensure_kaggle_files})
    kept = tmp_path / "mine"
    kept.mkdir()
    (tmp_path / "train.csv").rename(kept / "train.csv")
    with pytest.raises(FileNotFoundError, match="your test.csv"):  # half the advice: no guess
        follow()
    (tmp_path / "test.csv").rename(kept / "test.csv")
    paths = follow()
    assert paths["train"].parent == tmp_path
    assert len(read_kaggle_csv(paths["train"], labelled=True)) > 0
    assert len(read_kaggle_csv(kept / "test.csv", labelled=False)) == len(frame())


def test_the_advice_names_no_folder_for_the_courses_own(tmp_path, monkeypatch):
    monkeypatch.setattr(kaggle, "kaggle_dir", lambda: tmp_path)
    (tmp_path / "test.csv").write_bytes(b"")
    with pytest.raises(CsvFormatError, match=re.escape("and ensure_kaggle_files() will make")):
        read_kaggle_csv(tmp_path / "test.csv", labelled=False)


@pytest.mark.parametrize("labels, n, error, message", [
    (np.array(["1", "2"]), 2, TypeError, "as numbers"),
    (np.array([1.0, 2.5]), 2, ValueError, "not all whole numbers"),
    (np.array([1, 2]), "2", TypeError, "whole number"),
])
def test_submission_arguments_are_checked(tmp_path, labels, n, error, message):
    with pytest.raises(error, match=message):
        write_submission(labels, n_test=n, folder=tmp_path)
