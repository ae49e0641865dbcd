"""scripts/editions.py: the student edition hides every solution, the live one empties code."""

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("editions", ROOT / "scripts" / "editions.py")
editions = importlib.util.module_from_spec(spec)
spec.loader.exec_module(editions)

SOURCES = sorted((ROOT / "notebooks").glob("*.ipynb"))


def read(path):
    return nbformat.read(path, as_version=4)


def all_text(nb) -> str:
    """Every source and every output of a notebook, as one string."""
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for out in cell.get("outputs", []):
            parts.append(str(out.get("text", "")))
            parts.extend(str(v) for v in out.get("data", {}).values())
    return "\n".join(parts)


@pytest.fixture(scope="module")
def student_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    editions.build("student", out)
    return out


@pytest.fixture(scope="module")
def live_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("live")
    editions.build("live", out)
    return out


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_every_notebook_ends_with_two_to_four_marked_exercises(path):
    solutions = [c for c in read(path).cells if "solution" in c.metadata.get("tags", [])]
    assert 2 <= len(solutions) <= 4
    for cell in solutions:
        assert cell.source.startswith("# Hint: ")
        assert editions.BEGIN in cell.source and editions.END in cell.source


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_no_solution_code_leaks_into_the_student_edition(path, student_dir):
    source = read(path)
    lesson = "\n".join(c.source for c in source.cells
                       if "solution" not in c.metadata.get("tags", []))
    edition = all_text(read(student_dir / path.name))
    solutions = [c for c in source.cells if "solution" in c.metadata.get("tags", [])]
    for cell in solutions:
        # Lines the lesson itself shows (plt.show(), say) give nothing away.
        secret = [line.strip() for line in editions.solution_code(cell.source).splitlines()
                  if line.strip() and line.strip() not in lesson]
        assert secret, "a solution with nothing of its own to hide"
        for line in secret:
            assert line not in edition, f"{path.name}: solution line leaked: {line}"
        for out in cell.get("outputs", []):  # answers printed by the solution
            text = str(out.get("text", "")).strip()
            if text and text not in lesson:
                assert text not in edition


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_student_stubs_are_marked_unrun_and_keep_their_hints(path, student_dir):
    source = read(path)
    edition = read(student_dir / path.name)
    hints = [c.source.splitlines()[0] for c in source.cells
             if "solution" in c.metadata.get("tags", [])]
    stubs = [c for c in edition.cells if "exercise" in c.metadata.get("tags", [])]
    assert [s.source.splitlines()[0] for s in stubs] == hints
    for number, cell in enumerate(stubs, 1):
        assert "raises-exception" in cell.metadata.tags
        assert cell.outputs == [] and cell.execution_count is None
        assert f"Exercise {number} is yours" in cell.source
    assert not any("solution" in c.metadata.get("tags", []) for c in edition.cells)
    # Everything else is the lesson as it was, outputs included, so nbval can compare it.
    kept = [c for c in edition.cells if "exercise" not in c.metadata.get("tags", [])]
    lesson = [c for c in source.cells if "solution" not in c.metadata.get("tags", [])
              and "colab-badge" not in c.metadata.get("tags", [])]
    assert [c.get("outputs") for c in kept if c.cell_type == "code"] == \
           [c.get("outputs") for c in lesson if c.cell_type == "code"]


def test_a_stub_raises_until_filled_in():
    source = "# Hint: add.\n### BEGIN SOLUTION\nanswer = 1 + 1\n### END SOLUTION\nprint(answer)"
    stub = editions.stub(source, 3)
    assert stub.startswith("# Hint: add.") and stub.endswith("print(answer)")
    assert "1 + 1" not in stub
    with pytest.raises(NotImplementedError, match="Exercise 3 is yours"):
        exec(stub, {})
    filled = stub.replace(stub.splitlines()[2], "answer = 2")
    exec(filled, {})  # the learner's version runs


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_edition_links_to_images_still_resolve(path, student_dir):
    """make student writes to editions/student/, two folders below the root."""
    text = all_text(read(student_dir / path.name))
    for link in re.findall(r"\]\((\.\./[^)]+\.png)\)", text):
        assert (ROOT / "editions" / "student" / link).resolve().is_file(), link


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.stem)
def test_live_edition_keeps_markdown_and_setup_and_empties_the_rest(path, live_dir):
    source = read(path)
    edition = read(live_dir / path.name)
    markdown = [c.source for c in edition.cells if c.cell_type == "markdown"]
    for cell in source.cells:
        if cell.cell_type == "markdown" and "colab-badge" not in cell.metadata.get("tags", []):
            assert cell.source.replace("](../images/", "](../../images/") in markdown
    code = [c for c in edition.cells if c.cell_type == "code"]
    assert len(code) == len([c for c in source.cells if c.cell_type == "code"])
    for cell in code:
        keep = {"setup", "live-keep"} & set(cell.metadata.get("tags", []))
        assert bool(cell.source) == bool(keep)
        assert cell.outputs == [] and cell.execution_count is None
    assert "setup" in code[0].metadata.tags and "import helpers" in code[0].source


def test_live_edition_has_instructor_notes_and_timings(live_dir):
    notes = {p.name: [c.source for c in read(live_dir / p.name).cells
                      if c.source.startswith("> 🧑‍🏫 **Instructor:**")] for p in SOURCES}
    assert all(notes.values()), "every notebook has at least one instructor note"
    timing = [n for n in notes["04_train_the_network.ipynb"] if "⏱ This cell took" in n]
    assert timing, "the training cell's measured time is announced"
    assert "instructor_note" not in all_text(read(live_dir / SOURCES[0].name))


def test_seconds_reads_the_recorded_execution_time():
    cell = nbformat.v4.new_code_cell("", metadata={"execution": {
        "iopub.execute_input": "2026-01-01T10:00:00.000Z",
        "shell.execute_reply": "2026-01-01T10:02:17.500Z"}})
    assert editions.seconds(cell) == pytest.approx(137.5)
    assert editions.seconds(nbformat.v4.new_code_cell("")) is None
