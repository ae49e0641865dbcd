"""nbgrader makes the students' version of a lesson and autogrades what comes back.

scripts/nbgrader_assignment.py builds the course folder (`make nbgrader` builds every
notebook; to stay cheap this test takes the two light lessons 01 and 04, on the offline data).
Then the real nbgrader, as an instructor runs it: `nbgrader generate_assignment` writes the
students' version; two submissions are autograded with `nbgrader autograde`: the worked
solutions (full marks) and the students' version untouched (no marks for the exercises),
and nbgrader's API reads both scores.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.apps import NbGraderAPI
from traitlets.config import Config

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import nbgrader_assignment  # noqa: E402

# It always runs on the offline data, whatever MNIST_NPZ says: CI runs it once, in its
# offline pass (.ci/run deselects the mark in the full-MNIST pass).
pytestmark = pytest.mark.offline_data

LESSONS = ("01_load_the_data", "04_how_a_network_learns")
NBGRADER = [sys.executable, "-m", "nbgrader"]


def test_checks_are_wrapped_so_a_wrong_answer_fails():
    source = ('print(check_first_index(first, y, 7))\nshow(x)\n'
              'check_answer(a, [1, 2],\n             given="two")\nverdict = check_model(m)\n'
              'for maps in rows:\n    print(check_shape(maps, (13, 13)))')
    assert nbgrader_assignment.wrap_checks(source) == (
        'print(graded(check_first_index(first, y, 7)))\nshow(x)\n'
        'graded(check_answer(a, [1, 2],\n             given="two"))\nverdict = check_model(m)\n'
        'for maps in rows:\n    print(graded(check_shape(maps, (13, 13))))')
    namespace: dict = {}
    exec(nbgrader_assignment.GRADED, namespace)
    from helpers.checks import Check
    assert namespace["graded"](Check(True, "fine")).ok
    with pytest.raises(AssertionError, match="❌ not yet"):
        namespace["graded"](Check(False, "not yet"))


def test_every_cell_is_locked_but_the_answers():
    nb = nbformat.read(ROOT / "notebooks" / "solutions" / f"{LESSONS[0]}.ipynb", as_version=4)
    made = nbgrader_assignment.assignment(nb, LESSONS[0])
    meta = [c.metadata["nbgrader"] for c in made.cells]
    answers = [m for m in meta if m["solution"]]
    checks = [m for m in meta if m["grade"]]
    exercises = sum("solution" in c.metadata.get("tags", []) for c in nb.cells)
    assert len(answers) == len(checks) == exercises
    assert all(not m["locked"] for m in answers)
    assert all(m["locked"] and m["points"] == nbgrader_assignment.POINTS for m in checks)
    assert all(m["locked"] for m in meta if not m["solution"])
    assert len({m["grade_id"] for m in meta}) == len(meta)
    # The lesson is all there, in order: each exercise split at its END SOLUTION marker.
    made_sources = [c.source for c in made.cells if c.metadata["nbgrader"]["grade_id"]
                    != "graded"]
    expected = []
    for cell in nb.cells:
        if "solution" in cell.metadata.get("tags", []):
            answer, check = cell.source.split("### END SOLUTION")
            expected += [(answer + "### END SOLUTION").strip("\n"),
                         nbgrader_assignment.wrap_checks(check.strip("\n"))]
        else:
            expected.append(cell.source)
    assert made_sources == expected


def test_bad_choice_of_notebooks_says_what_to_give(tmp_path):
    with pytest.raises(ValueError, match="give numbers such as 01 04"):
        nbgrader_assignment.build(tmp_path, only=["99"])


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """The course folder for the two light lessons, graded on the offline data."""
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    (tmp_path / "keras").mkdir()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    course = tmp_path / "course"
    written = nbgrader_assignment.build(course, only=[name[:2] for name in LESSONS])
    assert [p.parent.name for p in written] == list(LESSONS)
    return course


def test_solutions_get_full_marks_and_the_untouched_version_none(course):
    # nbgrader runs some tools (alembic) by name: this environment's bin/ goes first on PATH,
    # as in an activated environment.
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    nbgrader = lambda *args: subprocess.run(  # noqa: E731
        [*NBGRADER, *args], cwd=course, env=env, capture_output=True, text=True, timeout=900)
    for lesson in LESSONS:
        made = nbgrader("generate_assignment", lesson, "--force")
        assert made.returncode == 0, made.stdout + made.stderr
        released = course / "release" / lesson / f"{lesson}.ipynb"
        release = nbformat.read(released, as_version=4)
        text = "\n".join(c.source for c in release.cells)
        assert "### BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text
        # Two submissions: the solutions (the source itself) and the students' version as
        # they get it.
        for student, notebook in (("solver", course / "source" / lesson / f"{lesson}.ipynb"),
                                  ("untouched", released)):
            folder = course / "submitted" / student / lesson
            folder.mkdir(parents=True)
            shutil.copy(notebook, folder / f"{lesson}.ipynb")
        graded = nbgrader("autograde", lesson, "--force")
        assert graded.returncode == 0, graded.stdout + graded.stderr

    config = Config()
    config.CourseDirectory.root = str(course)
    api = NbGraderAPI(config=config)
    for lesson in LESSONS:
        exercises = sum(c.metadata["nbgrader"]["grade"] for c in nbformat.read(
            course / "source" / lesson / f"{lesson}.ipynb", as_version=4).cells)
        solver = api.get_submission(lesson, "solver")
        untouched = api.get_submission(lesson, "untouched")
        assert solver["autograded"] and untouched["autograded"]
        assert solver["max_score"] == exercises * nbgrader_assignment.POINTS > 0
        assert solver["score"] == solver["max_score"], (lesson, solver)
        assert untouched["score"] == 0, (lesson, untouched)
