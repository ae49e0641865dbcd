"""scripts/estimate_time.py: one arithmetic for every lesson's time."""

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("estimate_time",
                                              ROOT / "scripts" / "estimate_time.py")
estimate_time = importlib.util.module_from_spec(spec)
spec.loader.exec_module(estimate_time)


def timed(source: str, seconds: float, tags=()):
    """A code cell that ran for `seconds`, as nbclient records it."""
    return nbformat.v4.new_code_cell(source, metadata={"tags": list(tags), "execution": {
        "iopub.execute_input": "2026-01-01T10:00:00.000Z",
        "shell.execute_reply": f"2026-01-01T10:{int(seconds // 60):02d}:"
                               f"{seconds % 60:06.3f}Z"}})


def tiny():
    """240 words of prose, 3 code cells (one an exercise), 2.5 minutes of running."""
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("[![Open In Colab](badge.svg)](https://x)",
                                      metadata={"tags": ["colab-badge"]}),  # not prose
        nbformat.v4.new_markdown_cell("# Title\n\n" + "word " * 119),       # 120 words
        timed("import helpers", 30),
        nbformat.v4.new_markdown_cell("- a [link text](https://example.com/a/b) "
                                      "<b>bold</b> " + "w " * 116 + "\n---\n"),  # 120 words
        timed("train()", 90),
        timed("# Hint: h\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION", 30, ["solution"]),
    ])


def test_each_part_is_counted():
    e = estimate_time.estimate(tiny())
    assert (e.words, e.code_cells, e.exercises) == (240, 2, 1)
    assert e.run_seconds == pytest.approx(150)


def test_the_arithmetic():
    # 240 words / 120 = 2, + 2 code cells x 1, + 150 s = 2.5, + 1 exercise x 8 = 14.5 -> 15
    assert estimate_time.estimate(tiny()).minutes == 15


def test_rounding_to_five_minutes():
    assert [estimate_time.round_to_5(m) for m in (0, 7.4, 7.5, 12.49, 12.5, 31)] == \
           [5, 5, 10, 10, 15, 30]


def test_a_notebook_without_timestamps_has_no_run_time():
    nb = tiny()
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    e = estimate_time.estimate(nb)
    assert e.run_seconds is None and e.minutes == 10  # 2 + 2 + 8 = 12 -> 10


def test_prose_words_ignore_markup_and_link_targets():
    assert estimate_time.prose_words("## A *title* [here](https://a.b/c d) | --- |") == 3


def test_a_path_that_is_no_notebook_is_named_not_a_traceback(monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["estimate_time.py", "notebooks/05.ipynb"])
    with pytest.raises(SystemExit) as stop:
        estimate_time.main()
    assert stop.value.code == 2
    assert "no such notebook: notebooks/05.ipynb" in capsys.readouterr().err


SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name[:2])
def test_the_header_and_the_readme_state_the_estimate(path):
    lesson, exercises = estimate_time.stated(estimate_time.estimate(nbformat.read(path, 4)))
    header = next(c.source for c in nbformat.read(path, 4).cells if "**Time:**" in c.source)
    said = re.search(r"about (\d+) minutes to read and run, plus about (\d+) for the exercises",
                     header)
    assert said and (int(said[1]), int(said[2])) == (lesson, exercises), \
        f"{path.name} says {said and said.group(0)!r}; scripts/estimate_time.py gives " \
        f"{lesson} + {exercises}: update the header (and the README)"
    row = re.search(rf"^\| {path.name[:2]} \|.*~(\d+) \+ (\d+) min", (ROOT / "README.md")
                    .read_text(), re.M)
    assert row and (int(row[1]), int(row[2])) == (lesson, exercises), path.name


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name[:2])
def test_the_readme_states_each_notebooks_measured_code_time(path):
    run = estimate_time.estimate(nbformat.read(path, 4)).run_seconds
    row = re.search(rf"^\| {path.name[:2]} \|.*\(code (\d+) s\*?\) \|$",
                    (ROOT / "README.md").read_text(), re.M)
    assert row and int(row[1]) == round(run), \
        f"the README's row {path.name[:2]} says {row and row[1]} s; the stored run took " \
        f"{run:.0f} s: update the row and the total after re-executing"
