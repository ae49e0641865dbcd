"""scripts/set_aside.py: make notebooks moves earlier models and submissions aside, never deletes."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("set_aside", ROOT / "scripts" / "set_aside.py")
set_aside = importlib.util.module_from_spec(spec)
spec.loader.exec_module(set_aside)


def _files(root: Path, *names: str) -> None:
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)


def test_the_course_outputs_move_aside_with_their_contents_and_others_stay(tmp_path):
    _files(tmp_path, "models/course_cnn.keras", "models/course_cnn_2.keras",
           "models/course_cnn_small.keras", "data/kaggle/submission.csv",
           "data/kaggle/submission_3.csv", "data/kaggle/train.csv")
    moved = set_aside.set_aside("before", root=tmp_path)
    assert sorted(p.name for p in moved) == ["course_cnn.keras", "course_cnn_2.keras",
                                             "submission.csv", "submission_3.csv"]
    assert all(p.read_text().endswith(p.name) for p in moved)  # moved, not emptied
    assert all("set-aside" in p.parts and p.parent.name.startswith("before-") for p in moved)
    left = sorted(p.name for p in tmp_path.rglob("*") if p.is_file() and "set-aside" not in p.parts)
    assert left == ["course_cnn_small.keras", "train.csv"]  # not the course's to move


def test_only_the_lessons_named_have_their_outputs_moved(tmp_path):
    _files(tmp_path, "models/course_cnn.keras", "data/kaggle/submission.csv")
    moved = set_aside.set_aside("solutions", ["06", "07"], root=tmp_path)
    assert [p.name for p in moved] == ["submission.csv"]
    assert (tmp_path / "models" / "course_cnn.keras").exists()  # 06 still needs 05's model
    assert set_aside.set_aside("again", ["07"], root=tmp_path) == []  # nothing left to move


def test_kaggle_files_move_only_when_the_course_made_them(tmp_path):
    _files(tmp_path, "data/kaggle/train.csv", "data/kaggle/test.csv")
    assert set_aside.set_aside("real", ["07"], root=tmp_path) == []  # a real Kaggle download
    _files(tmp_path, "data/kaggle/GENERATED_FROM_MNIST.txt", "data/kaggle/answers.csv")
    moved = set_aside.set_aside("made", ["07"], root=tmp_path)
    assert sorted(p.name for p in moved) == ["GENERATED_FROM_MNIST.txt", "answers.csv",
                                             "test.csv", "train.csv"]
