"""Build the learner and the live-coding editions of the notebooks.

    python scripts/editions.py student   # editions/student/  (make student)
    python scripts/editions.py live      # editions/live/     (make live)

Student edition: every cell tagged `solution` keeps its hint and the code around
`### BEGIN SOLUTION` ... `### END SOLUTION`, but the code between the markers becomes a stub
that raises until the learner fills it in. Stubs are tagged `raises-exception` for nbval and
carry no output, so the edition runs top to bottom and only unfilled exercises fail.

Live edition: markdown and cells tagged `setup` or `live-keep` stay; every other code cell is
emptied, for the instructor to type in front of the room. Instructor notes (a cell's
`instructor_note` metadata, and the measured time of any slow cell) appear above their cells.

Both are built from notebooks/ and never edit it. editions/ is not committed.
"""

from __future__ import annotations

import copy
import sys
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
SLOW_SECONDS = 10  # the live edition warns before a cell that took at least this long


def tags(cell: nbformat.NotebookNode) -> list[str]:
    """The cell's tags (an empty list if it has none)."""
    return cell.metadata.get("tags", [])


def solution_code(source: str) -> str:
    """The code between the solution markers (the whole cell if it has none)."""
    if BEGIN not in source:
        return source
    return source.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n")


def stub(source: str, number: int) -> str:
    """The cell with its solution replaced by a line that asks for the learner's code."""
    ask = (f"# ✏️ Your code here, in place of the next line.\n"
           f'raise NotImplementedError("Exercise {number} is yours: replace this line '
           f'with your code, then run the cell.")')
    if BEGIN not in source:
        return ask
    head, rest = source.split(BEGIN, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    return (head + ask + tail).strip("\n")


def retarget(nb: nbformat.NotebookNode, edition: str, name: str) -> None:
    """Drop the Colab badge, add a banner, and keep relative links to images working."""
    if tags(nb.cells[0]) == ["colab-badge"]:
        del nb.cells[0]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = cell.source.replace("](../images/", "](../../images/")
    banner = {"student": f"*Student edition of `notebooks/{name}`, built by `make student`: "
                         "the exercises at the end are yours to fill in.*",
              "live": f"*Live-coding edition of `notebooks/{name}`, built by `make live`: "
                      "the code cells are empty, for you to type in front of the room.*"}
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(banner[edition]))


def student(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The learner edition of one notebook."""
    nb = copy.deepcopy(nb)
    number = 0
    for cell in nb.cells:
        if "solution" in tags(cell):
            number += 1
            cell.source = stub(cell.source, number)
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
            cell.metadata.tags = ["exercise", "raises-exception"]
    return nb


def seconds(cell: nbformat.NotebookNode) -> float | None:
    """How long the cell took when the notebook was last executed, if recorded."""
    times = cell.metadata.get("execution", {})
    start, end = times.get("iopub.execute_input"), times.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def live(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The live-coding edition of one notebook."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        notes = [cell.metadata.pop("instructor_note", None)]
        if cell.cell_type == "code":
            took = seconds(cell)
            if took is not None and took >= SLOW_SECONDS:
                notes.append(f"⏱ This cell took {took:.0f} s when the notebooks were last "
                             "executed (full MNIST, 2-core CPU). Start it, then talk.")
            if not {"setup", "live-keep"} & set(tags(cell)):
                cell.source = ""
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
        for note in filter(None, notes):
            cells.append(nbformat.v4.new_markdown_cell(f"> 🧑‍🏫 **Instructor:** {note}"))
        cells.append(cell)
    nb.cells = cells
    return nb


def build(edition: str, out: Path | None = None) -> list[Path]:
    """Write the edition of every notebook into `out` (editions/<edition>/); return the paths."""
    make = {"student": student, "live": live}[edition]
    out = out or ROOT / "editions" / edition
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = make(nbformat.read(path, as_version=4))
        retarget(nb, edition, path.name)
        nbformat.validate(nb)
        nbformat.write(nb, out / path.name)
        written.append(out / path.name)
    return written


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1] not in ("student", "live"):
        print("usage: python scripts/editions.py student|live", file=sys.stderr)
        return 2
    written = build(sys.argv[1])
    print(f"{len(written)} notebooks written to {written[0].parent.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
