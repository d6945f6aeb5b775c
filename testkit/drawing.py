"""Test pages drawn with Pillow: known text at known places, phone-style screenshots, unique small PNGs."""

from __future__ import annotations

import io
import itertools

from PIL import Image, ImageDraw

from testkit.fonts import Face, load, plain_face

Text = tuple[int, int, str]  # left, top, text
Box = tuple[int, int, int, int]  # left, top, right, bottom

# A small holdings page: six texts in four rows, two of them a label with its value to the right.
HOLDINGS: list[Text] = [
    (40, 60, "易方达蓝筹精选混合"),
    (40, 140, "基金代码"),
    (400, 140, "005827"),
    (40, 220, "持有份额"),
    (400, 220, "12,345.67份"),
    (40, 300, "2024-01-29 净值 1.2345"),
]

_serial = itertools.count()


def draw_page(
    font: Face, texts: list[Text], *, size: tuple[int, int], font_px: int
) -> tuple[Image.Image, list[Box]]:
    """Dark text on white at the given places; returns the image and each text's ink box."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    face = load(font, font_px)
    boxes = []
    for left, top, text in texts:
        draw.text((left, top), text, fill=(20, 20, 20), font=face)
        boxes.append(draw.textbbox((left, top), text, font=face))
    return image, boxes


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def screenshot(lines: list[str], *, width: int = 720, line_height: int = 64, fmt: str = "PNG") -> bytes:
    """A phone-style holdings page: dark text on white, one entry per line."""
    image = Image.new("RGB", (width, 40 + line_height * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    font = load(plain_face(), 32)
    for row, text in enumerate(lines):
        draw.text((32, 24 + row * line_height), text, fill=(20, 20, 20), font=font)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def blank_png(width: int = 64, height: int = 48) -> bytes:
    """A small PNG whose bytes differ on every call."""
    serial = next(_serial)
    image = Image.new("RGB", (width, height), (serial % 256, (serial // 256) % 256, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
