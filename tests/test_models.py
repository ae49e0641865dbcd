"""helpers.models: the course CNN, its schedule, pipeline, log, and safe saving."""

import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import helpers.models as models
from helpers.checks import check_model
from helpers.models import (EpochLog, course_cnn, latest_model, load_or_train, one_cycle,
                            save_new, train_dataset)

RNG = np.random.default_rng(0)
X = RNG.random((64, 28, 28, 1), dtype=np.float32)
Y = (np.arange(64) % 10).astype(np.uint8)


@pytest.fixture
def models_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "models_dir", lambda: tmp_path)
    return tmp_path


def test_course_cnn_is_a_well_formed_classifier():
    model = course_cnn()
    assert model.output_shape == (None, 10)
    assert check_model(model).ok
    out = model.predict(X[:3], verbose=0)
    np.testing.assert_allclose(out.sum(axis=1), 1, atol=1e-5)


def test_one_cycle_rises_then_falls_to_zero():
    schedule = one_cycle(peak=0.01, total_steps=100, warmup=0.25)
    assert type(schedule) is keras.optimizers.schedules.CosineDecay  # Keras' own class
    rates = np.array([float(schedule(s)) for s in range(101)])
    assert rates[0] == 0
    assert rates.argmax() == 25 and rates.max() == pytest.approx(0.01)
    assert np.all(np.diff(rates[:26]) > 0) and np.all(np.diff(rates[25:]) <= 1e-9)
    assert rates[-1] == pytest.approx(0, abs=1e-8)


def test_train_dataset_batches_and_augments_without_changing_shapes():
    ds = train_dataset(X, Y, batch_size=16, augment={"rotation_deg": 8, "shift": 0.08}, seed=0)
    batches = list(ds)
    assert len(batches) == 4
    assert batches[0][0].shape == (16, 28, 28, 1)
    seen = np.concatenate([b[1].numpy() for b in batches])
    assert sorted(seen.tolist()) == sorted(Y.tolist())  # every label once per epoch


def test_epoch_log_prints_one_line_per_epoch(capsys):
    model = course_cnn()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, Y, epochs=2, batch_size=32, validation_data=(X, Y), verbose=0,
              callbacks=[EpochLog()])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("epoch  1/2") and "val_accuracy" in lines[0]


def test_save_new_never_overwrites(models_tmp):
    first = save_new(course_cnn())
    before = first.read_bytes()
    second = save_new(course_cnn())
    assert first.name == "course_cnn.keras" and second.name == "course_cnn_2.keras"
    assert first.read_bytes() == before
    assert latest_model() == second


# Loads each file in a fresh Python that cannot import `helpers`, as a learner's other
# project (or a colleague without this course) would.
PLAIN_KERAS = textwrap.dedent("""
    import importlib.abc, os, sys
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"

    class NoHelpers(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "helpers" or name.startswith("helpers."):
                raise ImportError("this process must not import helpers")

    sys.meta_path.insert(0, NoHelpers())
    import keras, numpy as np
    for path in sys.argv[1:]:
        model = keras.models.load_model(path)
        p = model.predict(np.zeros((2, 28, 28, 1), "float32"), verbose=0)
        print(path, p.shape, round(float(p.sum()), 3), type(model.optimizer).__name__)
    assert not any(m == "helpers" or m.startswith("helpers.") for m in sys.modules)
""")


def test_saved_models_load_in_plain_keras_without_helpers(models_tmp):
    """save_new's file and notebook 05's checkpoint, each loaded and used by Keras alone."""
    keras.utils.set_random_seed(0)
    model = course_cnn()
    model.compile(optimizer=keras.optimizers.Adam(one_cycle(0.003, 10)),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    checkpoint = models_tmp / "checkpoints" / "run-20260101-000000.keras"
    checkpoint.parent.mkdir()
    model.fit(X, Y, batch_size=32, epochs=1, validation_data=(X, Y), verbose=0,
              callbacks=[keras.callbacks.ModelCheckpoint(checkpoint, monitor="val_accuracy",
                                                         save_best_only=True)])
    saved = save_new(model)
    assert checkpoint.is_file() and saved.is_file()
    run = subprocess.run([sys.executable, "-c", PLAIN_KERAS, str(saved), str(checkpoint)],
                         cwd=models_tmp, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.strip().splitlines()
    assert lines == [f"{saved} (2, 10) 2.0 Adam", f"{checkpoint} (2, 10) 2.0 Adam"]


def test_load_or_train_without_a_model_says_so(models_tmp, capsys):
    model = load_or_train(X, Y)
    assert "No saved model" in capsys.readouterr().out
    assert model.output_shape == (None, 10)


def test_load_or_train_survives_a_corrupt_file(models_tmp, capsys):
    (models_tmp / "course_cnn.keras").write_bytes(b"not a model")
    model = load_or_train(X, Y)
    assert "could not be loaded" in capsys.readouterr().out
    assert model.output_shape == (None, 10)
    assert (models_tmp / "course_cnn.keras").read_bytes() == b"not a model"  # left alone


def test_load_or_train_loads_the_saved_model(models_tmp, capsys):
    saved = course_cnn()
    save_new(saved)
    loaded = load_or_train(X, Y)
    assert "Loaded the model notebook 05 saved" in capsys.readouterr().out
    np.testing.assert_allclose(loaded.predict(X[:2], verbose=0), saved.predict(X[:2], verbose=0),
                               atol=1e-6)


def test_stand_in_trains_for_steps_not_just_two_epochs():
    """On a small set an epoch is a few batches: the stand-in must still train enough."""
    x = np.repeat(X, 20, axis=0)  # 1,280 images: 20 batches of 64 per epoch
    y = np.repeat(Y, 20)
    model = models.quick_model(x, y, min_steps=200)
    assert int(model.optimizer.iterations.numpy()) == 200  # 10 epochs of 20 batches
    convs = [layer.filters for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    assert tuple(convs) == models.SPRINT_RECIPE["filters"]  # the sprint's narrower network


def test_latest_model_ignores_other_models_named_alike(models_tmp):
    first = save_new(course_cnn())
    save_new(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]), "course_cnn_small")
    assert latest_model() == first


def test_load_or_train_refuses_a_model_that_reads_other_images(models_tmp, capsys):
    save_new(keras.Sequential([keras.Input((4,)), keras.layers.Dense(10)]))
    model = load_or_train(X, Y)
    assert "not a digit classifier" in capsys.readouterr().out
    assert model.input_shape == (None, 28, 28, 1)


@pytest.mark.parametrize("x, message", [
    ((X * 255).astype(np.uint8), "float array shaped"),
    (X * 255, "raw pixels"),
    (X[..., 0], "float array shaped"),
    (list(X), "got list"),
])
def test_training_helpers_refuse_unprepared_images(x, message):
    with pytest.raises(ValueError, match=message):
        train_dataset(x, Y, batch_size=16)
    with pytest.raises(ValueError, match=message):
        load_or_train(x, Y)


@pytest.mark.parametrize("call, message", [
    (lambda: train_dataset(X, Y[:10], 16), "64 images need 64 labels"),
    (lambda: train_dataset(X, Y, 0), "batch_size"),
    (lambda: train_dataset(X, Y, 16, augment={"rotate": 8}), "augment is None or a dict"),
    (lambda: one_cycle(0.003, 0), "total_steps"),
    (lambda: one_cycle("0.003", 10), "peak"),
    (lambda: one_cycle(0.003, 10, warmup=25), "warmup"),
    (lambda: save_new(course_cnn(), "models/course_cnn.keras"), "plain file name"),
    (lambda: save_new("course_cnn"), "saves a Keras model"),
])
def test_model_helpers_check_their_arguments(models_tmp, call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


@pytest.mark.parametrize("gpus, flags, expected", [
    ([(7, 5)], "fpu sse2 avx2 avx512f avx512_bf16", "mixed_float16"),  # Colab T4, bf16 host
    ([(8, 0)], "avx2", "mixed_bfloat16"),                             # A100
    ([(9, 0)], "", "mixed_bfloat16"),                                 # H100
    ([(7, 0)], "", "mixed_float16"),                                  # V100
    ([(6, 0)], "amx_bf16", "float32"),                                # P100: no tensor cores
    ([(8, 6), (7, 5)], "", "mixed_float16"),                          # mixed: the slowest rules
    ([], "fpu avx2 avx512_bf16", "mixed_bfloat16"),                   # CPU with bf16
    ([], "fpu avx2 amx_bf16 amx_tile", "mixed_bfloat16"),
    ([], "fpu sse2 avx2 fma", "float32"),                             # CPU without
    ([], "", "float32"),                                              # not Linux
])
def test_choose_precision_lets_the_computing_device_decide(gpus, flags, expected):
    from helpers.models import choose_precision
    assert choose_precision(gpus, flags) == expected


@pytest.mark.parametrize("details, expected", [
    ([{"compute_capability": (7, 5), "device_name": "Tesla T4"}], "mixed_float16"),
    ([], "mixed_bfloat16"),  # no GPU: the (stand-in) CPU's bfloat16 flag decides
])
def test_use_fast_precision_asks_the_gpu_before_the_cpu(monkeypatch, tmp_path, details,
                                                         expected):
    import keras
    import tensorflow as tf

    from helpers import models
    monkeypatch.delenv("DIGITS_COURSE_PRECISION", raising=False)
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx2 avx512_bf16\n")
    real_path = models.Path
    monkeypatch.setattr(models, "Path",
                        lambda p: cpuinfo if p == "/proc/cpuinfo" else real_path(p))
    monkeypatch.setattr(tf.config, "list_physical_devices",
                        lambda kind=None: [f"GPU:{i}" for i in range(len(details))])
    monkeypatch.setattr(tf.config.experimental, "get_device_details",
                        lambda gpu: details[int(gpu.split(":")[1])])
    try:
        assert models.use_fast_precision() == expected
        assert keras.mixed_precision.global_policy().name == expected
    finally:
        keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("value", ["float32", "mixed_float16"])
def test_use_fast_precision_obeys_the_environment(monkeypatch, value):
    import keras

    from helpers import models
    monkeypatch.setenv("DIGITS_COURSE_PRECISION", value)
    # The machine's choice must not be asked: a CPU with bfloat16 would pick mixed_bfloat16.
    monkeypatch.setattr(models, "choose_precision", lambda *args: "mixed_bfloat16")
    try:
        assert models.use_fast_precision() == value
        assert keras.mixed_precision.global_policy().name == value
    finally:
        keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("value", ["bfloat16", "", "FLOAT32"])
def test_use_fast_precision_refuses_an_unknown_policy(monkeypatch, value):
    from helpers import models
    monkeypatch.setenv("DIGITS_COURSE_PRECISION", value)
    with pytest.raises(ValueError, match="must be one of float32, mixed_bfloat16, "
                                         "mixed_float16; got"):
        models.use_fast_precision()


@pytest.mark.parametrize("value, expected", [(None, 8), ("2", 2), ("15", 15)])
def test_recipe_epochs_follow_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv("DIGITS_COURSE_EPOCHS", raising=False)
    else:
        monkeypatch.setenv("DIGITS_COURSE_EPOCHS", value)
    assert models.recipe_epochs(8) == expected


@pytest.mark.parametrize("value", ["0", "-1", "two", "2.5", ""])
def test_recipe_epochs_refuse_a_bad_environment_value(monkeypatch, value):
    monkeypatch.setenv("DIGITS_COURSE_EPOCHS", value)
    with pytest.raises(ValueError, match="DIGITS_COURSE_EPOCHS must be a whole number"):
        models.recipe_epochs(8)
