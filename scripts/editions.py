"""Build the learner edition and the live-coding edition from the worked lessons.

    python scripts/editions.py learner [01 03 ...]  # notebooks/NN_*.ipynb (make notebooks)
    python scripts/editions.py live                 # editions/live/ (make live)

Both are made from notebooks/solutions/ (the lessons with worked exercise solutions, which
maintainers edit) and never change it.

Learner edition (notebooks/, committed): every cell tagged `solution` keeps its hint and the
code around `### BEGIN SOLUTION` ... `### END SOLUTION`, but the code between the markers
becomes a stub that raises NotImplementedError until the learner writes their own; stubs are
tagged `exercise` and `raises-exception`. A note before the first exercise links to the worked
solutions, one deliberate step away. The edition is then executed top to bottom in a fresh
kernel and written only if it ran (stubs excepted), so it is committed with its outputs, the
stubs' errors included: what a learner sees before writing any code.

Live edition (editions/live/, not committed): markdown and cells tagged `setup` or `live-keep`
stay; every other code cell is emptied, for the instructor to type in front of the room.
Instructor notes (a cell's `instructor_note` metadata, and the measured time of any slow cell)
appear above their cells.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
from datetime import datetime
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
LEARNER = ROOT / "notebooks"
SOLUTIONS = LEARNER / "solutions"
DRAFTS = ROOT / "build" / "learner-drafts"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
SLOW_SECONDS = 10  # the live edition warns before a cell that took at least this long


def _script(name: str):
    """Another script of this folder, as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


colab = _script("colab")


def tags(cell: nbformat.NotebookNode) -> list[str]:
    """The cell's tags (an empty list if it has none)."""
    return cell.metadata.get("tags", [])


def solution_code(source: str) -> str:
    """The code between the solution markers (the whole cell if it has none)."""
    if BEGIN not in source:
        return source
    return source.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n")


def stub(source: str, number: int, answers: str = "") -> str:
    """The cell with its solution replaced by a line that asks for the learner's code.

    `answers` names where the worked answer is, e.g. "solutions/01_load_the_data.ipynb".
    """
    where = f" Its worked answer is in {answers}." if answers else ""
    ask = (f"# ✏️ Your code here, in place of the next line.\n"
           f'raise NotImplementedError("Exercise {number} is yours: replace this line '
           f'with your code, then run the cell.{where}")')
    if BEGIN not in source:
        return ask
    head, rest = source.split(BEGIN, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    return (head + ask + tail).strip("\n")


def answers_note(name: str, repo: dict[str, str]) -> str:
    """The markdown before the first exercise: where the worked solutions are."""
    url = colab.url(f"notebooks/solutions/{name}", repo)
    return ("**Worked answers.** Each exercise below starts as a cell that raises an error: "
            "replace its ✏️ line with your code and run it; the lines after it check or "
            "show your answer. Try first. When you want to compare, the worked solutions "
            f"are in [solutions/{name}](solutions/{name}) "
            f"([open it in Colab]({url})).")


def learner(nb: nbformat.NotebookNode, name: str,
            repo: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """The learner edition of the solutions notebook `name`, unexecuted (no outputs)."""
    repo = repo or colab.setting()
    nb = copy.deepcopy(nb)
    colab.stamp(nb, f"notebooks/{name}", repo)
    cells, number = [], 0
    for cell in nb.cells:
        cell.metadata.pop("instructor_note", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "markdown":
            # notebooks/solutions/ is one folder deeper than notebooks/.
            cell.source = cell.source.replace("](../../", "](../")
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if "solution" in tags(cell):
            number += 1
            if number == 1:
                # Before the first exercise's own label ("Exercise 1: ..."), not between
                # the label and its cell.
                labelled = (cells and cells[-1].cell_type == "markdown"
                            and cells[-1].source.lstrip().startswith("Exercise"))
                cells.insert(len(cells) - labelled,
                             nbformat.v4.new_markdown_cell(answers_note(name, repo)))
            cell.source = stub(cell.source, number, f"solutions/{name}")
            keep = [t for t in tags(cell) if t == "nbval-ignore-output"]
            cell.metadata.tags = ["exercise", "raises-exception", *keep]
        cells.append(cell)
    nb.cells = cells
    return nb


def build_learner(only: list[str] | None = None, timeout: int = 1200) -> list[str]:
    """Generate and execute the learner notebooks; write each one that ran. Return failures."""
    run_course = _script("run_course")
    failed = []
    for path in sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb")):
        if only and not any(o in path.name for o in only):
            continue
        print(f"learner edition of {path.name} ...", flush=True)
        nb = learner(nbformat.read(path, as_version=4), path.name)
        nbformat.validate(nb)
        # Execute a draft (in notebooks/, as a learner would) and write the learner notebook
        # only if it ran: a failure leaves the committed one alone.
        draft = DRAFTS / path.name
        draft.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, draft)
        result = run_course.run(draft, LEARNER / path.name, timeout,
                                name=f"learner-{path.name}", cwd=LEARNER)
        draft.unlink(missing_ok=True)
        if not result.ok:
            failed.append(path.name)
            print(f"  {path.name}: {result.error}", flush=True)
    return failed


def seconds(cell: nbformat.NotebookNode) -> float | None:
    """How long the cell took when the notebook was last executed, if recorded."""
    times = cell.metadata.get("execution", {})
    start, end = times.get("iopub.execute_input"), times.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = lambda stamp: datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def live(nb: nbformat.NotebookNode, name: str = "") -> nbformat.NotebookNode:
    """The live-coding edition of one solutions notebook (editions/live/ is as deep as it)."""
    nb = copy.deepcopy(nb)
    cells = [nbformat.v4.new_markdown_cell(
        f"*Live-coding edition of `notebooks/solutions/{name}`, built by `make live`: "
        "the code cells are empty, for you to type in front of the room.*")]
    for cell in nb.cells:
        if tags(cell) == ["colab-badge"]:
            continue
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


def build_live(out: Path | None = None) -> list[Path]:
    """Write the live edition of every lesson into `out` (editions/live/); return the paths."""
    out = out or ROOT / "editions" / "live"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(SOLUTIONS.glob("[0-9][0-9]_*.ipynb")):
        nb = live(nbformat.read(path, as_version=4), path.name)
        nbformat.validate(nb)
        nbformat.write(nb, out / path.name)
        written.append(out / path.name)
    return written


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("learner", "live"):
        print("usage: python scripts/editions.py learner [NN ...] | live", file=sys.stderr)
        return 2
    if sys.argv[1] == "live":
        written = build_live()
        print(f"{len(written)} notebooks written to {written[0].parent.relative_to(ROOT)}/")
        return 0
    failed = build_learner(sys.argv[2:])
    written = len([p for p in SOLUTIONS.glob("[0-9][0-9]_*.ipynb")
                   if not sys.argv[2:] or any(o in p.name for o in sys.argv[2:])]) - len(failed)
    print(f"{written} learner notebook(s) generated, executed and written to notebooks/")
    if failed:
        print(f"FAILED (committed learner notebooks left as they were): {', '.join(failed)}",
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
