"""Time one training epoch of the course CNN under different CPU settings.

    MNIST_NPZ=../shared/data/mnist.npz .venv/bin/python benchmarks/cpu_settings.py

Settings (each in its own process, since TensorFlow fixes threads at start-up):
  float32            Keras' defaults
  mixed_bfloat16     layers compute in bfloat16 (what use_fast_precision picks on CPUs
                     with bfloat16 instructions)
  inter_op=1         one thread for running independent operations side by side
  intra_op=1         one thread inside each operation
Each process times --repeats epochs after a warm-up; the median is reported, and each
setting as a ratio of float32's, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ("float32", "mixed_bfloat16", "inter_op=1", "intra_op=1")


def worker(setting: str, repeats: int) -> list[float]:
    import helpers  # noqa: F401  (quiet TensorFlow start-up)
    import keras
    import tensorflow as tf

    from helpers.data import load_mnist, prepare_images
    from helpers.models import course_cnn, train_dataset

    if setting == "mixed_bfloat16":
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    elif setting == "inter_op=1":
        tf.config.threading.set_inter_op_parallelism_threads(1)
    elif setting == "intra_op=1":
        tf.config.threading.set_intra_op_parallelism_threads(1)
    (x_raw, y), _ = load_mnist(verbose=False)
    model = course_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    data = train_dataset(prepare_images(x_raw), y, 256)
    model.fit(data.take(10), verbose=0, shuffle=False)  # warm-up: tracing
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.fit(data, epochs=1, verbose=0, shuffle=False)
        times.append(round(time.perf_counter() - start, 2))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(worker(args.worker, args.repeats)))
        return
    medians = {}
    for setting in SETTINGS:
        done = subprocess.run([sys.executable, __file__, "--worker", setting,
                               "--repeats", str(args.repeats)],
                              stdout=subprocess.PIPE, text=True, check=True)
        times = json.loads(done.stdout.strip().splitlines()[-1])
        medians[setting] = statistics.median(times)
        print(f"{setting:>15}: median {medians[setting]:5.1f} s per epoch  {times}", flush=True)
    for setting in SETTINGS[1:]:
        print(f"{setting:>15}: {medians[setting] / medians['float32']:.2f} of float32's time")


if __name__ == "__main__":
    main()
