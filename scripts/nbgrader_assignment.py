"""Build an nbgrader course folder from the lessons: one source assignment per notebook.

    python scripts/nbgrader_assignment.py          # make nbgrader: every notebook
    python scripts/nbgrader_assignment.py 01 04    # only these

Writes build/nbgrader/ (git-ignored), a course folder nbgrader (https://nbgrader.readthedocs.io)
works in: nbgrader_config.py, and source/<NN_name>/<NN_name>.ipynb made from
notebooks/solutions/<NN_name>.ipynb. In each, every exercise (a cell tagged `solution`) is split
where its `### END SOLUTION` marker ends:
  - the hint and the solution become an autograded-answer cell, which
    `nbgrader generate_assignment` turns into the students' `raise NotImplementedError()`;
  - the check code after it becomes an autograded test cell worth POINTS points, read-only.
    Each of its calls to a `check_...` function from helpers.checks is wrapped in `graded(...)`,
    defined in a read-only cell after the set-up cell: a check that answers ❌ fails the cell,
    so only a right answer scores (the checks themselves never raise).
Every other cell is read-only: nbgrader restores it from the source when it autogrades.

Then, in build/nbgrader/: `nbgrader generate_assignment 01_load_the_data` (the students'
version, in release/), collect the students' copies into submitted/<student>/01_load_the_data/,
and `nbgrader autograde 01_load_the_data`. tests/test_nbgrader.py does that for 01 and 04.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "notebooks" / "solutions"
OUT = ROOT / "build" / "nbgrader"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
POINTS = 1
GRADED = '''\
# Grading: each exercise's check below is a test cell worth points. A check that answers ❌
# fails its cell, so only a right answer scores.
def graded(check):
    """Pass a check's verdict on, or stop the cell with its reason if the answer is not right."""
    if not check:
        raise AssertionError(repr(check))
    return check'''
CONFIG = '''\
# nbgrader's configuration for the Digits with CNNs course (scripts/nbgrader_assignment.py).
# Run nbgrader in this folder, the course's root for nbgrader.
c = get_config()  # noqa: F821
# Notebook 05 trains for minutes in one cell: give every cell up to half an hour.
c.Execute.timeout = 1800
'''


def metadata(grade_id: str, *, solution: bool = False, grade: bool = False,
             points: int = 0) -> dict:
    """nbgrader's cell metadata (schema 3): answer cells are unlocked, all others locked."""
    meta = {"grade": grade, "grade_id": grade_id, "locked": not solution,
            "schema_version": 3, "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def wrap_checks(source: str) -> str:
    """The check code with each call to a check_... function that is a statement of its own
    (or the one argument of a print that is), at any depth, wrapped in graded()."""
    calls = []
    for statement in ast.walk(ast.parse(source)):
        if not isinstance(statement, ast.Expr) or not isinstance(statement.value, ast.Call):
            continue
        call = statement.value
        if (isinstance(call.func, ast.Name) and call.func.id == "print" and len(call.args) == 1
                and isinstance(call.args[0], ast.Call)):
            call = call.args[0]
        if isinstance(call.func, ast.Name) and call.func.id.startswith("check_"):
            calls.append(call)
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line.encode()))
    data = source.encode()
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset), reverse=True):
        start = offsets[call.lineno - 1] + call.col_offset
        end = offsets[call.end_lineno - 1] + call.end_col_offset
        data = data[:start] + b"graded(" + data[start:end] + b")" + data[end:]
    return data.decode()


def assignment(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The nbgrader source version of one solutions notebook (`name` without .ipynb)."""
    cells, exercise, graded_added = [], 0, False
    for index, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        cell = nbformat.from_dict(dict(cell))
        cell.metadata = nbformat.from_dict({k: v for k, v in cell.metadata.items()
                                            if k not in ("execution", "instructor_note")})
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if "solution" in tags and END in cell.source:
            exercise += 1
            answer, check = cell.source.split(END, 1)
            cell.source = (answer + END).strip("\n")
            cell.metadata["nbgrader"] = metadata(f"exercise-{exercise}-answer", solution=True)
            cells.append(cell)
            if check.strip():
                cells.append(nbformat.v4.new_code_cell(
                    wrap_checks(check.strip("\n")), metadata={
                        "tags": ["check"],
                        "nbgrader": metadata(f"exercise-{exercise}-check", grade=True,
                                             points=POINTS)}))
            continue
        cell.metadata["nbgrader"] = metadata(f"cell-{index}")
        cells.append(cell)
        if cell.cell_type == "code" and not graded_added:  # the set-up cell comes first
            cells.append(nbformat.v4.new_code_cell(
                GRADED, metadata={"nbgrader": metadata("graded")}))
            graded_added = True
    if not exercise:
        raise ValueError(f"{name}: no cell tagged `solution` holds {END!r}: nothing to grade.")
    out = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    nbformat.validate(out)
    return out


def build(out: Path = OUT, only: list[str] | None = None) -> list[Path]:
    """Write nbgrader_config.py and source/<name>/<name>.ipynb for each (chosen) lesson."""
    paths = sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb"))
    if only:
        paths = [p for p in paths if any(o in p.name for o in only)]
        if not paths:
            raise ValueError(f"No notebook in notebooks/solutions/ matches {only}: give "
                             "numbers such as 01 04.")
    out.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG)
    written = []
    for path in paths:
        target = out / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(assignment(nbformat.read(path, as_version=4), path.stem), target)
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    """Build the course folder for the notebooks named in argv (all if none)."""
    try:
        written = build(only=argv)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    print(f"{len(written)} source assignment(s) in {OUT.relative_to(ROOT)}/source/: "
          + ", ".join(p.parent.name for p in written))
    print(f"next: cd {OUT.relative_to(ROOT)} && nbgrader generate_assignment "
          f"{written[0].parent.name}   (the students' version, in release/)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
