"""Exercise checks for notebooks 01-03: the average digit, the preparation of the pixels,
a convolution by hand, a diagonal-edge kernel, and the first index of a digit."""

from __future__ import annotations

import numpy as np

from helpers.checks.core import Check, _kind, _numbers, check_answer


def _reference_average_digit(images: np.ndarray, labels: np.ndarray, digit: int) -> np.ndarray:
    """The course's own average image of one digit: the mean over its images, pixel by pixel."""
    return images[labels == digit].mean(axis=0)


def check_average_digit(fn, images: np.ndarray, labels: np.ndarray, digit: int = 3) -> Check:
    """Does `fn(images, labels, digit)` return the average 28x28 image of that digit?"""
    images, labels = np.asarray(images), np.asarray(labels)
    given = f"the images, their labels, and the digit {digit}"
    try:
        got = fn(images, labels, digit)
    except Exception as error:  # the learner's code may fail in any way
        return Check(False, f"your function raised {type(error).__name__}: {error}")
    mine = images[labels == digit]
    mistakes = {
        "you averaged every image, not only those labelled "
        f"{digit}: select them first with images[labels == {digit}].": images.mean(axis=0),
        "you averaged each image's own pixels (axis=(1, 2)); average over the images, "
        "axis=0, to keep a 28x28 picture.": mine.mean(axis=(1, 2)),
        "you returned one image (images[digit]?) instead of the mean of all of them.":
            images[digit] if digit < len(images) else None,
        "you returned the first image of that digit, not the mean.": mine[0] if len(mine) else None,
        "you summed the images instead of averaging them: divide by how many there are, "
        "or use .mean(axis=0).": mine.sum(axis=0),
    }
    mistakes = {cause: wrong for cause, wrong in mistakes.items() if wrong is not None}
    return check_answer(got, _reference_average_digit(images, labels, digit), given, mistakes,
                        name=f"{getattr(fn, '__name__', 'your function')}()", atol=1e-3)


def _reference_preparation(raw: np.ndarray) -> np.ndarray:
    """The course's own preparation: float32 in [0, 1], with a channel axis."""
    return (raw.astype("float32") / 255.0).reshape(-1, 28, 28, 1)


def check_preparation(fn) -> Check:
    """Does `fn(raw)` turn raw uint8 images (N, 28, 28) into float32 (N, 28, 28, 1) in [0, 1]?"""
    raw = (np.arange(3 * 28 * 28) * 7 % 256).astype(np.uint8).reshape(3, 28, 28)
    raw[0, 0, 0] = 255  # the most ink there is: it must become exactly 1.0
    given = "3 raw uint8 images, shape (3, 28, 28), values 0 to 255"
    name = f"{getattr(fn, '__name__', 'your function')}()"
    try:
        got = fn(raw.copy())
    except Exception as error:  # the learner's code may fail in any way
        return Check(False, f"{name} raised {type(error).__name__}: {error}")
    expected = _reference_preparation(raw)

    def summary(x) -> str:  # shape, dtype and range say more here than 2,352 numbers
        if x is None:
            return "None"
        x = np.asarray(x)
        if x.dtype == object or x.size == 0:
            return f"{type(x).__name__} of shape {x.shape}"
        return f"shape {x.shape}, {x.dtype}, values {float(x.min()):.4g} to {float(x.max()):.4g}"

    def same(a, b) -> bool:
        try:
            return np.shape(a) == np.shape(b) and bool(np.allclose(
                np.asarray(a, dtype=float), np.asarray(b, dtype=float), atol=5e-4))
        except (TypeError, ValueError):
            return False

    dtype = np.asarray(got).dtype if got is not None else None
    mistakes = {
        "the pixels are not scaled: divide the raw values by 255.": raw.reshape(-1, 28, 28, 1),
        "scaled twice: divide the raw uint8 pixels by 255 once.": expected / 255,
        "divided by 256: the most ink, 255, must become exactly 1.0; divide by 255.":
            raw.reshape(-1, 28, 28, 1) / 256,
        "no channel axis: end with .reshape(-1, 28, 28, 1).": expected.reshape(-1, 28, 28),
        "the channel axis is first, (N, 1, 28, 28); Keras wants it last: "
        "reshape(-1, 28, 28, 1).": expected.reshape(-1, 1, 28, 28),
        "float64, NumPy's default when you divide without .astype('float32') first: "
        "twice the memory, and Keras computes in float32.":
            expected if dtype == np.float64 else None,
        f"{dtype}: convert with .astype('float32') before dividing.":
            expected if dtype not in (np.float32, np.float64) else None,
    }
    if same(got, expected) and dtype == np.float32:
        # Dividing by the images' own largest pixel passes the batch above (its most ink is
        # 255) but turns faint digits into full-ink ones: try a faint batch too.
        faint = raw // 2
        try:
            got_faint = fn(faint.copy())
        except Exception as error:  # noqa: BLE001 - the learner's code may fail in any way
            return Check(False, f"{name} raised {type(error).__name__} on fainter images: {error}")
        if not same(got_faint, _reference_preparation(faint)):
            return Check(False, f"{name} does not keep faint images faint.\n"
                                f"   given:    the same 3 images at half the ink, values 0 to 127\n"
                                f"   expected: {summary(_reference_preparation(faint))}\n"
                                f"   got:      {summary(got_faint)}\n"
                                "   likely cause: divided by the images' own largest pixel; "
                                "divide by 255, the most ink any pixel can hold.")
        return Check(True, f"{name} turns raw uint8 (N, 28, 28) into float32 (N, 28, 28, 1) "
                           "in [0, 1], scaled once.")
    if got is None:
        cause = "it returned None: end your function with `return ...`."
    else:
        cause = next((c for c, wrong in mistakes.items() if wrong is not None
                      and same(got, wrong)), "compare the shape, dtype and range above.")
    return Check(False, f"{name} does not prepare the images as expected yet.\n"
                        f"   given:    {given}\n"
                        f"   expected: {summary(expected)}\n"
                        f"   got:      {summary(got)}\n"
                        f"   likely cause: {cause}")


def _reference_convolution(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """The course's own 'valid' convolution, as Keras' Conv2D computes it (kernel not flipped)."""
    windows = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def check_convolution(fn) -> Check:
    """Does `fn(image, kernel)` slide `kernel` over `image` as Conv2D does, with no padding?"""
    image = (np.arange(6 * 5) % 7).reshape(6, 5).astype("float32")  # 6 rows, 5 columns
    kernel = np.array([[1, 2, 0], [0, -1, 3], [-2, 0, 1]], "float32")  # no symmetry at all
    given = ("a 6x5 image (6 rows, 5 columns, values (0..29) % 7) and the 3x3 kernel "
             "[[1, 2, 0], [0, -1, 3], [-2, 0, 1]]")
    try:
        got = fn(image.copy(), kernel.copy())
    except Exception as error:  # the learner's code may fail in any way
        cause = ""
        if isinstance(error, (ValueError, IndexError)):
            cause = (" A patch near the edge may be smaller than the kernel: with no padding "
                     "there are (rows - kh + 1) x (columns - kw + 1) positions.")
        return Check(False, f"your function raised {type(error).__name__}: {error}.{cause}")
    expected = _reference_convolution(image, kernel)
    stops_early = expected.copy()
    stops_early[-1, :] = stops_early[:, -1] = 0
    padded = np.pad(image, 1)
    mistakes = {
        "you flipped the kernel (the textbook 'convolution'); Conv2D slides it as it is, "
        "unflipped.": _reference_convolution(image, kernel[::-1, ::-1]),
        "rows and columns are swapped: out[i, j] is row i, column j, and its patch is "
        "image[i:i + kh, j:j + kw].": expected.T,
        "you used the kernel's rows as columns (kernel.T).": _reference_convolution(image, kernel.T),
        "the output has the image's size, as with padding='same'; with no padding a 3x3 "
        "kernel fits (rows - 2) x (columns - 2) positions.": _reference_convolution(padded, kernel),
        "your loops stop one position early: use range(rows - kh + 1).": stops_early,
    }
    # A wrong size names its cause even when the numbers differ in other ways too.
    if np.shape(got) == image.shape and np.shape(got) != expected.shape:
        mistakes = {"the output has the image's size, as with padding='same'; with no "
                    "padding a 3x3 kernel fits (rows - 2) x (columns - 2) positions.": got}
    elif np.shape(got) == (image.shape[0] - 3, image.shape[1] - 3):
        mistakes = {"the output is one row and one column short: a kernel of height kh "
                    "fits rows - kh + 1 positions, not rows - kh.": got}
    name = f"{getattr(fn, '__name__', 'your function')}()"
    return check_answer(got, expected, given, mistakes, name=name)


def check_diagonal_kernel(kernel) -> Check:
    """Does a 3x3 `kernel` find the edges of "/" strokes, but not "\\" strokes or solid ink?"""
    array = _numbers(kernel, "diagonal")
    if isinstance(array, Check):
        return array
    if array.shape != (3, 3):
        return Check(False, f"diagonal has shape {array.shape}; make it 3x3, like "
                            "vertical_edge: three rows of three numbers.")
    if not np.isfinite(array).all():
        return Check(False, "diagonal holds nan or inf; use ordinary numbers.")
    rows, cols = np.indices((12, 12))
    slash = (np.abs(rows + cols - 11) <= 1).astype("float32")  # top right to bottom left
    backslash = (np.abs(rows - cols) <= 1).astype("float32")   # top left to bottom right
    straight = [(np.abs(rows - 6) <= 1).astype("float32"),      # a horizontal stroke
                (np.abs(cols - 6) <= 1).astype("float32")]      # a vertical stroke
    on_slash = float(np.abs(_reference_convolution(slash, array)).max())
    on_backslash = float(np.abs(_reference_convolution(backslash, array)).max())
    on_straight = max(float(np.abs(_reference_convolution(s, array)).max()) for s in straight)
    seen = (f"diagonal's strongest response (red or blue) is {on_slash:.1f} on a \"/\" "
            f"stroke and {on_backslash:.1f} on a \"\\\" stroke (12x12 images, strokes 3 "
            "pixels wide).")
    inside_ink = float(array.sum())  # its response where ink covers all nine pixels
    if on_slash >= 2 * on_backslash and abs(inside_ink) >= on_slash / 2 > 0:
        return Check(False, f"{seen} But inside solid ink, where nothing changes, it gives "
                            f"{inside_ink:.1f}: it finds ink, not the edges of strokes. Make "
                            "its weights add up to 0, as vertical_edge's do.")
    if on_slash >= 2 * on_backslash and on_straight > on_slash:
        return Check(False, f"{seen} But it responds more, {on_straight:.1f}, to a "
                            "horizontal or vertical stroke: it finds those, not \"/\". Put "
                            "zeros along the \"/\" diagonal and make the weights on either "
                            "side of it mirror each other with opposite signs.")
    if on_slash >= 2 * on_backslash and on_slash > 0:
        return Check(True, f"{seen} It finds strokes that run like \"/\", as the slash "
                           "of a 7, hardly sees the other diagonal, and gives "
                           f"{inside_ink:.1f} inside solid ink. It also responds to the "
                           f"edges of horizontal and vertical strokes ({on_straight:.1f}, "
                           f"against {on_slash:.1f}), so the bar of a 7 shows too.")
    if on_slash == on_backslash == 0:
        return Check(False, f"{seen} It responds to nothing: are its weights all 0, or "
                            "do they cancel? Put positive weights on one side of the \"/\" "
                            "diagonal and negative ones on the other.")
    if on_backslash >= 2 * on_slash:
        return Check(False, f"{seen} It finds the other diagonal, \"\\\": mirror it left "
                            "to right (diagonal[:, ::-1]).")
    return Check(False, f"{seen} It responds to both about as strongly, so it cannot tell "
                        "them apart. Put zeros along the \"/\" diagonal (top right to bottom "
                        "left), positive weights on one side of it and negative on the other.")


def check_first_index(index, labels, digit: int, name: str = "first_seven") -> Check:
    """Is `index` the position of the first `digit` in `labels`?"""
    labels = np.asarray(labels)
    try:
        whole = (not isinstance(index, (str, bytes, bool, np.bool_)) and np.ndim(index) == 0
                 and float(index).is_integer())
    except (TypeError, ValueError):
        whole = False
    if not whole:
        kind = (f"an array of shape {index.shape}" if isinstance(index, np.ndarray)
                else _kind(index))
        return Check(False, f"{name} is {kind}; expected one whole number, a position "
                            f"in the labels. (np.argmax gives one; np.nonzero gives arrays.)")
    index = int(index)
    if not 0 <= index < len(labels):
        return Check(False, f"{name} is {index}, but the labels run from 0 to "
                            f"{len(labels) - 1}.")
    if labels[index] != digit:
        return Check(False, f"{name} is {index}, and the label there is {labels[index]}, not "
                            f"{digit}. Look for the label {digit}: labels == {digit} is True "
                            "exactly there.")
    first = int(np.argmax(labels == digit))
    if first < index:
        return Check(False, f"{name} is {index}: a {digit}, but not the first; there is one "
                            f"at index {first}.")
    return Check(True, f"{name} is the index of the first {digit} in the labels: the label "
                       f"there is {digit}, and no {digit} comes before it.")
