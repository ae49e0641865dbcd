"""Time one training epoch of the course CNN under different CPU settings.

    MNIST_NPZ=../shared/data/mnist.npz .venv/bin/python benchmarks/cpu_settings.py \
        [--settings float32,batch=256,filters=16x48] [--repeats 3]

Settings (each in its own process, since TensorFlow fixes threads at start-up):
  float32            Keras' defaults, with notebook 05's batch size and augmentation
                     (COURSE_RECIPE): the baseline
  batch=N            the same with batches of N images (batch=256 by default)
  filters=AxB        the same with course_cnn(filters=(A, B)), e.g. filters=16x48
  mixed_bfloat16     layers compute in bfloat16 (what use_fast_precision picks on CPUs
                     with bfloat16 instructions)
  inter_op=1         one thread for running independent operations side by side
  intra_op=1         one thread inside each operation
Each process trains on the 54,000 images notebook 05 trains on and times --repeats epochs
after a warm-up. Two clocks: *seconds* (wall clock, what a learner waits) and *CPU seconds*
(the work the process did, on all cores together). On a shared machine the wall clock also
counts the moments when another guest has a core, the CPU seconds hardly; so compare
settings by their CPU seconds when the seconds disagree. Medians are reported, and each
setting as a ratio of float32's, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ("float32", "batch=256", "mixed_bfloat16", "inter_op=1", "intra_op=1")


def worker(setting: str, repeats: int) -> list[tuple[float, float]]:
    """Train in this process; return (seconds, CPU seconds) for each timed epoch."""
    import helpers  # noqa: F401  (quiet TensorFlow start-up)
    import keras
    import tensorflow as tf

    from helpers.data import load_mnist, prepare_images
    from helpers.models import COURSE_RECIPE, course_cnn, train_dataset

    if setting == "mixed_bfloat16":
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    elif setting == "inter_op=1":
        tf.config.threading.set_inter_op_parallelism_threads(1)
    elif setting == "intra_op=1":
        tf.config.threading.set_intra_op_parallelism_threads(1)
    batch = (int(setting.split("=")[1]) if setting.startswith("batch=")
             else COURSE_RECIPE["batch_size"])
    width = (tuple(int(n) for n in setting.split("=")[1].split("x"))
             if setting.startswith("filters=") else None)
    (x_raw, y), _ = load_mnist(verbose=False)
    keras.utils.set_random_seed(0)
    model = course_cnn(filters=width) if width else course_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    data = train_dataset(prepare_images(x_raw)[:54_000], y[:54_000], batch,
                         augment=COURSE_RECIPE["augment"])
    model.fit(data.take(10), verbose=0, shuffle=False)  # warm-up: tracing
    times = []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        model.fit(data, epochs=1, verbose=0, shuffle=False)
        times.append((round(time.perf_counter() - start, 2),
                      round(time.process_time() - cpu, 2)))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--settings", default=",".join(SETTINGS),
                        help="comma-separated, from: " + ", ".join(SETTINGS)
                        + " (batch=N takes any batch size N; filters=AxB, e.g. filters=16x48, "
                        "the two blocks' filters)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(worker(args.worker, args.repeats)))
        return
    chosen = list(dict.fromkeys(args.settings.split(",")))
    unknown = [s for s in chosen if s not in SETTINGS
               and not re.fullmatch(r"batch=[1-9]\d*|filters=[1-9]\d*x[1-9]\d*", s)]
    if unknown or "float32" not in chosen:
        raise SystemExit(f"--settings takes float32 (the baseline) and any of {SETTINGS}, "
                         f"or batch=N for another batch size, or filters=AxB for other "
                         f"widths; got {args.settings!r}")
    medians = {}
    for setting in ["float32"] + [s for s in chosen if s != "float32"]:
        done = subprocess.run([sys.executable, __file__, "--worker", setting,
                               "--repeats", str(args.repeats)],
                              stdout=subprocess.PIPE, text=True, check=True)
        times = json.loads(done.stdout.strip().splitlines()[-1])
        medians[setting] = (statistics.median(t for t, _ in times),
                            statistics.median(c for _, c in times))
        print(f"{setting:>15}: median {medians[setting][0]:5.1f} s, "
              f"{medians[setting][1]:5.1f} CPU s per epoch  (s, CPU s): {times}", flush=True)
    base = medians["float32"]
    for setting, (seconds, cpu) in medians.items():
        if setting != "float32":
            print(f"{setting:>15}: {seconds / base[0]:.2f} of float32's seconds, "
                  f"{cpu / base[1]:.2f} of its CPU seconds")


if __name__ == "__main__":
    main()
