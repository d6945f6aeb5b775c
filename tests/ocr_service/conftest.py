"""Fixtures: the installed CJK font, a page drawer, and one warmed-up engine per test module."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PIL import Image

from ocr_service.engine import OcrEngine
from tests.ocr_service.drawing import (
    CJK_FONTS,
    HOLDINGS,
    Box,
    cjk_font,
    draw_page,
    encode,
)


@pytest.fixture(scope="session")
def font() -> str:
    path = cjk_font()
    if path is None:
        pytest.fail(f"no CJK font installed (looked for {CJK_FONTS}): apt-get install fonts-wqy-microhei")
    return path


@pytest.fixture(scope="session")
def page(font: str) -> Callable[..., tuple[Image.Image, list[Box]]]:
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
