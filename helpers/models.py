"""Build and train: the course's CNN, its one-cycle learning rate, and its input pipeline.

Notebook 05 explains every choice; benchmarks/train_speed.py measures them.
"""

from __future__ import annotations

import inspect
import math
import numbers
import os
import re
import sys
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from helpers.data import course_path


def choose_precision(gpu_capabilities: list[tuple[int, int]], cpu_flags: str) -> str:
    """The Keras dtype policy that computes fastest on these devices, without losing accuracy.

    On a GPU (its CUDA compute capability, e.g. (7, 5) for a T4), the GPU decides: bfloat16
    from Ampere (8.0) on, where the GPU supports it; float16 on Volta and Turing (7.x), whose
    tensor cores are fast at it (Keras then scales the loss so small gradients survive);
    float32 on older GPUs. On a CPU, bfloat16 where the CPU has bfloat16 instructions
    (avx512_bf16 or amx_bf16 among its flags); elsewhere it would be emulated, so float32.
    """
    if gpu_capabilities:
        slowest = min(gpu_capabilities)
        if slowest >= (8, 0):
            return "mixed_bfloat16"
        return "mixed_float16" if slowest >= (7, 0) else "float32"
    flags = set(cpu_flags.split())
    return "mixed_bfloat16" if flags & {"avx512_bf16", "amx_bf16"} else "float32"


PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")


def use_fast_precision() -> str:
    """Set and return the dtype policy `choose_precision` picks for this machine.

    On a 2-core CPU with bfloat16 instructions, notebook 05's recipe trained in 0.91 of
    float32's time (benchmarks/RESULTS-bfloat16.md); a Colab T4 GPU computes in float16,
    even when its host CPU reports bfloat16 instructions. DIGITS_COURSE_PRECISION, if set,
    names the policy instead: make notebooks sets float32, so the committed runs show what a
    CPU without bfloat16 does, whichever CPU executed them.
    """
    forced = os.environ.get("DIGITS_COURSE_PRECISION")
    if forced is not None:
        if forced not in PRECISIONS:
            raise ValueError(f"DIGITS_COURSE_PRECISION must be one of {', '.join(PRECISIONS)}; "
                             f"got {forced!r}. Unset it to let the machine decide.")
        keras.mixed_precision.set_global_policy(forced)
        return forced
    gpus = tf.config.list_physical_devices("GPU")
    capabilities = [tuple(tf.config.experimental.get_device_details(gpu)
                          .get("compute_capability") or (0, 0)) for gpu in gpus]
    try:
        flags = " ".join(line.split(":", 1)[1] for line in
                         Path("/proc/cpuinfo").read_text().splitlines()
                         if line.startswith("flags"))
    except OSError:  # not Linux
        flags = ""
    policy = choose_precision(capabilities, flags)
    keras.mixed_precision.set_global_policy(policy)
    return policy


# Batch norm's running statistics (used on new images) follow the batches' statistics with
# this momentum. Keras' default, 0.99, averages over the last ~100 steps; early in a short run
# the weights change a lot in 100 steps, so those statistics lag behind them. 0.9 averages
# over ~10 steps (notebook 05's epoch has 422: 54,000 images at batch 128).
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


def course_cnn(filters: tuple[int, int] = (24, 48), dense: int = 128,
               dropout: float = 0.3) -> keras.Model:
    """The course's CNN: two conv blocks, a dense layer, and ten softmax outputs."""
    inputs = keras.Input(shape=(28, 28, 1))
    x = conv_block(inputs, filters[0])       # 28x28 -> 26x26 -> 13x13
    x = conv_block(x, filters[1])            # 13x13 -> 11x11 -> 5x5
    x = layers.Flatten()(x)                  # 5 * 5 * 48 = 1,200 numbers
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

    `augment` holds augmenter()'s arguments, such as the course recipe's
    {"rotation_deg": 6, "shift": 0.06}.
    """
    _check_training_data(x, y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError(f"batch_size is a whole number of images, such as 128; "
                         f"got {batch_size!r}.")
    known = set(inspect.signature(augmenter).parameters) - {"seed"}
    if augment is not None and not (isinstance(augment, dict) and set(augment) <= known):
        raise ValueError(f"augment is None or a dict with some of the keys {sorted(known)}, "
                         f"e.g. {{'rotation_deg': 6, 'shift': 0.06}}; got {augment!r}.")
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    if augment:
        aug = augmenter(**augment, seed=seed)
        ds = ds.map(lambda a, b: (aug(a, training=True), b),
                    num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


def recipe_epochs(default: int) -> int:
    """The recipe's epochs: `default`, unless DIGITS_COURSE_EPOCHS names another number.

    make test runs every lesson twice, as worked solutions and as the learner edition; it
    sets DIGITS_COURSE_EPOCHS=2 for the second run, so that run does not repeat notebook
    05's full training.
    """
    value = os.environ.get("DIGITS_COURSE_EPOCHS", str(default))
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"DIGITS_COURSE_EPOCHS must be a whole number of epochs, at least 1; "
                         f"got {value!r}. Unset it to train the course's {default} epochs.")
    return int(value)


# The course recipe: notebook 05 trains with it, benchmarks/train_speed.py measures it.
COURSE_RECIPE = {"epochs": recipe_epochs(6), "batch_size": 128, "peak_lr": 0.004,
                 "augment": {"rotation_deg": 6, "shift": 0.06}}
# The same kind of network and schedule on a one-epoch budget: narrower (about half the
# arithmetic per image), without augmentation or dropout, a shorter warm-up and smaller
# batches (more steps in the one epoch): the fastest way to 99% (benchmarks/RESULTS.md).
SPRINT_RECIPE = {"epochs": 1, "batch_size": 64, "peak_lr": 0.006, "warmup": 0.15,
                 "filters": (16, 32), "dropout": 0.0, "augment": None}


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


# Colab runs each notebook in a runtime of its own, whose files go when it ends, so notebook
# 06 would never see the model notebook 05 saved there. With the learner's Google Drive
# mounted (keep_models_in_drive), models go to a folder in it that every runtime can reach.
DRIVE = Path("/content/drive")
DRIVE_MODELS = ("MyDrive", "digits-with-cnns", "models")


def in_colab() -> bool:
    """Whether this runs in Google Colab (its kernel imports google.colab as it starts)."""
    return "google.colab" in sys.modules


def models_dir() -> Path:
    """The folder trained models go to: models/ at the course's root (git-ignored); in Colab
    with Google Drive mounted, MyDrive/digits-with-cnns/models/ in the learner's Drive."""
    if in_colab() and (DRIVE / DRIVE_MODELS[0]).is_dir():
        return DRIVE.joinpath(*DRIVE_MODELS)
    return course_path("models")


def shown(path: Path) -> str:
    """Where a saved model is, in the words a learner would use: models/NAME.keras, or its
    folder in Google Drive."""
    if path.is_relative_to(DRIVE / DRIVE_MODELS[0]):
        return f"{path.relative_to(DRIVE / DRIVE_MODELS[0]).as_posix()} in your Google Drive"
    return f"models/{path.name}"


def keep_models_in_drive() -> None:
    """In Colab, mount Google Drive (Colab asks the learner first) so that models are saved
    to and loaded from it (models_dir); elsewhere, change nothing. Say where models go."""
    if in_colab() and not (DRIVE / DRIVE_MODELS[0]).is_dir():
        try:
            from google.colab import drive  # type: ignore[import-not-found]
            drive.mount(str(DRIVE))
        except Exception as err:  # noqa: BLE001 - declined, or no Drive for this account
            print(f"Google Drive is not mounted ({type(err).__name__}: {err}).")
    folder = models_dir()
    if folder.is_relative_to(DRIVE):
        print(f"Models are kept in your Google Drive, in {'/'.join(DRIVE_MODELS[1:])}/: "
              "notebooks 05, 06 and 08 all save and load them there.")
    elif in_colab():
        print("Models stay in this Colab runtime's models/ and are lost when it ends, so "
              "notebooks 06 and 08 will train a quick stand-in. Run this cell again to mount "
              "Google Drive and keep them.")
    else:
        print("Models are kept in models/ in the course folder, where every notebook finds "
              "them.")


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

    It trains for at least `min_steps` batches (one epoch of the full MNIST is 938; the
    offline default's 4,000 images take 8 epochs), because a few dozen steps leave it
    guessing.
    """
    keras.utils.set_random_seed(seed)
    model = course_cnn(filters=SPRINT_RECIPE["filters"], dropout=SPRINT_RECIPE["dropout"])
    data = train_dataset(x_train, y_train, SPRINT_RECIPE["batch_size"], seed=seed)
    epochs = min(30, max(SPRINT_RECIPE["epochs"], math.ceil(min_steps / len(data))))
    model.compile(optimizer=keras.optimizers.Adam(one_cycle(SPRINT_RECIPE["peak_lr"],
                                                           epochs * len(data),
                                                           SPRINT_RECIPE["warmup"])),
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
            print(f"{shown(path)} could not be loaded ({type(err).__name__}); "
                  "training a quick model instead.")
        else:
            shapes = (tuple(model.input_shape), tuple(model.output_shape))
            if shapes == ((None, 28, 28, 1), (None, 10)):
                print(f"Loaded the model notebook 05 saved: {shown(path)}.")
                return model
            print(f"{shown(path)} takes {shapes[0]} and gives {shapes[1]}, not a digit "
                  "classifier for (None, 28, 28, 1) images: training a quick model instead.")
    else:
        where = ("models/" if not models_dir().is_relative_to(DRIVE) else
                 f"{'/'.join(DRIVE_MODELS[1:])}/ in your Google Drive")
        hint = ("; in Colab, mount Google Drive in notebook 05 and here to share its model"
                if in_colab() and where == "models/" else "")
        print(f"No saved model in {where} (run notebook 05 to make one{hint}): "
              "training a quick stand-in with the sprint recipe instead.")
    return quick_model(x_train, y_train)
