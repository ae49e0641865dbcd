"""Time one training epoch with batch normalisation before and after max pooling.

    MNIST_NPZ=../shared/data/mnist.npz .venv/bin/python benchmarks/bn_placement.py

Both networks are keras-io's small convnet with batch normalisation added; they differ
only in where it sits. Each is timed for --repeats epochs in one process (after a warm-up);
the script prints the median seconds per epoch and their ratio, measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import helpers  # noqa: E402,F401  (quiet TensorFlow start-up)
import keras  # noqa: E402
from keras import layers  # noqa: E402

from helpers.data import load_mnist, prepare_images  # noqa: E402


def network(pool_first: bool) -> keras.Model:
    """Conv-BN-ReLU-Pool twice (pool_first=False), or Conv-Pool-BN-ReLU twice."""
    steps: list = [keras.Input(shape=(28, 28, 1))]
    for filters in (32, 64):
        conv = layers.Conv2D(filters, 3, use_bias=False)
        norm = [layers.BatchNormalization(momentum=0.9), layers.ReLU()]
        steps += [conv, layers.MaxPooling2D(), *norm] if pool_first else \
                 [conv, *norm, layers.MaxPooling2D()]
    steps += [layers.Flatten(), layers.Dense(10, activation="softmax")]
    model = keras.Sequential(steps)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    (x_raw, y), _ = load_mnist()
    x = prepare_images(x_raw)
    medians = {}
    for pool_first in (False, True):
        model = network(pool_first)
        model.fit(x[:2560], y[:2560], batch_size=256, verbose=0)  # warm-up: tracing
        times = []
        for _ in range(args.repeats):
            start = time.perf_counter()
            model.fit(x, y, batch_size=256, epochs=1, verbose=0)
            times.append(time.perf_counter() - start)
        name = "pool, then BN" if pool_first else "BN, then pool"
        medians[name] = statistics.median(times)
        print(f"{name}: median {medians[name]:.1f} s per epoch "
              f"({', '.join(f'{t:.1f}' for t in times)})")
    ratio = medians["pool, then BN"] / medians["BN, then pool"]
    print(f"pool-first takes {ratio:.2f} of the time of BN-first")


if __name__ == "__main__":
    main()
