"""benchmarks/recipe_variants.py: its table and its refusal of unknown keys (no training)."""

import importlib.util
import json
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "recipe_variants.py"
spec = importlib.util.spec_from_file_location("recipe_variants", PATH)
variants = importlib.util.module_from_spec(spec)
spec.loader.exec_module(variants)

TODAY = {"filters": [24, 48], "dense": 128, "dropout": 0.3, "epochs": 6}


def record(settings, seed, accuracy, params=166274, jobs=2, seconds=1.0):
    return {"variant": {}, "settings": {**TODAY, **settings}, "seed": seed, "threads": 1,
            "jobs": jobs, "params": params, "final_accuracy": accuracy,
            "accuracy_by_epoch": [accuracy], "train_seconds": seconds}


def test_the_table_has_one_row_per_setting_with_every_seed_the_median_and_lone_seconds():
    old = {"filters": [16, 32], "epochs": 8}
    table = variants.render([
        record(old, 1, 0.9945, 109146), record(old, 0, 0.9949, 109146),
        record(old, 2, 0.9950, 109146, jobs=1, seconds=100.0),
        record({}, 0, 0.9956), record({}, 1, 0.9952, jobs=1, seconds=110.0),
        record({}, 2, 0.9950, jobs=1, seconds=130.0)], TODAY)
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == 2
    assert rows[0] == ('| `{"epochs": 8, "filters": [16, 32]}` | 109,146 | 3 | '
                       '0: 99.49%, 1: 99.45%, 2: 99.50% | **99.49%** | 100 (1) |')
    assert rows[1].startswith("| `{}` | 166,274 | 3 |")
    assert rows[1].endswith("| **99.52%** | 120 (2) |")


def test_runs_that_shared_the_machine_give_no_seconds():
    rows = [line for line in variants.render([record({}, 0, 0.995)], TODAY).splitlines()
            if line.startswith("| `")]
    assert rows == ["| `{}` | 166,274 | 1 | 0: 99.50% | **99.50%** | – |"]


def test_runs_in_another_precision_get_their_own_row_that_names_it():
    bf16 = {**record({}, 0, 0.9960), "precision": "mixed_bfloat16"}
    table = variants.render([record({}, 0, 0.9950), {**record({}, 1, 0.9952),
                                                     "precision": "float32"}, bf16], TODAY)
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert rows == ["| `{}` | 166,274 | 2 | 0: 99.50%, 1: 99.52% | **99.51%** | – |",
                    "| `{}` in mixed_bfloat16 | 166,274 | 1 | 0: 99.60% | **99.60%** | – |"]


def test_todays_settings_are_the_notebooks_recipe():
    from helpers.models import COURSE_RECIPE

    today = variants.current_settings()
    assert set(today) == variants.NETWORK | variants.RECIPE
    assert today["epochs"] == COURSE_RECIPE["epochs"]
    assert today["filters"] == [24, 48] and today["warmup"] == 0.25


def test_a_variant_that_names_an_unknown_key_is_refused_before_training():
    with pytest.raises(SystemExit, match="unknown keys \\['filter'\\]"):
        variants.run_one({"filter": [24, 48]}, seed=0, threads=1)


def test_the_committed_table_is_the_log_rendered():
    records = [json.loads(line) for line in variants.LOG.read_text().splitlines() if line]
    assert records, "benchmarks/variants.jsonl is empty"
    assert variants.TABLE.read_text() == variants.render(records, variants.current_settings()), \
        "VARIANTS.md is stale: run benchmarks/recipe_variants.py, which rewrites it"


def test_the_levers_reach_the_optimizer_and_loss_and_are_off_in_the_course(monkeypatch):
    """weight_decay swaps Adam for AdamW and label_smoothing the loss; today's recipe has
    neither, so the benchmark still trains the course's recipe as notebook 05 does."""
    import keras

    import helpers.models as models
    monkeypatch.syspath_prepend(str(PATH.parent))
    import train_speed

    model, _, _ = train_speed.build("course_notebook05", 1, 1000)
    assert type(model.optimizer) is keras.optimizers.Adam
    assert model.loss == "sparse_categorical_crossentropy"
    monkeypatch.setitem(models.COURSE_RECIPE, "weight_decay", 0.05)
    monkeypatch.setitem(models.COURSE_RECIPE, "label_smoothing", 0.1)
    model, _, _ = train_speed.build("course_notebook05", 1, 1000)
    assert isinstance(model.optimizer, keras.optimizers.AdamW)
    assert model.optimizer.weight_decay == 0.05
    assert model.loss.get_config()["label_smoothing"] == 0.1
    assert not variants.LEVERS & set(variants.current_settings())
