"""Test pages with known text drawn at known places, in any encoding."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from bench.screens.fonts import Face, load

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
