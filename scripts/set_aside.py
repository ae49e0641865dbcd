"""Move the course's saved outputs out of the way before `make notebooks` re-executes lessons.

    python scripts/set_aside.py LABEL [NN ...]

Notebook 05 saves models/course_cnn.keras and 07 writes data/kaggle/submission.csv. Each
takes the next free name (course_cnn_2.keras, ...) when the file is there already, so that
nothing is overwritten. 07 also writes Kaggle's CSV files from MNIST when there are none, and
says so. A committed run should show what a learner's first run shows. So `make notebooks` calls this before each edition runs: the files already there are
moved, never deleted, into models/set-aside/LABEL-TIME/ and data/kaggle/set-aside/LABEL-TIME/.
NN limits the moves to what those lessons write (05: models, 07: submissions); none: both.
"""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# What each lesson writes: its folder, and the names save_new and write_submission give.
OUTPUTS = {"05": ("models", r"course_cnn(_\d+)?\.keras"),
           "07": ("data/kaggle", r"submission(_\d+)?\.csv")}
# Kaggle's files as helpers.kaggle writes them from MNIST, beside the marker it leaves; real
# Kaggle downloads have no marker and stay where they are.
MADE_FROM_MNIST = ("data/kaggle", "GENERATED_FROM_MNIST.txt",
                   r"(train|test|answers)\.csv|GENERATED_FROM_MNIST\.txt")


def set_aside(label: str, only: list[str] | None = None, root: Path = ROOT) -> list[Path]:
    """Move the outputs of the lessons in `only` (all if empty) aside; return where they went."""
    stamp = f"{label}-{datetime.now():%Y%m%d-%H%M%S}"
    moved = []
    for lesson, (folder, pattern) in OUTPUTS.items():
        if only and lesson not in only:
            continue
        if lesson == "07" and (root / MADE_FROM_MNIST[0] / MADE_FROM_MNIST[1]).exists():
            pattern = f"{pattern}|{MADE_FROM_MNIST[2]}"
        for path in sorted((root / folder).glob("*")):
            if path.is_file() and re.fullmatch(pattern, path.name):
                target = root / folder / "set-aside" / stamp / path.name
                target.parent.mkdir(parents=True, exist_ok=True)
                moved.append(path.rename(target))
    return moved


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    only = [arg[:2] for arg in sys.argv[2:]]
    for path in set_aside(sys.argv[1], only):
        print(f"set aside: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
