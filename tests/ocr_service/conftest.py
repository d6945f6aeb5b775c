"""Fixtures: the installed CJK font, a page drawer, and one warmed-up engine per test module."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PIL import Image

from ocr_service.engine import OcrEngine
from testkit.drawing import (
    HOLDINGS,
    Box,
    draw_page,
    encode,
)
from testkit.fonts import Face, plain_face


@pytest.fixture(scope="session")
def font() -> Face:
    try:
        return plain_face()
    except FileNotFoundError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def page(font: Face) -> Callable[..., tuple[Image.Image, list[Box]]]:
    """`page(texts, size=(w, h), font_px=n)`: draw_page with the installed CJK font."""

    def draw(texts, *, size=(720, 1280), font_px=36):
        return draw_page(font, texts, size=size, font_px=font_px)

    return draw


@pytest.fixture(scope="session")
def holdings_png(page) -> tuple[bytes, list[Box]]:
    image, boxes = page(HOLDINGS)
    return encode(image), boxes


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    engine = OcrEngine(threads=1)
    engine.warm_up()
    return engine
