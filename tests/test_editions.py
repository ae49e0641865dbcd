"""scripts/editions.py: the learner edition (notebooks/) is the worked lessons
(notebooks/solutions/) with every solution hidden, and the live edition empties the code."""

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("editions", ROOT / "scripts" / "editions.py")
editions = importlib.util.module_from_spec(spec)
spec.loader.exec_module(editions)

SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("[0-9][0-9]_*.ipynb"))
LEARNER = ROOT / "notebooks"
REGENERATE = "regenerate the learner edition with `make notebooks`"


def read(path):
    return nbformat.read(path, as_version=4)


def is_solution(cell) -> bool:
    return "solution" in cell.metadata.get("tags", [])


def all_text(nb) -> str:
    """Every source and every output of a notebook, as one string."""
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for out in cell.get("outputs", []):
            parts.append(str(out.get("text", "")))
            parts.append(str(out.get("evalue", "")))
            parts.extend(str(v) for v in out.get("data", {}).values())
    return "\n".join(parts)


def learner_of(path, required=False):
    """The committed learner notebook of a solutions notebook. The drift test fails if it is
    missing; the other tests then skip, rather than repeat that failure."""
    target = LEARNER / path.name
    if not target.is_file():
        message = f"notebooks/{path.name} is missing: {REGENERATE}"
        if required:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return read(target)


def shape(nb) -> list[tuple]:
    """What the drift test compares: each cell's type, source and tags; outputs excluded."""
    return [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]


@pytest.fixture(scope="module")
def live_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("live")
    editions.build_live(out)
    return out


def test_the_solutions_are_there():
    assert len(SOLUTIONS) >= 7


def test_no_learner_notebook_without_its_solutions_notebook():
    learner = {p.name for p in LEARNER.glob("*.ipynb")}
    extra = learner - {p.name for p in SOLUTIONS}
    assert not extra, f"learner notebooks with no notebooks/solutions/ source: {sorted(extra)}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_every_notebook_ends_with_two_to_four_marked_exercises(path):
    solutions = [c for c in read(path).cells if is_solution(c)]
    assert 2 <= len(solutions) <= 4
    for cell in solutions:
        assert cell.source.startswith("# Hint: ")
        assert editions.BEGIN in cell.source and editions.END in cell.source


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_learner_edition_is_what_the_transform_makes_of_its_solutions(path):
    """Drift: edit notebooks/solutions/, then regenerate; never edit notebooks/NN_* by hand."""
    expected = shape(editions.learner(read(path), path.name))
    got = shape(learner_of(path, required=True))
    assert len(got) == len(expected), f"{path.name}: cell count differs: {REGENERATE}"
    for number, (mine, theirs) in enumerate(zip(got, expected), 1):
        assert mine == theirs, f"{path.name}: cell {number} differs: {REGENERATE}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_no_solution_code_or_output_leaks_into_the_learner_edition(path):
    source = read(path)
    lesson = "\n".join(c.source for c in source.cells if not is_solution(c))
    lesson_outputs = all_text(nbformat.v4.new_notebook(
        cells=[c for c in source.cells if not is_solution(c)]))
    edition = all_text(learner_of(path))
    for cell in filter(is_solution, source.cells):
        # Lines the lesson itself shows (plt.show(), say, or a helper's printed source) give
        # nothing away.
        secret = [line.strip() for line in editions.solution_code(cell.source).splitlines()
                  if line.strip() and line.strip() not in lesson
                  and line.strip() not in lesson_outputs]
        assert secret, "a solution with nothing of its own to hide"
        for line in secret:
            assert line not in edition, f"{path.name}: solution line leaked: {line}"
        for out in cell.get("outputs", []):  # answers printed by the solution
            for text in (str(out.get("text", "")).strip(),
                         str(out.get("data", {}).get("text/plain", "")).strip()):
                if text and text not in lesson_outputs and not text.startswith("<Figure"):
                    assert text not in edition, f"{path.name}: solution output leaked: {text}"
            image = out.get("data", {}).get("image/png", "")
            if image:
                assert image not in edition, f"{path.name}: a solution's picture leaked"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_learner_stubs_raise_keep_their_hints_and_say_where_the_answer_is(path):
    source, edition = read(path), learner_of(path)
    hints = [c.source.splitlines()[0] for c in source.cells if is_solution(c)]
    stubs = [c for c in edition.cells if "exercise" in c.metadata.get("tags", [])]
    assert [s.source.splitlines()[0] for s in stubs] == hints
    for number, cell in enumerate(stubs, 1):
        assert "raises-exception" in cell.metadata.tags
        assert f"Exercise {number} is yours" in cell.source
        assert f"solutions/{path.name}" in cell.source
        # Executed: its output is the stub's own error, what a learner sees first.
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert [e.ename for e in errors] == ["NotImplementedError"], f"{path.name} stub {number}"
        assert f"Exercise {number} is yours" in errors[0].evalue
    assert not any(is_solution(c) for c in edition.cells)


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_learner_edition_was_executed_top_to_bottom_without_other_errors(path):
    edition = learner_of(path)
    code = [c for c in edition.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), REGENERATE
    for cell in code:
        if "raises-exception" not in cell.metadata.get("tags", []):
            assert not [o for o in cell.outputs if o.output_type == "error"], cell.source[:80]


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_the_worked_answers_are_one_link_away(path):
    edition = learner_of(path)
    first = next(i for i, c in enumerate(edition.cells)
                 if "exercise" in c.metadata.get("tags", []))
    label = edition.cells[first - 1]
    if label.cell_type == "markdown" and label.source.startswith("Exercise 1"):
        first -= 1  # the note goes before the exercise's label, not between it and its cell
    note = edition.cells[first - 1]
    assert note.cell_type == "markdown"
    assert f"](solutions/{path.name})" in note.source
    assert (LEARNER / "solutions" / path.name).is_file()
    assert editions.colab.url(f"notebooks/solutions/{path.name}",
                              editions.colab.setting()) in note.source


def test_a_stub_raises_until_filled_in():
    source = "# Hint: add.\n### BEGIN SOLUTION\nanswer = 1 + 1\n### END SOLUTION\nprint(answer)"
    stub = editions.stub(source, 3, "solutions/09_x.ipynb")
    assert stub.startswith("# Hint: add.") and stub.endswith("print(answer)")
    assert "1 + 1" not in stub
    with pytest.raises(NotImplementedError, match="Exercise 3 is yours.*solutions/09_x.ipynb"):
        exec(stub, {})
    filled = stub.replace(stub.splitlines()[2], "answer = 2")
    exec(filled, {})  # the learner's version runs


def test_the_transform_keeps_the_lesson_and_retargets_it():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("![split](../../images/x.png)"),
        nbformat.v4.new_code_cell("import helpers", metadata={"tags": ["setup"],
                                                               "instructor_note": "say hi"}),
        nbformat.v4.new_code_cell("# Hint: h\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
                                  metadata={"tags": ["solution", "nbval-ignore-output"]})])
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="hi\n")]
    out = editions.learner(nb, "09_x.ipynb", {"repository": "me/fork", "branch": "b"})
    assert "github/me/fork/blob/b/notebooks/09_x.ipynb" in out.cells[0].source
    assert out.cells[1].source == "![split](../images/x.png)"
    assert out.cells[2].outputs == [] and "instructor_note" not in out.cells[2].metadata
    assert "notebooks/solutions/09_x.ipynb" in out.cells[3].source  # the answers note
    assert out.cells[4].metadata.tags == ["exercise", "raises-exception", "nbval-ignore-output"]
    assert "x = 1" not in all_text(out)
    assert nb.cells[2].source.endswith("### END SOLUTION")  # the source is left alone


def test_the_answers_note_goes_before_the_first_exercises_label():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Exercises"),
        nbformat.v4.new_markdown_cell("Exercise 1: add."),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION",
                                  metadata={"tags": ["solution"]})])
    out = editions.learner(nb, "09_x.ipynb", {"repository": "me/fork", "branch": "b"})
    start = next(i for i, c in enumerate(out.cells) if c.source == "## Exercises")
    assert [c.source[:12] for c in out.cells[start:start + 3]] == [
        "## Exercises", "**Worked ans", "Exercise 1: "]
    assert "exercise" in out.cells[start + 3].metadata.tags


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_image_links_resolve_in_every_edition(path, live_dir):
    """Solutions and live sit two folders below the root, the learner edition one."""
    editions_at = {"notebooks/solutions": read(path),
                   "editions/live": read(live_dir / path.name),
                   "notebooks": editions.learner(read(path), path.name)}
    for folder, nb in editions_at.items():
        for link in re.findall(r"\]\(((?:\.\./)+[^)]+\.png)\)", all_text(nb)):
            assert (ROOT / folder / link).resolve().is_file(), f"{folder}/{path.name}: {link}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.stem)
def test_live_edition_keeps_markdown_and_setup_and_empties_the_rest(path, live_dir):
    source = read(path)
    edition = read(live_dir / path.name)
    markdown = [c.source for c in edition.cells if c.cell_type == "markdown"]
    for cell in source.cells:
        if cell.cell_type == "markdown" and "colab-badge" not in cell.metadata.get("tags", []):
            assert cell.source in markdown
    code = [c for c in edition.cells if c.cell_type == "code"]
    assert len(code) == len([c for c in source.cells if c.cell_type == "code"])
    for cell in code:
        keep = {"setup", "live-keep"} & set(cell.metadata.get("tags", []))
        assert bool(cell.source) == bool(keep)
        assert cell.outputs == [] and cell.execution_count is None
    assert "setup" in code[0].metadata.tags and "import helpers" in code[0].source


def test_live_edition_has_instructor_notes_and_timings(live_dir):
    notes = {p.name: [c.source for c in read(live_dir / p.name).cells
                      if c.source.startswith("> 🧑‍🏫 **Instructor:**")] for p in SOLUTIONS}
    assert all(notes.values()), "every notebook has at least one instructor note"
    timing = [n for n in notes["05_train_the_network.ipynb"] if "⏱ This cell took" in n]
    assert timing, "the training cell's measured time is announced"
    assert "instructor_note" not in all_text(read(live_dir / SOLUTIONS[0].name))


def test_seconds_reads_the_recorded_execution_time():
    cell = nbformat.v4.new_code_cell("", metadata={"execution": {
        "iopub.execute_input": "2026-01-01T10:00:00.000Z",
        "shell.execute_reply": "2026-01-01T10:02:17.500Z"}})
    assert editions.seconds(cell) == pytest.approx(137.5)
    assert editions.seconds(nbformat.v4.new_code_cell("")) is None
