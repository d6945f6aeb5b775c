"""An OCR stand-in for tests about HTTP and storage rather than recognition."""

from __future__ import annotations

import asyncio
import hashlib
import io
import threading
import time

from PIL import Image

from ocr_service.errors import ImageError
from ocr_service.types import OcrLine, OcrResult


class FakeOcr:
    """Decodes the image like an engine (Pillow, off the loop), then 'reads' the lines a test taught it.

    Clearing `gate` holds every image in the engine until it is set again (tests of admission)."""

    version = "fake-ocr"

    def __init__(self, delay: float = 0.05) -> None:
        self.delay = delay
        self.calls = 0
        self.queue_depth = 0
        self.fail_next = False
        self.gate = threading.Event()
        self.gate.set()
        self.closed = False
        self._texts: dict[str, tuple[str, ...]] = {}

    def teach(self, image: bytes, lines: list[str]) -> bytes:
        self._texts[hashlib.sha256(image).hexdigest()] = tuple(lines)
        return image

    async def recognize(self, image: bytes) -> OcrResult:
        self.calls += 1
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("engine crashed")
        self.queue_depth += 1
        try:
            width, height = await asyncio.to_thread(self._decode, image)
        finally:
            self.queue_depth -= 1
        texts = self._texts.get(hashlib.sha256(image).hexdigest(), ())
        lines = tuple(
            OcrLine(text, 0.98, ((10, 10 + 40 * i), (300, 10 + 40 * i), (300, 40 + 40 * i), (10, 40 + 40 * i)))
            for i, text in enumerate(texts)
        )
        return OcrResult(lines=lines, width=width, height=height, seconds=self.delay)

    def _decode(self, image: bytes) -> tuple[int, int]:
        try:
            with Image.open(io.BytesIO(image)) as decoded:
                decoded.load()
                size = decoded.size
        except (OSError, SyntaxError, Image.DecompressionBombError) as error:
            raise ImageError(f"cannot decode: {error}") from None
        time.sleep(self.delay)
        self.gate.wait(60)
        return size

    def close(self) -> None:
        self.closed = True
