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

Line = str | tuple[str, float]


class FakeOcr:
    """Decodes the image like an engine (Pillow, off the loop), then 'reads' the lines a test taught it: each a
    text, or a (text, confidence) pair; an exact reading reads the `exact` lines taught (the same, untaught).

    Clearing `gate` holds every image in the engine until it is set again (tests of admission)."""

    version = "fake-ocr"
    exact_version = "fake-ocr exact"

    def __init__(self, delay: float = 0.05) -> None:
        self.delay = delay
        self.calls = 0
        self.exact_calls = 0
        self.queue_depth = 0
        self.fail_next = False
        self.gate = threading.Event()
        self.gate.set()
        self.closed = False
        self._texts: dict[tuple[str, bool], tuple[Line, ...]] = {}

    def teach(self, image: bytes, lines: list[Line], *, exact: list[Line] | None = None) -> bytes:
        key = hashlib.sha256(image).hexdigest()
        self._texts[key, False] = tuple(lines)
        self._texts[key, True] = tuple(lines if exact is None else exact)
        return image

    async def recognize(self, image: bytes, *, exact: bool = False) -> OcrResult:
        self.calls += 1
        self.exact_calls += exact
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("engine crashed")
        self.queue_depth += 1
        try:
            width, height = await asyncio.to_thread(self._decode, image)
        finally:
            self.queue_depth -= 1
        taught = self._texts.get((hashlib.sha256(image).hexdigest(), exact), ())
        read = [(line, 0.98) if isinstance(line, str) else line for line in taught]
        lines = tuple(
            OcrLine(text, confidence, ((10, 10 + 40 * i), (300, 10 + 40 * i), (300, 40 + 40 * i), (10, 40 + 40 * i)))
            for i, (text, confidence) in enumerate(read)
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
