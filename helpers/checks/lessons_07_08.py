"""Exercise checks for notebooks 07 and 08: Kaggle's CSV rows and submission table, a
label verdict, an optimizer swap, and a photo prepared the way MNIST was."""

from __future__ import annotations

import numpy as np

from helpers.checks.core import Check, _kind, _numbers, check_answer, check_labels


def check_csv_to_images(rows_to_images) -> Check:
    """Does `rows_to_images(df)` turn Kaggle rows into float32 (N, 28, 28, 1) images and labels?"""
    import pandas as pd  # only this check needs pandas

    pixels = np.random.default_rng(7).integers(0, 256, size=(3, 784))
    frame = pd.DataFrame(pixels, columns=[f"pixel{i}" for i in range(784)])
    frame.insert(0, "label", [2, 7, 1])
    given = "a 3-row DataFrame: a `label` column, then pixel0 … pixel783 (0-255)"
    images = pixels.reshape(-1, 28, 28, 1).astype("float32") / 255
    try:
        got = rows_to_images(frame)
    except ValueError as err:
        if "reshape" in str(err) and "2355" in str(err):  # 3 rows x 785 columns
            return Check(False, "the reshape failed: each row has 785 numbers, not 784. The "
                                "label column is still in the pixels: take `.iloc[:, 1:]`.")
        raise
    if not (isinstance(got, tuple) and len(got) == 2):
        return Check(False, "return two things, `images, labels`; got "
                            f"{type(got).__name__}.")
    got_images, got_labels = got
    mistakes = {
        "you forgot to scale: divide the pixels by 255.": images * 255,
        "you dropped the last pixel column, not the label: the pixels are `.iloc[:, 1:]`.":
            frame.iloc[:, :-1].to_numpy().reshape(-1, 28, 28, 1) / 255,
        "each image is transposed (rows read as columns): reshape to (-1, 28, 28, 1) "
        "in NumPy's default order.": images.transpose(0, 2, 1, 3),
    }
    verdict = check_answer(got_images, images, given, mistakes, name="your images")
    if not verdict:
        return verdict
    if np.asarray(got_images).dtype != np.float32:
        return Check(False, f"your images are {np.asarray(got_images).dtype}; Keras computes "
                            "in float32: add `.astype(\"float32\")` before dividing.")
    labels = frame["label"].to_numpy()
    verdict = check_answer(got_labels, labels, given, {
        "these are one-hot: keep the integer labels, `df[\"label\"].to_numpy()`.":
            np.eye(10)[labels]}, name="your labels")
    if not verdict:
        return verdict
    if np.asarray(got_labels).dtype.kind not in "iu":
        return Check(False, f"your labels are {np.asarray(got_labels).dtype}; labels are whole "
                            "numbers: keep the column's integers, `df[\"label\"].to_numpy()`.")
    return Check(True, "rows_to_images gives float32 images (3, 28, 28, 1) in [0, 1] and "
                       "the integer labels [2 7 1].")


def _seven_on_paper(shape: tuple[int, int] = (150, 200)) -> np.ndarray:
    """A grey page (1 = white paper, 0 = black ink) with a thick, off-centre 7 on it."""
    from PIL import Image, ImageDraw

    page = Image.new("L", shape[::-1], 255)
    draw = ImageDraw.Draw(page)
    # The foot leans right, so the ink's centre sits lower right of its box's diagonal: an
    # answer that swaps the centre's row and column lands elsewhere.
    draw.line([(30, 25), (85, 25), (60, 110)], fill=0, width=9, joint="curve")
    draw.line([(28, 20), (86, 20)], fill=0, width=14)  # a heavy top bar: mass sits high
    return np.asarray(page, "float32") / 255


def _prepare_variant(grey: np.ndarray, invert: bool = True, by_mass: bool = True,
                     side: int = 20, keep_aspect: bool = True,
                     swap_centre: bool = False) -> np.ndarray:
    """MNIST's preparation, or one typical mistake in it (for check_mnist_preparation)."""
    from PIL import Image

    ink = 1 - grey if invert else grey
    rows, cols = np.flatnonzero(ink.max(axis=1) > 0), np.flatnonzero(ink.max(axis=0) > 0)
    ink = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scale = side / max(ink.shape)
    h, w = (side, side) if not keep_aspect else (max(1, round(ink.shape[0] * scale)),
                                                 max(1, round(ink.shape[1] * scale)))
    small = np.clip(np.asarray(Image.fromarray(ink.astype("float32")).resize(
        (w, h), Image.Resampling.LANCZOS)), 0, 1)
    if by_mass:
        cy, cx = (np.indices(small.shape) * small).reshape(2, -1).sum(axis=1) / small.sum()
    else:
        cy, cx = (h - 1) / 2, (w - 1) / 2
    if swap_centre:
        cy, cx = cx, cy
    top, left = int(np.clip(round(14 - cy), 0, 28 - h)), int(np.clip(round(14 - cx), 0, 28 - w))
    box = np.zeros((28, 28), "float32")
    box[top:top + h, left:left + w] = small[:28, :28]
    return box / box.max()


def check_mnist_preparation(to_mnist, grey: np.ndarray | None = None,
                            at_least: float = 0.95) -> Check:
    """Is `to_mnist(grey)` laid out like MNIST? Compared with prepare_digit by correlation.

    Two right answers differ a little (how the edges are resampled, a half-pixel of
    rounding), so "right" means a correlation of at least `at_least` with the course's own.
    """
    from helpers.handwriting import prepare_digit

    grey = _seven_on_paper() if grey is None else np.asarray(grey, "float32")
    given = f"a grey page {grey.shape}, 1 = white paper, 0 = black ink, a 7 off-centre"
    expected = prepare_digit(grey)
    got = to_mnist(grey.copy())
    head = "to_mnist does not lay the digit out like MNIST yet.\n   given:    " + given
    if got is None:
        return Check(False, head + "\n   likely cause: it returned None: end with `return ...`.")
    got = np.asarray(got, dtype=float)
    if got.shape != (28, 28):
        return Check(False, head + f"\n   got:      shape {got.shape}\n   likely cause: the "
                                   "result must be one 28x28 image: place the scaled digit "
                                   "in np.zeros((28, 28)).")
    if got.min() < -1e-3 or got.max() > 1 + 1e-3:
        return Check(False, head + f"\n   got:      values from {got.min():.3g} to "
                                   f"{got.max():.3g}\n   likely cause: MNIST's values are "
                                   "amounts of ink in [0, 1], which the network expects: "
                                   "keep them there.")

    def similarity(a: np.ndarray) -> float:
        return float(np.corrcoef(got.ravel(), a.ravel())[0, 1]) if got.std() > 0 else 0.0

    score = similarity(expected)
    if score >= at_least:
        return Check(True, f"to_mnist lays the digit out like MNIST: correlation {score:.3f} "
                           f"with prepare_digit's result (at least {at_least} asked for).")
    mistakes = {
        "the ink is not inverted: in MNIST a pixel is the amount of ink, so use 1 - grey.":
            _prepare_variant(grey, invert=False),
        "it is centred by its bounding box; MNIST centres the centre of mass (the "
        "ink-weighted mean row and column) on pixel (14, 14).": _prepare_variant(grey, by_mass=False),
        "the longest side is scaled to 28 px; MNIST scales it to 20 and leaves a border.":
            _prepare_variant(grey, side=28),
        "the aspect ratio is lost (the digit is squeezed into 20x20): scale both sides by "
        "the same factor, 20 / the longest side.": _prepare_variant(grey, keep_aspect=False),
        "the centre of mass has its row and column swapped: the row comes first, as in "
        "np.indices and in array[row, column].": _prepare_variant(grey, swap_centre=True),
    }
    scores = {cause: similarity(wrong) for cause, wrong in mistakes.items()}
    cause, best = max(scores.items(), key=lambda item: item[1])
    if best <= score:
        cause = ("compare your picture with the expected one step by step: invert, crop to "
                 "the ink, scale the longest side to 20 px, centre the mass on (14, 14).")
    return Check(False, head + f"\n   expected: prepare_digit's 28x28 image; correlation at "
                               f"least {at_least}\n   got:      correlation {score:.3f}"
                               f"\n   likely cause: {cause}")


def check_submission_table(make_table) -> Check:
    """Does `make_table(predicted)` give Kaggle's table: columns ImageId (from 1) and Label?"""
    import pandas as pd  # only this check needs pandas

    predicted = np.array([3, 1, 4, 1, 5])
    given = "predicted digits [3 1 4 1 5] for 5 test images"
    got = make_table(predicted.copy())
    if not isinstance(got, pd.DataFrame):
        return Check(False, f"return a pandas DataFrame; got {type(got).__name__}.")
    if list(got.columns) != ["ImageId", "Label"]:
        return Check(False, f"the columns are {list(got.columns)}; Kaggle wants exactly "
                            "['ImageId', 'Label'], in that order.")
    not_whole = [c for c in got.columns if got[c].dtype.kind not in "iu"]
    if not_whole:
        return Check(False, f"column {not_whole[0]} holds {got[not_whole[0]].dtype}, not whole "
                            "numbers: Kaggle reads '3.0' or text as a wrong answer. Build it "
                            "from integers (np.arange, and the predicted digits as they are).")
    expected = np.stack([np.arange(1, 6), predicted], axis=1)
    mistakes = {"ImageId counts from 0; Kaggle counts from 1: np.arange(1, n + 1).":
                np.stack([np.arange(5), predicted], axis=1)}
    return check_answer(got.to_numpy(), expected, given, mistakes, name="your table")


def check_label_verdict(verdict, labels: np.ndarray, loss: str) -> Check:
    """Is `verdict` what check_labels answers for these labels with this loss?"""
    if not isinstance(verdict, Check):
        return Check(False, f"verdict is {_kind(verdict)}; keep what check_labels returns: "
                            "verdict = check_labels(...).")
    expected = check_labels(labels, loss, name="y")  # its message starts with the name, "y"
    if verdict.ok == expected.ok and verdict.message.endswith(expected.message[1:]):
        return Check(True, f"verdict is check_labels' answer for these labels with {loss}. "
                           "Read it: what goes wrong, and what are the two fixes?")
    if verdict.ok and not expected.ok:
        return Check(False, f"verdict finds nothing wrong, but these labels do not suit {loss}: "
                            "check_labels was asked about other labels or another loss. Pass "
                            "it the labels and the loss the exercise names, unchanged.")
    return Check(False, f"verdict is check_labels' answer about other labels or another loss "
                        f"than these labels with {loss}: pass it those, unchanged.")


def check_round_trip(round_trip, raw: np.ndarray, size: int = 112,
                     at_least: float = 0.99) -> Check:
    """Did each raw digit go up to `size`x`size`, dark on light, and back through prepare_digit?

    Two right answers differ a little (how the picture was resized), so "right" means a
    median correlation of at least `at_least` with the course's own round trip.
    """
    from PIL import Image

    from helpers.handwriting import prepare_digit

    raw = np.asarray(raw)
    got = _numbers(round_trip, "round_trip")
    if isinstance(got, Check):
        return got
    if got.shape == (len(raw), 28, 28, 1):
        return Check(False, f"round_trip has shape {got.shape}: leave out the channel axis; "
                            f"the cell adds it. Expected ({len(raw)}, 28, 28).")
    if got.shape != (len(raw), 28, 28):
        return Check(False, f"round_trip has shape {got.shape}; expected ({len(raw)}, 28, 28): "
                            "one prepared 28x28 digit per test digit (np.stack makes the list "
                            "one array).")
    if got.min() < -1e-3 or got.max() > 1 + 1e-3:
        return Check(False, f"round_trip's values run from {got.min():.3g} to {got.max():.3g}; "
                            "prepare_digit gives amounts of ink in [0, 1]: pass each picture "
                            "to it.")
    if np.allclose(got, raw / 255, atol=1e-3):
        return Check(False, "round_trip is the test digits as they were, scaled to [0, 1]: "
                            "they never made the trip. Blow each one up, make it dark on light, "
                            "and pass that picture to prepare_digit.")
    expected = np.stack([prepare_digit(255 - np.asarray(Image.fromarray(digit).resize(
        (size, size), Image.Resampling.BICUBIC))) for digit in raw])
    unscaled = np.stack([prepare_digit(digit) for digit in raw])  # the trip without blow-up

    def median_correlation(reference: np.ndarray) -> float:
        return float(np.median([np.corrcoef(a.ravel(), b.ravel())[0, 1] if a.std() > 0 else 0
                                for a, b in zip(got.astype(float), reference)]))
    score = median_correlation(expected)
    if score >= at_least:
        return Check(True, f"round_trip holds {len(raw)} digits that made the round trip: a "
                           f"median correlation of {score:.3f} with the course's own (at least "
                           f"{at_least} asked for).")
    if median_correlation(unscaled) > score:
        return Check(False, f"round_trip looks like the test digits prepared without being "
                            f"blown up (a median correlation of {score:.3f} with the course's "
                            f"round trip; at least {at_least} asked for). Resize each to "
                            f"{size}x{size} with Image.fromarray(d).resize(({size}, {size})), "
                            "whose default resampling blends neighbouring pixels as a scan "
                            "would; NEAREST only copies them.")
    return Check(False, f"round_trip differs from the course's round trip: a median "
                        f"correlation of {score:.3f}, where at least {at_least} is asked for. "
                        f"Blow each digit up to {size}x{size}, make it dark on light "
                        "(255 - ...), and prepare it with prepare_digit.")


def check_trained_with(model, optimizer: str, steps: int, name: str = "adam_model") -> Check:
    """Was `model` compiled with the optimizer named `optimizer` and trained for `steps` steps?"""
    if not callable(getattr(model, "fit", None)):
        return Check(False, f"{name} is {_kind(model)}; expected a Keras model, compiled and "
                            "trained.")
    used = getattr(model, "optimizer", None)
    used = getattr(used, "inner_optimizer", used)  # under mixed_float16, Keras wraps it
    if used is None:
        return Check(False, f"{name} is not compiled yet: call {name}.compile(optimizer=..., "
                            "loss=..., metrics=[...]) before fit.")
    if type(used).__name__ != optimizer:
        return Check(False, f"{name} was compiled with {type(used).__name__}, not "
                            f"{optimizer}: build a fresh model and compile it with "
                            f"optimizer={optimizer.lower()!r}.")
    taken = int(used.iterations)
    if taken != steps:
        return Check(False, f"{name} took {taken} training steps; the control took {steps}. "
                            "Train it on the same budget, and from a fresh model, so that only "
                            "the optimizer differs.")
    return Check(True, f"{name} was trained with {optimizer} for {steps} steps, the "
                       "control's budget.")
