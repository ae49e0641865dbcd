"""benchmarks/recipe_variants.py: its table and its refusal of unknown keys (no training)."""

import importlib.util
import json
from pathlib import Path

import pytest

PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "recipe_variants.py"
spec = importlib.util.spec_from_file_location("recipe_variants", PATH)
variants = importlib.util.module_from_spec(spec)
spec.loader.exec_module(variants)


def record(variant, seed, accuracy, params=109146):
    return {"variant": variant, "seed": seed, "threads": 1, "params": params,
            "final_accuracy": accuracy, "accuracy_by_epoch": [accuracy],
            "train_seconds": 1.0}


def test_the_table_has_one_row_per_variant_with_every_seed_and_the_median():
    table = variants.render([
        record({}, 1, 0.9945), record({}, 0, 0.9949), record({}, 2, 0.9950),
        record({"filters": [24, 48]}, 0, 0.9956, params=166274),
        record({"filters": [24, 48]}, 1, 0.9952, params=166274)])
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == 2
    assert rows[0] == ("| `{}` | 109,146 | 3 | 0: 99.49%, 1: 99.45%, 2: 99.50% | **99.49%** |")
    assert rows[1].startswith('| `{"filters": [24, 48]}` | 166,274 | 2 |')
    assert rows[1].endswith("| **99.54%** |")


def test_a_variant_that_names_an_unknown_key_is_refused_before_training():
    with pytest.raises(SystemExit, match="unknown keys \\['filter'\\]"):
        variants.run_one({"filter": [24, 48]}, seed=0, threads=1)


def test_the_committed_table_is_the_log_rendered():
    records = [json.loads(line) for line in variants.LOG.read_text().splitlines() if line]
    assert records, "benchmarks/variants.jsonl is empty"
    assert variants.TABLE.read_text() == variants.render(records), \
        "VARIANTS.md is stale: run benchmarks/recipe_variants.py, which rewrites it"
