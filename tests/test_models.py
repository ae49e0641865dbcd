"""helpers.models: the course CNN, its schedule, pipeline, log, and safe saving."""

import keras
import numpy as np
import pytest

import helpers.models as models
from helpers.checks import check_model
from helpers.models import (EpochLog, OneCycle, course_cnn, latest_model, load_or_train,
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
    schedule = OneCycle(peak=0.01, total_steps=100, warmup=0.25)
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


def test_saved_model_loads_with_its_schedule(models_tmp):
    model = course_cnn()
    model.compile(optimizer=keras.optimizers.Adam(OneCycle(0.01, 10)),
                  loss="sparse_categorical_crossentropy")
    path = save_new(model)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(X[:2], verbose=0), model.predict(X[:2], verbose=0),
                               atol=1e-6)


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
    assert "Loaded the model notebook 04 saved" in capsys.readouterr().out
    np.testing.assert_allclose(loaded.predict(X[:2], verbose=0), saved.predict(X[:2], verbose=0),
                               atol=1e-6)


def test_stand_in_trains_for_steps_not_just_two_epochs():
    """On a small set an epoch is a few batches: the stand-in must still train enough."""
    x = np.repeat(X, 20, axis=0)  # 1,280 images: 10 batches of 128 per epoch
    y = np.repeat(Y, 20)
    model = models.quick_model(x, y, min_steps=200)
    assert int(model.optimizer.iterations.numpy()) == 200  # 20 epochs of 10 batches
