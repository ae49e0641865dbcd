"""helpers.prepare_digit: any picture of a digit becomes a 28x28 MNIST-like image."""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw

from helpers import prepare_digit
from helpers.handwriting import MAX_BYTES, DigitImageError, preparation_steps


def stroke(size=(300, 400), line=((150, 60), (150, 340)), ink="black", paper="white",
           mode="RGB", width=24) -> Image.Image:
    """A picture with one thick stroke, like a "1" drawn on paper."""
    image = Image.new(mode, size, paper)
    ImageDraw.Draw(image).line(line, fill=ink, width=width)
    return image


def centre_of_mass(x):
    return (np.indices(x.shape) * x).reshape(2, -1).sum(axis=1) / x.sum()


def check_like_mnist(x):
    assert x.shape == (28, 28) and x.dtype == np.float32
    assert x.min() == 0 and x.max() == 1
    assert x[0].max() == x[-1].max() == x[:, 0].max() == x[:, -1].max() == 0  # no ink at the edges
    cy, cx = centre_of_mass(x)
    assert abs(cy - 14) <= 0.6 and abs(cx - 14) <= 0.6  # where MNIST puts it


def ink_box(x):
    rows, cols = np.flatnonzero(x.max(axis=1) > 0.1), np.flatnonzero(x.max(axis=0) > 0.1)
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_a_drawn_stroke_becomes_a_centred_upright_one():
    x = prepare_digit(stroke())
    check_like_mnist(x)
    height, width = ink_box(x)
    assert 19 <= height <= 20 and width <= 4  # longest side 20 px, thin as drawn


def test_inverted_colours_give_the_same_digit():
    dark_on_light = prepare_digit(stroke())
    light_on_dark = prepare_digit(stroke(ink="white", paper="black"))
    np.testing.assert_allclose(dark_on_light, light_on_dark, atol=0.02)


def test_an_off_centre_digit_is_moved_to_the_centre():
    x = prepare_digit(stroke(size=(1000, 800), line=((40, 30), (40, 200))))
    check_like_mnist(x)


def test_a_wide_digit_keeps_its_aspect_ratio():
    x = prepare_digit(stroke(size=(500, 300), line=((50, 150), (450, 150)), width=40))
    height, width = ink_box(x)
    assert 19 <= width <= 20 and 1 <= height <= 4


@pytest.mark.parametrize("size", [(28, 28), (37, 91), (13, 11), (641, 479)])
def test_odd_sizes(size):
    w, h = size
    x = prepare_digit(stroke(size=size, line=((w // 2, h // 6), (w // 2, h - h // 6)),
                             width=max(2, w // 10)))
    check_like_mnist(x)


def test_grey_arrays_rgba_and_file_bytes_all_work():
    picture = stroke()
    expected = prepare_digit(picture)
    grey = np.asarray(picture.convert("L"))
    np.testing.assert_allclose(prepare_digit(grey), expected, atol=0.02)
    np.testing.assert_allclose(prepare_digit(grey / 255.0), expected, atol=0.02)
    # Black strokes on a transparent canvas, as a drawing widget gives them.
    transparent = stroke(mode="RGBA", ink=(0, 0, 0, 255), paper=(0, 0, 0, 0))
    np.testing.assert_allclose(prepare_digit(np.asarray(transparent)), expected, atol=0.02)
    png = io.BytesIO()
    picture.save(png, format="PNG")
    np.testing.assert_allclose(prepare_digit(png.getvalue()), expected, atol=0.02)


def test_a_real_mnist_digit_survives_the_round_trip(mnist_digits):
    """Blown up, inverted and moved off-centre, an MNIST digit comes back close to itself."""
    for digit in mnist_digits:
        page = np.full((400, 500), 255, np.uint8)
        big = np.asarray(Image.fromarray(digit).resize((280, 280), Image.Resampling.BICUBIC))
        page[100:380, 200:480] = 255 - big
        x = prepare_digit(page)
        assert np.corrcoef(x.ravel(), digit.ravel())[0, 1] > 0.9


def test_a_blank_picture_is_refused():
    with pytest.raises(DigitImageError, match="blank"):
        prepare_digit(Image.new("RGB", (200, 200), "white"))


def test_a_near_blank_picture_is_refused():
    speck = Image.new("L", (400, 400), 255)
    speck.putpixel((100, 100), 0)
    with pytest.raises(DigitImageError, match="almost blank"):
        prepare_digit(speck)
    faint = Image.new("L", (400, 400), 255)
    ImageDraw.Draw(faint).line(((200, 50), (200, 350)), fill=245, width=20)
    with pytest.raises(DigitImageError, match="blank"):
        prepare_digit(faint)


@pytest.mark.parametrize("thing", [b"%PDF-1.7 not a picture", "digit.png", 7,
                                   np.array(["a", "b"])])
def test_something_that_is_not_an_image_is_refused(thing):
    with pytest.raises(DigitImageError, match="not an image|Expected a PIL image"):
        prepare_digit(thing)


def test_wrongly_shaped_arrays_are_refused():
    with pytest.raises(DigitImageError, match="has shape"):
        prepare_digit(np.zeros((5, 5, 5, 5)))
    with pytest.raises(DigitImageError, match="has shape"):
        prepare_digit(np.zeros((5, 5, 2)))


def test_an_oversized_upload_is_refused():
    with pytest.raises(DigitImageError, match="limit is 10 MB"):
        prepare_digit(b"\x89PNG" + bytes(MAX_BYTES))
    with pytest.raises(DigitImageError, match="million"):
        prepare_digit(Image.new("L", (6000, 5000), 255))


def test_a_palette_png_with_a_transparent_background_is_read_as_a_digit():
    """Image optimisers save PNGs as palettes (mode "P") whose clear colour is often black."""
    picture = Image.new("P", (300, 400), 0)
    picture.putpalette([0, 0, 0, 0, 0, 0])  # entry 0: the clear background, 1: black ink
    ImageDraw.Draw(picture).line(((150, 60), (150, 340)), fill=1, width=24)
    png = io.BytesIO()
    picture.save(png, format="PNG", transparency=0)
    reloaded = Image.open(io.BytesIO(png.getvalue()))
    assert reloaded.mode == "P" and "transparency" in reloaded.info
    expected = prepare_digit(stroke())
    np.testing.assert_allclose(prepare_digit(png.getvalue()), expected, atol=0.02)
    np.testing.assert_allclose(prepare_digit(reloaded), expected, atol=0.02)


def test_the_steps_end_in_the_prepared_digit():
    steps = preparation_steps(stroke(size=(500, 300), line=((60, 40), (60, 200))))
    assert list(steps) == ["grey", "ink", "cropped", "scaled", "centred"]
    assert steps["grey"].shape == (300, 500) and steps["grey"][0, 0] == 1  # white paper
    assert steps["ink"][0, 0] == 0 and steps["ink"].max() == 1  # inverted: ink is high
    assert max(steps["scaled"].shape) == 20
    np.testing.assert_array_equal(steps["centred"], prepare_digit(stroke(
        size=(500, 300), line=((60, 40), (60, 200)))))
