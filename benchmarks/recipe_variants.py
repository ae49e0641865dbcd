"""Does a change to notebook 05's recipe really raise its test accuracy? Try it on several seeds.

    MNIST_NPZ=../shared/data/mnist.npz .venv/bin/python benchmarks/recipe_variants.py \
        --variant '{}' --variant '{"dropout": 0.1}' --variant '{"filters": [24, 48]}' --seeds 3

Each variant is notebook 05's recipe (`COURSE_RECIPE` and `course_cnn()`'s defaults) with the
given keys changed: filters, dense, dropout (the network), epochs, batch_size, peak_lr, warmup,
augment (the recipe), and four levers the recipe does not use: weight_decay (AdamW instead of
Adam), label_smoothing (one-hot labels), clean_last_epoch (true: no augmentation in the
last epoch) and ema_momentum (score the weights' moving average, Keras' `use_ema`);
`{}` is the recipe unchanged. Every run trains
exactly as `train_speed.py`'s `course_notebook05` does (its own worker, in a fresh process)
and scores the test set after the last epoch. With `--base sprint` the variants are of the
one-epoch sprint instead (`SPRINT_RECIPE`, trained as `train_speed.py`'s `course`), and
the table also counts the runs that reached 99.0%.

Runs compute in the precision `use_fast_precision` chooses (bfloat16 on a CPU with
instructions for it), as notebook 05 does, or in float32 with `--float32`; a row that did not
compute in float32 names its precision.

Seeds change the test accuracy by about as much as most single changes do, so the table gives
every seed's result beside the median. With `--jobs 2` two single-threaded runs share the
machine: accuracy is unaffected, but the seconds are then not comparable with RESULTS.md, so
the table gives training seconds only for runs made one at a time (`--jobs 1`).
Every run is appended to variants.jsonl with the full settings it trained with, so the log
stays true when the recipe changes; VARIANTS.md is rewritten from all of it, each row named
by how its settings differ from today's recipe.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOG, TABLE = HERE / "variants.jsonl", HERE / "VARIANTS.md"
NETWORK = {"filters", "dense", "dropout"}
RECIPE = {"epochs", "batch_size", "peak_lr", "warmup", "augment"}
# train_speed.build and worker use these; the course does not
LEVERS = {"weight_decay", "label_smoothing", "clean_last_epoch", "ema_momentum"}
# Which recipe the variants change, and the train_speed.py recipe that trains it.
BASES = {"notebook05": ("COURSE_RECIPE", "course_notebook05"), "sprint": ("SPRINT_RECIPE", "course")}


def current_settings(base: str = "notebook05") -> dict:
    """Today's recipe in full: course_cnn()'s defaults, then the base's recipe (COURSE_RECIPE
    or SPRINT_RECIPE) over them, warm-up included."""
    import inspect

    sys.path[:0] = [str(HERE.parent)]
    import helpers.models as models

    found = {name: p.default for name, p in
             inspect.signature(models.course_cnn).parameters.items()}
    found["warmup"] = inspect.signature(models.one_cycle).parameters["warmup"].default
    found.update(getattr(models, BASES[base][0]))
    return json.loads(json.dumps({k: found[k] for k in sorted(NETWORK | RECIPE)}))


def machine() -> str:
    """The CPU that trained, and its bfloat16 instructions, as a row of the table names it."""
    sys.path[:0] = [str(HERE)]
    import train_speed

    where = train_speed.machine()
    bf16 = ", ".join(where["bfloat16_instructions"])
    return f"{where['cpu']}, " + (f"with {bf16}" if bf16 else "no bfloat16 instructions")


def run_one(variant: dict, seed: int, threads: int, float32: bool = False,
            base: str = "notebook05") -> dict:
    """Train one variant for one seed in this process; return its record."""
    import functools

    unknown = set(variant) - NETWORK - RECIPE - LEVERS
    if unknown:
        raise SystemExit(f"unknown keys {sorted(unknown)}; use some of "
                         f"{sorted(NETWORK | RECIPE | LEVERS)}")
    settings = {**current_settings(base), **json.loads(json.dumps(variant))}
    import tensorflow as tf

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    sys.path[:0] = [str(HERE.parent), str(HERE)]
    import helpers.models as models
    import train_speed

    recipe = getattr(models, BASES[base][0])
    network = {k: tuple(v) if k == "filters" else v for k, v in variant.items() if k in NETWORK}
    recipe.update({k: v for k, v in variant.items() if k in RECIPE | LEVERS})
    # train_speed.build takes filters and dropout from the recipe where it has them (the sprint).
    recipe.update({k: v for k, v in network.items() if k in recipe})
    models.course_cnn = functools.partial(models.course_cnn, **network)
    record = train_speed.worker(BASES[base][1], recipe["epochs"], seed, float32)
    return {"variant": variant, "settings": settings, "seed": seed, "threads": threads,
            "precision": record["precision"], "base": base, "cpu": machine(),
            "date": time.strftime("%Y-%m-%d"),
            "params": record["params"], "final_accuracy": record["final_accuracy"],
            "accuracy_by_epoch": [e["accuracy"] for e in record["epochs"]],
            "train_seconds": record["epochs"][-1]["seconds"]}


def spawn(variant: dict, seed: int, threads: int, jobs: int, float32: bool = False,
          base: str = "notebook05") -> dict:
    """run_one in a fresh Python process (TensorFlow's threads are fixed at start-up)."""
    cmd = [sys.executable, __file__, "--run", json.dumps(variant), "--seed", str(seed),
           "--threads", str(threads), "--base", base] + (["--float32"] if float32 else [])
    done = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "jobs": jobs}


def rows_of(records: list[dict], today: dict, sprint: bool = False) -> list[str]:
    """One table row per setting and precision: every seed's final accuracy, the median,
    (for the sprint) how many runs reached 99.0%, the median training seconds of the runs
    made one at a time, and the CPUs that trained it."""
    rows = {}
    for r in records:
        # Runs logged before precision was recorded all computed in float32.
        key = (json.dumps(r["settings"], sort_keys=True), r.get("precision", "float32"))
        rows.setdefault(key, []).append(r)
    lines = []
    for key, rs in rows.items():
        rs = sorted(rs, key=lambda r: r["seed"])
        differs = {k: v for k, v in rs[0]["settings"].items() if today.get(k) != v}
        accs = [r["final_accuracy"] for r in rs]
        seeds = ", ".join(f"{r['seed']}: {r['final_accuracy']:.2%}" for r in rs)
        alone = [r["train_seconds"] for r in rs
                 if r["jobs"] == 1 and r["train_seconds"] is not None]
        places = 1 if sprint else 0  # the sprint's one epoch takes seconds, not minutes
        seconds = f"{statistics.median(alone):.{places}f} ({len(alone)})" if alone else "–"
        precision = "" if key[1] == "float32" else f" in {key[1]}"
        reached = f" {sum(a >= 0.99 for a in accs)} of {len(rs)} |" if sprint else ""
        cpus = "; ".join(sorted({r.get("cpu", "not recorded") for r in rs}))
        lines.append(f"| `{json.dumps(differs, sort_keys=True)}`{precision} | "
                     f"{rs[0]['params']:,} | {len(rs)} | {seeds} | "
                     f"**{statistics.median(accs):.2%}** |{reached} {seconds} | {cpus} |")
    return lines


def render(records: list[dict], today: dict, sprint_today: dict | None = None) -> str:
    """VARIANTS.md: a table of notebook 05's variants and, if any were run, one of the
    sprint's."""
    course = [r for r in records if r.get("base", "notebook05") == "notebook05"]
    sprint = [r for r in records if r.get("base") == "sprint"]
    lines = ["# Variants of notebook 05's recipe", "",
             "Written by `benchmarks/recipe_variants.py` from every run in `variants.jsonl`. "
             "Each row is named by how its settings differ from notebook 05's recipe today "
             f"(`{{}}`: the recipe itself, `{json.dumps(today, sort_keys=True)}`), was trained as "
             "`train_speed.py`'s `course_notebook05` and scored on the 10,000 test images after "
             "the last epoch, on a 2-core CPU, in float32 unless the row names another "
             "precision. Training seconds are the median of the runs made one at a time "
             "(`--jobs 1`, TensorFlow's default threads); runs that shared the machine are left "
             "out of them. The machine's speed drifts from hour to hour, and CPUs differ (the "
             "last column names them; for runs logged before the log recorded its CPU, from "
             "the note of the session that ran it), so compare seconds only between variants "
             "timed in the same invocation.", "",
             "| variant | parameters | runs | final test accuracy by seed | median | "
             "training s (runs one at a time) | CPU |",
             "| --- | --- | --- | --- | --- | --- | --- |"] + rows_of(course, today)
    if sprint:
        lines += ["", "## Variants of the sprint", "",
                  "The same, for the one-epoch sprint (`--base sprint`): each row is named by how "
                  "its settings differ from `SPRINT_RECIPE` today "
                  f"(`{json.dumps(sprint_today, sort_keys=True)}`), was trained as "
                  "`train_speed.py`'s `course` and scored after its one epoch. The sprint's goal "
                  "is 99.0% in at most a tenth of keras-io's time, so the table counts the runs "
                  "that reached 99.0%.", "",
                  "| variant | parameters | runs | final test accuracy by seed | median | "
                  "reached 99.0% | training s (runs one at a time) | CPU |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        lines += rows_of(sprint, sprint_today, sprint=True)
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--variant", action="append", default=[],
                        help="JSON of the keys to change, e.g. '{\"dropout\": 0.1}'")
    parser.add_argument("--seeds", type=int, default=3, help="runs per variant")
    parser.add_argument("--first-seed", type=int, default=0,
                        help="seeds first-seed, first-seed + 1, ...: add seeds to earlier runs")
    parser.add_argument("--jobs", type=int, default=1, help="runs at once")
    parser.add_argument("--threads", type=int, default=0,
                        help="TensorFlow threads per run (0: its default; 1 with --jobs 2)")
    parser.add_argument("--base", choices=sorted(BASES), default="notebook05",
                        help="the recipe the variants change: notebook 05's, or the sprint")
    parser.add_argument("--float32", action="store_true",
                        help="compute in float32 even where the CPU has bfloat16")
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run_one(json.loads(args.run), args.seed, args.threads, args.float32,
                                 args.base)))
        return 0
    if not os.environ.get("MNIST_NPZ"):
        print("Set MNIST_NPZ to the full mnist.npz: the recipe is measured on full MNIST.",
              file=sys.stderr)
        return 2
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    jobs = [(json.loads(v), seed) for v in args.variant for seed in seeds]
    with ThreadPoolExecutor(args.jobs) as pool:
        for record in pool.map(lambda job: spawn(*job, args.threads, args.jobs, args.float32,
                                                 args.base), jobs):
            print(json.dumps(record), flush=True)
            with LOG.open("a") as log:
                log.write(json.dumps(record) + "\n")
    records = [json.loads(line) for line in LOG.read_text().splitlines() if line.strip()]
    TABLE.write_text(render(records, current_settings(), current_settings("sprint")))
    print(TABLE.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
