"""Build and train: the course's CNN, its one-cycle learning rate, and its input pipeline.

Notebook 05 explains every choice; benchmarks/train_speed.py measures them.
"""

from __future__ import annotations

import inspect
import math
import numbers
import re
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from helpers.data import course_path


def use_fast_precision() -> str:
    """Compute in bfloat16 where the CPU has bfloat16 instructions; else keep float32.

    On a CPU with them (avx512_bf16 or amx_bf16) an epoch takes about 30% less time;
    on one without, bfloat16 is emulated and slower, so float32 stays.
    """
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:  # not Linux
        flags = ""
    policy = "mixed_bfloat16" if ("avx512_bf16" in flags or "amx_bf16" in flags) else "float32"
    keras.mixed_precision.set_global_policy(policy)
    return policy


# Keras' default, 0.99, averages over ~100 steps: an epoch of notebook 05's 54,000 training
# images at batch 256 has only 211, so after the first epoch the running statistics still
# lag far behind the weights and the model scores poorly on new images.
BN_MOMENTUM = 0.9


def conv_block(x, filters: int):
    """3x3 convolution, 2x2 max pooling, batch normalisation, ReLU: the repeating unit.

    Pooling comes before normalising, so batch norm works on a quarter of the values
    (benchmarks/bn_placement.py times both orders).
    """
    x = layers.Conv2D(filters, 3, use_bias=False)(x)
    x = layers.MaxPooling2D()(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM)(x)
    return layers.Activation("relu")(x)


def course_cnn(filters: tuple[int, int] = (32, 64), dense: int = 256,
               dropout: float = 0.3) -> keras.Model:
    """The course's CNN: two conv blocks, a dense layer, and ten softmax outputs."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = conv_block(inputs, filters[0])       # 28x28 -> 26x26 -> 13x13
    x = conv_block(x, filters[1])            # 13x13 -> 11x11 -> 5x5
    x = layers.Flatten()(x)                  # 5 * 5 * 64 = 1,600 numbers
    x = layers.Dense(dense, use_bias=False)(x)
    x = layers.BatchNormalization(momentum=BN_MOMENTUM)(x)
    x = layers.Activation("relu")(x)
    x = layers.Dropout(dropout)(x)
    # float32 here even under mixed precision: a softmax needs the precision.
    outputs = layers.Dense(10, activation="softmax", dtype="float32")(x)
    return keras.Model(inputs, outputs, name="course_cnn")


def one_cycle(peak: float, total_steps: int, warmup: float = 0.25
              ) -> keras.optimizers.schedules.CosineDecay:
    """Learning rate that rises linearly from 0 to `peak`, then falls to 0 along a cosine.

    It is Keras' own `CosineDecay` with a warm-up, so a saved model's optimizer needs
    nothing from this course to load.
    """
    if not (isinstance(peak, numbers.Real) and peak > 0):
        raise ValueError(f"peak is the highest learning rate, a positive number such as "
                         f"0.003; got {peak!r}.")
    if isinstance(total_steps, bool) or not isinstance(total_steps, (int, np.integer)) \
            or total_steps < 1:
        raise ValueError(f"total_steps counts the batches of the whole run (epochs x batches "
                         f"per epoch), a whole number of at least 1; got {total_steps!r}.")
    if not (isinstance(warmup, numbers.Real) and 0 <= warmup < 1):
        raise ValueError(f"warmup is the fraction of the steps spent rising, from 0 to under "
                         f"1, such as 0.25; got {warmup!r}.")
    up = max(1, round(warmup * total_steps))
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0, decay_steps=max(1, total_steps - up),
        warmup_target=peak, warmup_steps=up)


def augmenter(rotation_deg: float = 10, shift: float = 0.1, zoom: float = 0.0,
              seed: int = 0) -> keras.Sequential:
    """Keras preprocessing layers that rotate, shift (and optionally zoom) a batch at random.

    Each resampling blurs a little, so only the rotation interpolates; shifts move whole
    pixels (`nearest`), keeping strokes as sharp as in the test images.
    """
    steps = [layers.RandomRotation(rotation_deg / 360, fill_mode="constant", seed=seed)]
    if zoom:
        steps.append(layers.RandomZoom(zoom, fill_mode="constant", seed=seed + 1))
    steps.append(layers.RandomTranslation(shift, shift, fill_mode="constant",
                                          interpolation="nearest", seed=seed + 2))
    return keras.Sequential(steps, name="augment")


def _check_training_data(x: np.ndarray, y: np.ndarray) -> None:
    """Raise a plain-words ValueError unless x holds scaled images (N, 28, 28, 1), one y each."""
    if not isinstance(x, np.ndarray) or x.ndim != 4 or x.dtype.kind != "f":
        shape = getattr(x, "shape", None)
        raise ValueError(f"Expected the training images as a float array shaped "
                         f"(N, 28, 28, 1), got {type(x).__name__}"
                         + (f" {shape} of {x.dtype}" if shape is not None else "")
                         + ": use prepare_images(x_train_raw).")
    if x.size and float(x.max()) > 1:
        raise ValueError(f"The training images go up to {float(x.max()):g}: they are raw "
                         "pixels. Scale them to [0, 1] with prepare_images(x_train_raw).")
    if len(np.shape(y)) not in (1, 2) or len(y) != len(x):
        raise ValueError(f"{len(x):,} images need {len(x):,} labels, shape (N,) or one-hot "
                         f"(N, 10); got labels shaped {np.shape(y)}.")


def train_dataset(x: np.ndarray, y: np.ndarray, batch_size: int, augment: dict | None = None,
                  seed: int = 0) -> tf.data.Dataset:
    """An in-memory tf.data pipeline: shuffle each epoch, batch, augment, prefetch.

    `augment` holds augmenter()'s arguments, e.g. {"rotation_deg": 8, "shift": 0.08}.
    """
    _check_training_data(x, y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError(f"batch_size is a whole number of images, such as 128; "
                         f"got {batch_size!r}.")
    known = set(inspect.signature(augmenter).parameters) - {"seed"}
    if augment is not None and not (isinstance(augment, dict) and set(augment) <= known):
        raise ValueError(f"augment is None or a dict with some of the keys {sorted(known)}, "
                         f"e.g. {{'rotation_deg': 8, 'shift': 0.08}}; got {augment!r}.")
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    if augment:
        aug = augmenter(**augment, seed=seed)
        ds = ds.map(lambda a, b: (aug(a, training=True), b),
                    num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


# The course recipe: notebook 05 trains with it, benchmarks/train_speed.py measures it.
COURSE_RECIPE = {"epochs": 15, "batch_size": 256, "peak_lr": 0.003,
                 "augment": {"rotation_deg": 8, "shift": 0.08}}
# The same network and schedule on a one-epoch budget, without augmentation: the fastest
# way to 99% (benchmarks/RESULTS.md).
SPRINT_RECIPE = {"epochs": 1, "batch_size": 128, "peak_lr": 0.008, "augment": None}


class EpochLog(keras.callbacks.Callback):
    """Print one short line per epoch instead of Keras' progress bars."""

    def on_train_begin(self, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        parts = [f"epoch {epoch + 1:2d}/{self.params['epochs']}"]
        for key, label in (("loss", "loss"), ("accuracy", "accuracy"),
                           ("val_loss", "val_loss"), ("val_accuracy", "val_accuracy")):
            if key in logs:
                value = logs[key]
                parts.append(f"{label} {value:.2%}" if "accuracy" in key else
                             f"{label} {value:.4f}")
        parts.append(f"{time.perf_counter() - self.start:5.0f} s")
        print("  ".join(parts), flush=True)


def models_dir() -> Path:
    """The folder trained models go to: models/ at the course's root (git-ignored)."""
    return course_path("models")


def save_new(model: keras.Model, name: str = "course_cnn") -> Path:
    """Save to models/NAME.keras, or NAME_2.keras, ... if that exists: never overwrite."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"save_new saves a Keras model, got {type(model).__name__}.")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", name):
        raise ValueError(f"name is a plain file name without folder or .keras, such as "
                         f"'course_cnn'; got {name!r}.")
    folder = models_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path, n = folder / f"{name}.keras", 1
    while path.exists():
        n += 1
        path = folder / f"{name}_{n}.keras"
    model.save(path)
    return path


def latest_model(name: str = "course_cnn") -> Path | None:
    """The most recently saved models/NAME.keras or NAME_2.keras, ..., or None if there is none.

    Other files (models/NAME_small.keras, say) are not taken for the course's.
    """
    found = [p for p in models_dir().glob(f"{name}*.keras")
             if re.fullmatch(rf"{re.escape(name)}(_\d+)?\.keras", p.name)]
    found.sort(key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def quick_model(x_train: np.ndarray, y_train: np.ndarray, min_steps: int = 450,
                seed: int = 0) -> keras.Model:
    """Train the course CNN with the sprint recipe: a stand-in when no model was saved.

    It trains for at least `min_steps` batches (one epoch of the full MNIST; about 15 of
    the offline default's 4,000 images), because a few dozen steps leave it guessing.
    """
    keras.utils.set_random_seed(seed)
    model = course_cnn()
    data = train_dataset(x_train, y_train, SPRINT_RECIPE["batch_size"], seed=seed)
    epochs = min(30, max(SPRINT_RECIPE["epochs"], math.ceil(min_steps / len(data))))
    model.compile(optimizer=keras.optimizers.Adam(one_cycle(SPRINT_RECIPE["peak_lr"],
                                                           epochs * len(data))),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(data, epochs=epochs, shuffle=False, verbose=0)
    return model


def load_or_train(x_train: np.ndarray, y_train: np.ndarray) -> keras.Model:
    """Load the newest saved course model; if there is none, train a quick one and say so."""
    _check_training_data(x_train, y_train)
    path = latest_model()
    if path is not None:
        try:
            model = keras.models.load_model(path)
        except Exception as err:  # a half-written or foreign file
            print(f"models/{path.name} could not be loaded ({type(err).__name__}); "
                  "training a quick model instead.")
        else:
            shapes = (tuple(model.input_shape), tuple(model.output_shape))
            if shapes == ((None, 28, 28, 1), (None, 10)):
                print(f"Loaded the model notebook 05 saved: models/{path.name}.")
                return model
            print(f"models/{path.name} takes {shapes[0]} and gives {shapes[1]}, not a digit "
                  "classifier for (None, 28, 28, 1) images: training a quick model instead.")
    else:
        print("No saved model in models/ (run notebook 05 to make one): "
              "training a quick stand-in with the sprint recipe instead.")
    return quick_model(x_train, y_train)
