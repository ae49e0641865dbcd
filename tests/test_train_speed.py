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


def test_the_sprint_ratio_needs_both_recipes_and_says_how_many_seeds():
    keras_io = {"seconds_to_99": 200.0, "runs": 3}
    ratio = train_speed.goal_lines({"course": {"seconds_to_99": 20.0, "runs": 5,
                                               "precision": "float32"},
                                    "keras_io": keras_io}, False)
    assert ratio[1] == ("The sprint's time to 99.0% in float32 as a share of keras-io's, same "
                        "run: 0.100 (medians of 5 and 3 seeds; goal: at most 0.10): met.")
    slower = train_speed.goal_lines({"course_float32": {"seconds_to_99": 21.0, "runs": 5,
                                                        "precision": "float32"},
                                     "keras_io": keras_io}, True)
    assert slower[1].endswith("0.105 (medians of 5 and 3 seeds; goal: at most 0.10): NOT met.")
    never = train_speed.goal_lines({"course": {"seconds_to_99": None, "reached_99": 2,
                                               "runs": 5, "precision": "float32"},
                                    "keras_io": keras_io}, False)
    assert "reached 99.0% in 2 of its 5 runs, fewer than half" in never[1]
    assert never[1].endswith("NOT met.")
    assert train_speed.goal_lines({"course": {"seconds_to_99": 20.0}}, False) == []


def test_a_run_that_never_reaches_the_target_counts_as_slowest():
    # Three of five got there: the median is the slowest of those three, not the middle one.
    assert train_speed.median_time([7.2, None, 6.4, None, 5.6]) == 7.2
    assert train_speed.median_time([7.2, 6.4, 5.6]) == 6.4
    # Half or more never got there: so, in the median run, never.
    assert train_speed.median_time([7.2, None]) is None
    assert train_speed.median_time([7.2, None, None]) is None
    assert train_speed.median_time([]) is None


def test_every_recipe_is_run_once_per_seed(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setenv("MNIST_NPZ", "unused.npz")
    monkeypatch.setattr(sys, "argv", ["train_speed.py", "--recipes", "keras_io,course",
                                      "--seeds", "3", "--out", "TEST-RESULTS.md"])
    monkeypatch.setattr(train_speed, "HERE", tmp_path)

    def fake_worker(recipe, epochs, seed, float32):
        calls.append((recipe, seed))
        return {"recipe": recipe, "seed": seed, "precision": "float32", "params": 1,
                "epochs": [{"epoch": 1, "seconds": 10.0 + seed, "accuracy": 0.991}],
                "final_accuracy": 0.991, "cpu_seconds": 20.0, "seconds_per_epoch": 10.0,
                "peak_rss_mb": 1, "seconds_to_99": 10.0 + seed, "seconds_to_99.5": None}

    monkeypatch.setattr(train_speed, "run_worker", fake_worker)
    monkeypatch.setattr(train_speed, "machine", lambda: {"cpu": "test", "cores": 2,
                                                         "bfloat16_instructions": [],
                                                         "gpus": []})
    assert train_speed.main() == 0
    assert calls == [("keras_io", 0), ("keras_io", 1), ("keras_io", 2),
                     ("course", 0), ("course", 1), ("course", 2)]
    table = (tmp_path / "TEST-RESULTS.md").read_text()
    assert "| keras_io | float32 | 1 | 3 | 11 (3/3) |" in table


@pytest.mark.parametrize("out", ["../README.md", "results.txt", "sub/RESULTS.md"])
def test_out_must_be_a_markdown_file_in_benchmarks(out, monkeypatch, capsys):
    monkeypatch.setenv("MNIST_NPZ", "unused.npz")
    monkeypatch.setattr(sys, "argv", ["train_speed.py", "--out", out])
    with pytest.raises(SystemExit) as exit_:
        train_speed.main()
    assert exit_.value.code == 2
    assert "--out is a file name in benchmarks/ ending in .md" in capsys.readouterr().err
