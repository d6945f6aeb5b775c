"""The real engine on pages a camera would give: turned without EXIF, tilted, in perspective."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from testkit.drawing import HOLDINGS, encode
from testkit.fonts import load

EXPECTED = [text.replace(" ", "") for _, _, text in HOLDINGS]
PAIRS = [("基金代码", "005827"), ("持有份额", "12,345.67份")]  # label left, value right, one row
SLACK = 8  # pixels, for boxes against the drawn ink


def texts(result):
    return [line.text.replace(" ", "") for line in result.lines]


def by_text(lines):
    return {line.text.replace(" ", ""): line for line in lines}


def one_row(a, b) -> bool:
    """Rows as the layout rules see them: vertical overlap of at least half the shorter line."""
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return overlap >= 0.5 * min(a.height, b.height)


@pytest.fixture(scope="module")
def holdings(page):
    return page(HOLDINGS)


# PIL's transposes turn counter-clockwise; `rotation` is the clockwise turn that undoes them.
TURNS = {
    90: (Image.Transpose.ROTATE_270, lambda x, y, w, h: (h - 1 - y, x)),
    180: (Image.Transpose.ROTATE_180, lambda x, y, w, h: (w - 1 - x, h - 1 - y)),
    270: (Image.Transpose.ROTATE_90, lambda x, y, w, h: (y, w - 1 - x)),
}


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_turned_page_without_exif_is_read_upright(engine, holdings, rotation):
    image, boxes = holdings
    transpose, where = TURNS[rotation]
    turned = image.transpose(transpose)
    result = engine.recognize(encode(turned, "PNG"))
    assert (result.rotation, result.orientation_unsure) == ((360 - rotation) % 360, False)
    assert texts(result) == EXPECTED
    assert (result.width, result.height) == turned.size
    # Boxes stay in the pixels of the image as sent: the drawn ink, turned the same way.
    for line, (left, top, right, bottom) in zip(result.lines, boxes, strict=True):
        corners = np.array([where(x, y, *image.size) for x, y in ((left, top), (right, bottom))])
        assert abs(line.left - corners[:, 0].min()) <= SLACK and abs(line.right - corners[:, 0].max()) <= SLACK
        assert line.top <= corners[:, 1].min() + SLACK and line.bottom >= corners[:, 1].max() - SLACK


def test_exif_turn_is_applied_before_and_not_counted(engine, holdings):
    image, _ = holdings
    stored = image.transpose(Image.Transpose.ROTATE_90)
    exif = stored.getexif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    result = engine.recognize(encode(stored, "JPEG", quality=95, exif=exif.tobytes()))
    assert texts(result) == EXPECTED
    assert (result.rotation, result.width, result.height) == (0, 720, 1280)


def tilted(image: Image.Image, degrees: float) -> np.ndarray:
    """Turned `degrees` counter-clockwise about the centre, as a hand-held phone would."""
    pixels = np.asarray(image)
    matrix = cv2.getRotationMatrix2D((image.width / 2, image.height / 2), degrees, 1.0)
    return cv2.warpAffine(pixels, matrix, image.size, borderValue=(255, 255, 255))


def in_perspective(image: Image.Image) -> np.ndarray:
    """A screen photographed from its lower left: the right edge nearer, the top edge receding."""
    w, h = image.size
    source = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    target = np.float32([[70, 50], [w - 10, 0], [w, h], [0, h - 90]])
    matrix = cv2.getPerspectiveTransform(source, target)
    return cv2.warpPerspective(np.asarray(image), matrix, (w, h), borderValue=(255, 255, 255))


@pytest.mark.parametrize(
    ("warp", "tilt"),
    [(lambda im: tilted(im, 6), -6), (lambda im: tilted(im, -8), 8), (in_perspective, None)],
    ids=["tilt-6", "tilt+8", "perspective"],
)
def test_tilt_and_perspective_leave_rows_level(engine, holdings, warp, tilt):
    image, _ = holdings
    result = engine.recognize(encode(Image.fromarray(warp(image)), "PNG"))
    assert texts(result) == EXPECTED  # reading order comes from the upright frame
    if tilt is not None:
        assert abs(result.tilt - tilt) <= 1.0
    lines, upright = by_text(result.lines), by_text(line.upright() for line in result.lines)
    for label, value in PAIRS:
        assert one_row(upright[label], upright[value]), (upright[label], upright[value])
        if tilt is not None:  # in image pixels the value sits a row higher or lower than its label
            assert not one_row(lines[label], lines[value])


def test_symmetric_page_is_read_but_flagged_unsure(engine, font):
    # `SOS` and `NOON` read the same either way up: nothing tells upright from upside down.
    image = Image.new("RGB", (480, 400), "white")
    draw = ImageDraw.Draw(image)
    for top, text in ((60, "SOS"), (160, "NOON")):
        draw.text((40, top), text, fill=(20, 20, 20), font=load(font, 48))
    result = engine.recognize(encode(image, "PNG"))
    assert sorted(texts(result)) == ["NOON", "SOS"]  # in either order: which way up is a guess
    assert result.orientation_unsure
