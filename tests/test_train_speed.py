"""benchmarks/train_speed.py's verdicts: the goals are judged on the rows that computed in
float32, and a run in both precisions says how they compare."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import train_speed  # noqa: E402


def row(precision: str, accuracy: float, seconds: float, cpu: float | None = None) -> dict:
    return {"precision": precision, "final_accuracy": accuracy, "train_seconds": seconds,
            "cpu_seconds": cpu}


def test_the_goal_is_judged_on_float32_and_says_which_cpu():
    met = train_speed.goal_lines({"course_notebook05": row("float32", 0.9951, 118)}, False)
    assert "99.51% after 118 s" in met[1] and "on this CPU without them): met." in met[1]
    slow = train_speed.goal_lines({"course_notebook05": row("float32", 0.9951, 146)}, False)
    assert slow[1].endswith("NOT met.")
    weak = train_speed.goal_lines({"course_notebook05": row("float32", 0.9949, 100)}, False)
    assert weak[1].endswith("NOT met.")


def test_a_bfloat16_run_is_judged_by_its_float32_twin_and_compared_with_it():
    lines = train_speed.goal_lines({
        "course_notebook05": row("mixed_bfloat16", 0.9952, 60, 100),
        "course_notebook05_float32": row("float32", 0.9950, 150, 250)}, True)
    text = "\n".join(lines)
    assert "in float32: median 99.50% after 150 s" in text
    assert "not the goal's kind): NOT met." in text
    assert "in mixed_bfloat16: median 99.52% after 60 s, 0.40 of float32's training seconds " \
           "and 0.40 of its CPU seconds, same run." in text
    # Without a float32 row there is no verdict at all, rather than one on bfloat16.
    only_fast = train_speed.goal_lines({"course_notebook05": row("mixed_bfloat16", 0.99, 60)},
                                       True)
    assert only_fast == []


def test_the_sprint_ratio_needs_both_recipes():
    ratio = train_speed.goal_lines({"course": {"seconds_to_99": 20.0},
                                    "keras_io": {"seconds_to_99": 200.0}}, False)
    assert ratio[1].startswith("The sprint's time to 99.0% as a share of keras-io's, same run: "
                               "0.10")
    assert train_speed.goal_lines({"course": {"seconds_to_99": 20.0}}, False) == []


@pytest.mark.parametrize("out", ["../README.md", "results.txt", "sub/RESULTS.md"])
def test_out_must_be_a_markdown_file_in_benchmarks(out, monkeypatch, capsys):
    monkeypatch.setenv("MNIST_NPZ", "unused.npz")
    monkeypatch.setattr(sys, "argv", ["train_speed.py", "--out", out])
    with pytest.raises(SystemExit) as exit_:
        train_speed.main()
    assert exit_.value.code == 2
    assert "--out is a file name in benchmarks/ ending in .md" in capsys.readouterr().err
