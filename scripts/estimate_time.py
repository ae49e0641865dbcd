"""Estimate each lesson's time the same way for every notebook, from the notebook itself.

    python scripts/estimate_time.py                          # the committed solutions notebooks
    python scripts/estimate_time.py build/executed/*.ipynb   # copies `make course` executed

minutes = prose words / 120   (reading speed of a newcomer to technical text)
        + 1 per code cell outside the exercises   (read it, run it, look at the output)
        + the measured run time   (nbclient's per-cell timestamps in the executed notebook)
        + 8 per exercise   (a cell tagged `solution`)
rounded to the nearest 5 minutes. It prints a table; the README and the notebook headers use it.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path
from typing import NamedTuple

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from editions import seconds as cell_seconds  # noqa: E402  (one reading of the timestamps)

ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_MINUTE = 120
MINUTES_PER_CODE_CELL = 1
MINUTES_PER_EXERCISE = 8


class Estimate(NamedTuple):
    words: int
    code_cells: int
    exercises: int
    run_seconds: float | None  # None when the notebook carries no timestamps
    minutes: int               # rounded to 5; the run time counts as 0 when unknown


def prose_words(markdown: str) -> int:
    """Words a reader reads: link and image targets, HTML tags and markup symbols don't count."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # [text](url) -> text
    text = re.sub(r"<[^>]+>", " ", text)
    return sum(1 for token in text.split() if re.search(r"\w", token))


def round_to_5(minutes: float) -> int:
    """To the nearest 5 minutes, halves up, and never below 5."""
    return max(5, 5 * math.floor(minutes / 5 + 0.5))


def estimate(nb: nbformat.NotebookNode) -> Estimate:
    """The estimate for one executed notebook."""
    words = sum(prose_words(c.source) for c in nb.cells if c.cell_type == "markdown"
                and "colab-badge" not in c.metadata.get("tags", []))
    code = [c for c in nb.cells if c.cell_type == "code"]
    exercises = sum("solution" in c.metadata.get("tags", []) for c in code)
    times = [cell_seconds(c) for c in code]
    run = sum(t for t in times if t is not None) if any(t is not None for t in times) else None
    minutes = (words / WORDS_PER_MINUTE + MINUTES_PER_CODE_CELL * (len(code) - exercises)
               + (run or 0) / 60 + MINUTES_PER_EXERCISE * exercises)
    return Estimate(words, len(code) - exercises, exercises, run, round_to_5(minutes))


def stated(e: Estimate) -> tuple[int, int]:
    """The two times a notebook's header and the README state: reading and running, and the
    exercises, each rounded to 5 minutes ("about 65 minutes ..., plus about 25 ...")."""
    lesson = e.words / WORDS_PER_MINUTE + MINUTES_PER_CODE_CELL * e.code_cells \
        + (e.run_seconds or 0) / 60
    return round_to_5(lesson), round_to_5(MINUTES_PER_EXERCISE * e.exercises)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="executed notebooks (default: notebooks/solutions/NN_*.ipynb)")
    paths = parser.parse_args().notebooks or sorted(
        (ROOT / "notebooks" / "solutions").glob("[0-9][0-9]_*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    print(f"{'notebook':<36} {'words':>6} {'code cells':>10} {'exercises':>9} "
          f"{'run s':>7} {'estimate':>9}   (reading and running + exercises)")
    total = 0
    for path in paths:
        e = estimate(nbformat.read(path, as_version=4))
        run = "?" if e.run_seconds is None else f"{e.run_seconds:.0f}"
        exercises = MINUTES_PER_EXERCISE * e.exercises
        lesson = stated(e)[0]
        print(f"{path.name:<36} {e.words:>6} {e.code_cells:>10} {e.exercises:>9} "
              f"{run:>7} {e.minutes:>5} min   ({lesson} + {exercises})")
        total += e.minutes
    print(f"{'total':<36} {'':>6} {'':>10} {'':>9} {'':>7} {total:>5} min")
    if any(estimate(nbformat.read(p, as_version=4)).run_seconds is None for p in paths):
        print("? = no execution timestamps: execute the notebook first (make notebooks).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
