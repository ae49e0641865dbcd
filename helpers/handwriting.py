"""Your own handwriting: turn any picture of one digit into a 28x28 image laid out like MNIST.

In MNIST a pixel's value is the amount of ink (0 blank paper, 255 full ink). Each digit is
cropped to its ink, scaled so the longest side is 20 px, and centred by centre of mass in a
28x28 box. A network trained on them expects exactly that.
"""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 10_000_000  # an upload larger than this is refused (a photo needs far less)
MAX_PIXELS = 25_000_000  # so is a picture with more pixels than this, once decoded
MIN_CONTRAST = 0.15  # ink must differ from the paper by this much of the full range


class DigitImageError(ValueError):
    """A picture that cannot be read as one handwritten digit."""


def _to_grey(image: Image.Image | np.ndarray | bytes) -> np.ndarray:
    """Any picture as a 2-D float array in [0, 1] (transparent parts become paper)."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        if len(image) > MAX_BYTES:
            raise DigitImageError(f"The file is {len(image) / 1e6:.1f} MB; the limit is "
                                  f"{MAX_BYTES / 1e6:.0f} MB. Crop or shrink the photo first.")
        try:
            image = Image.open(io.BytesIO(bytes(image)))
            image.load()
        except (UnidentifiedImageError, OSError) as err:
            raise DigitImageError("This file is not an image Pillow can read: upload a PNG "
                                  "or JPEG photo or scan of one digit.") from err
    if isinstance(image, Image.Image):
        if image.width * image.height > MAX_PIXELS:
            raise DigitImageError(f"The picture is {image.width}x{image.height} pixels; "
                                  f"the limit is {MAX_PIXELS / 1e6:.0f} million. Shrink it.")
        # A palette image (mode "P", as image optimisers save PNGs) keeps its transparency
        # in `info`, not in a band: convert it to RGBA too, or its clear paper turns black.
        see_through = "A" in image.getbands() or "transparency" in image.info
        image = np.asarray(image.convert("RGBA" if see_through else "RGB"))
    if not isinstance(image, np.ndarray) or image.dtype.kind not in "uifb":
        raise DigitImageError(f"Expected a PIL image, a numpy array or an image file's bytes, "
                              f"got {type(image).__name__}.")
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise DigitImageError(f"An image array has shape (height, width) or (height, width, "
                              f"1, 3 or 4 channels); this one has {image.shape}.")
    if image.size == 0 or image.size > MAX_PIXELS * 4:
        raise DigitImageError(f"An image of shape {image.shape} is empty or too large.")
    x = image.astype("float32")
    x /= 255.0 if image.dtype.kind in "ui" or x.max() > 1 else 1.0
    if x.ndim == 2:
        return x
    alpha = x[..., 3] if x.shape[2] == 4 else None
    grey = x[..., :3].mean(axis=2) if x.shape[2] >= 3 else x[..., 0]
    if alpha is not None and alpha.min() < 1:
        inked = alpha > 0.5  # paper is whatever the ink is not: light ink -> dark paper
        paper = 1.0 - round(float(grey[inked].mean())) if inked.any() else 1.0
        grey = grey * alpha + paper * (1 - alpha)
    return grey


def preparation_steps(image: Image.Image | np.ndarray | bytes) -> dict[str, np.ndarray]:
    """MNIST's recipe step by step: each named step's image, from "grey" to "centred"."""
    steps = {"grey": _to_grey(image)}
    x = steps["grey"]
    border = np.concatenate([x[0], x[-1], x[:, 0], x[:, -1]])
    paper = float(np.median(border))
    if paper > 0.5:  # dark ink on light paper: invert, so that a value is the amount of ink
        x, paper = 1.0 - x, 1.0 - paper
    contrast = float(x.max()) - paper
    if contrast < MIN_CONTRAST:
        raise DigitImageError("The picture looks blank: no ink stands out from the paper. "
                              "Draw or photograph a digit with a thick, dark stroke.")
    x = np.clip((x - paper) / contrast, 0, 1)
    x[x < 0.2] = 0  # paper texture and noise
    steps["ink"] = x
    rows, cols = np.flatnonzero(x.any(axis=1)), np.flatnonzero(x.any(axis=0))
    if (x > 0.5).sum() < max(4, x.size // 10_000):
        raise DigitImageError("The picture is almost blank: only a few specks of ink. "
                              "Draw or photograph a larger digit.")
    x = steps["cropped"] = x[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]  # crop to the ink
    scale = 20 / max(x.shape)
    size = (max(1, round(x.shape[1] * scale)), max(1, round(x.shape[0] * scale)))
    small = np.asarray(Image.fromarray(x).resize(size, Image.Resampling.LANCZOS))
    small = steps["scaled"] = np.clip(small, 0, 1)
    box = np.zeros((28, 28), "float32")
    h, w = small.shape
    cy, cx = (np.indices(small.shape) * small).reshape(2, -1).sum(axis=1) / small.sum()
    top = int(np.clip(round(14 - cy), 0, 28 - h))  # centre of mass on pixel (14, 14),
    left = int(np.clip(round(14 - cx), 0, 28 - w))  # where MNIST puts it
    box[top:top + h, left:left + w] = small
    steps["centred"] = box / box.max()
    return steps


def prepare_digit(image: Image.Image | np.ndarray | bytes) -> np.ndarray:
    """Any picture of one digit -> 28x28 float32 in [0, 1], the amount of ink, like MNIST.

    Accepts a PIL image, an array (grey, RGB or RGBA) or an image file's bytes, of any size,
    dark ink on light paper or light on dark.
    """
    return preparation_steps(image)["centred"]
