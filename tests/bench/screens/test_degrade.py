"""Degradations: the file is what its kind says, and the recorded transform follows the page."""

import io
import random

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from bench.screens.degrade import DEGRADATIONS, ORIENTATION_TAG, apply, degrade

SIZE = (240, 400)
MARK = (30, 50, 90, 80)  # a black block near the top left corner of the clean page


@pytest.fixture(scope="module")
def page() -> Image.Image:
    image = Image.new("RGB", SIZE, "white")
    ImageDraw.Draw(image).rectangle(MARK, fill="black")
    return image


def _shown(data: bytes) -> Image.Image:
    return ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("L")


@pytest.mark.parametrize("kind", DEGRADATIONS)
def test_the_mark_lands_where_the_transform_says(page, kind):
    shot = degrade(page, kind, random.Random(4))
    shown = _shown(shot.data)
    assert shown.size == (shot.width, shot.height)
    left, top, right, bottom = MARK
    xs, ys = zip(*apply(shot.transform, [((left + right) / 2, (top + bottom) / 2)]))
    assert np.asarray(shown)[ys[0], xs[0]] < 100  # the mark's centre is still dark where it was mapped
    corners = apply(shot.transform, [(0, 0), (SIZE[0], 0), (SIZE[0], SIZE[1]), (0, SIZE[1])])
    assert all(-2 <= x <= shot.width + 2 and -2 <= y <= shot.height + 2 for x, y in corners)


@pytest.mark.parametrize("turn", (90, 180, 270))
def test_quarter_turns_with_and_without_exif(page, turn):
    plain = degrade(page, f"rot{turn}", random.Random(1))
    tagged = degrade(page, f"exif{turn}", random.Random(1))
    stored_plain, stored_tagged = Image.open(io.BytesIO(plain.data)), Image.open(io.BytesIO(tagged.data))
    swapped = SIZE[::-1] if turn != 180 else SIZE
    assert stored_plain.size == stored_tagged.size == swapped
    assert ORIENTATION_TAG not in stored_plain.getexif()
    assert stored_tagged.getexif()[ORIENTATION_TAG] in (3, 6, 8)
    assert (plain.width, plain.height) == swapped
    assert (tagged.width, tagged.height) == SIZE and _shown(tagged.data).size == SIZE  # upright once applied


def test_photo_and_tilt_turn_the_page_at_most_eight_degrees(page):
    for seed in range(8):
        for kind in ("photo", "tilt"):
            angle = degrade(page, kind, random.Random(seed)).settings["angle"]
            assert abs(angle) <= 8.0
            assert kind == "photo" or abs(angle) >= 1.5


def test_lowres_is_small(page):
    wide = page.resize((1080, 1800))
    shot = degrade(wide, "lowres", random.Random(2))
    assert 360 <= shot.width <= 540 and abs(shot.height - 1800 * shot.width / 1080) <= 1


def test_unknown_degradation_is_refused(page):
    with pytest.raises(ValueError, match="unknown degradation"):
        degrade(page, "fax", random.Random(0))
