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
                       '0: 99.49%, 1: 99.45%, 2: 99.50% | **99.49%** | 100 (1) | not recorded |')
    assert rows[1].startswith("| `{}` | 166,274 | 3 |")
    assert rows[1].endswith("| **99.52%** | 120 (2) | not recorded |")


def test_runs_that_shared_the_machine_give_no_seconds():
    rows = [line for line in variants.render([record({}, 0, 0.995)], TODAY).splitlines()
            if line.startswith("| `")]
    assert rows == ["| `{}` | 166,274 | 1 | 0: 99.50% | **99.50%** | – | not recorded |"]


def test_runs_in_another_precision_get_their_own_row_that_names_it():
    bf16 = {**record({}, 0, 0.9960), "precision": "mixed_bfloat16"}
    table = variants.render([record({}, 0, 0.9950), {**record({}, 1, 0.9952),
                                                     "precision": "float32"}, bf16], TODAY)
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert rows == ["| `{}` | 166,274 | 2 | 0: 99.50%, 1: 99.52% | **99.51%** | – | "
                    "not recorded |",
                    "| `{}` in mixed_bfloat16 | 166,274 | 1 | 0: 99.60% | **99.60%** | – | "
                    "not recorded |"]


def test_sprint_variants_get_a_table_of_their_own_that_counts_runs_reaching_99():
    sprint_today = {**TODAY, "filters": [16, 32], "epochs": 1}
    sprint = [{**record({"filters": [16, 32], "epochs": 1, "batch_size": 128}, seed, accuracy,
                        109146, jobs=1, seconds=seconds),
               "base": "sprint", "cpu": "AMD EPYC, with avx512_bf16"}
              for seed, accuracy, seconds in ((0, 0.9905, 5.0), (1, 0.9890, 6.0), (2, 0.9911, 7.0))]
    table = variants.render([record({}, 0, 0.995)] + sprint, TODAY, sprint_today)
    course, sprint_part = table.split("## Variants of the sprint")
    assert "| `{}` | 166,274 | 1 | 0: 99.50% | **99.50%** | – | not recorded |" in course
    assert "batch_size" not in course
    assert ('| `{"batch_size": 128}` | 109,146 | 3 | 0: 99.05%, 1: 98.90%, 2: 99.11% | '
            '**99.05%** | 2 of 3 | 6.0 (3) | AMD EPYC, with avx512_bf16 |') in sprint_part


def test_a_run_records_the_cpu_that_trained_it(monkeypatch):
    monkeypatch.syspath_prepend(str(PATH.parent))
    import train_speed

    monkeypatch.setattr(train_speed, "machine", lambda: {
        "cpu": "AMD EPYC", "bfloat16_instructions": ["avx512_bf16"]})
    assert variants.machine() == "AMD EPYC, with avx512_bf16"
    monkeypatch.setattr(train_speed, "machine", lambda: {
        "cpu": "Intel Xeon", "bfloat16_instructions": []})
    assert variants.machine() == "Intel Xeon, no bfloat16 instructions"


def test_todays_settings_are_the_notebooks_recipe():
    from helpers.models import COURSE_RECIPE

    today = variants.current_settings()
    assert set(today) == variants.NETWORK | variants.RECIPE
    assert today["epochs"] == COURSE_RECIPE["epochs"]
    assert today["filters"] == [24, 48] and today["warmup"] == 0.25
    from helpers.models import SPRINT_RECIPE

    sprint = variants.current_settings("sprint")
    assert sprint["epochs"] == SPRINT_RECIPE["epochs"] == 1
    assert sprint["filters"] == list(SPRINT_RECIPE["filters"])
    assert sprint["warmup"] == SPRINT_RECIPE["warmup"] and sprint["dense"] == today["dense"]


def test_a_variant_that_names_an_unknown_key_is_refused_before_training():
    with pytest.raises(SystemExit, match="unknown keys \\['filter'\\]"):
        variants.run_one({"filter": [24, 48]}, seed=0, threads=1)


def test_the_committed_table_is_the_log_rendered():
    records = [json.loads(line) for line in variants.LOG.read_text().splitlines() if line]
    assert records, "benchmarks/variants.jsonl is empty"
    assert variants.TABLE.read_text() == variants.render(
        records, variants.current_settings(), variants.current_settings("sprint")), \
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
    assert not model.optimizer.use_ema
    monkeypatch.setitem(models.COURSE_RECIPE, "ema_momentum", 0.999)
    model, _, _ = train_speed.build("course_notebook05", 1, 1000)
    assert model.optimizer.use_ema and model.optimizer.ema_momentum == 0.999
    assert not variants.LEVERS & set(variants.current_settings())
    assert not variants.LEVERS & set(variants.current_settings("sprint"))
