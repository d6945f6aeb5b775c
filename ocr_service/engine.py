"""One OCR engine: image bytes in, typed lines in reading order out."""

from __future__ import annotations

import time

import numpy as np

from core.settings import (
    BACKEND,
    DETECTOR_PRECISION,
    LINE_MIN_WIDTH,
    MAX_PIXELS,
    MAX_SIDE,
    RECOGNISER_PRECISION,
    SECOND_LOOK,
    DetectorPrecision,
    OcrBackend,
    OcrPrecision,
)

from .hub_module.chinese_ocr_db_crnn_mobile.pipeline import OcrPipeline, TextLine
from .image import load_image
from .types import OcrLine, OcrResult, Quad


class OcrEngine:
    """Image loading plus the PaddleHub module's pipeline. Not thread-safe: EnginePool gives each one a process.

    The pipeline is the one `hub.Module(name="chinese_ocr_db_crnn_mobile")` runs, called directly: the
    service skips importing paddlehub, which costs about 7 s and 280 MB per process and adds nothing here.
    With `second_look`, an OpenVINO engine that computes in bf16 (on a CPU with AVX-512 BF16 or AMX), or runs
    the int8 detector, keeps a second pipeline in f32 for exact readings (`recognize(..., exact=True)`): the
    same models, what Paddle Inference reads.
    """

    def __init__(
        self,
        *,
        threads: int = 1,
        max_pixels: int = MAX_PIXELS,
        max_side: int = MAX_SIDE,
        backend: OcrBackend = BACKEND,
        detector_precision: DetectorPrecision = DETECTOR_PRECISION,
        recogniser_precision: OcrPrecision = RECOGNISER_PRECISION,
        line_min_width: int = LINE_MIN_WIDTH,
        second_look: bool = SECOND_LOOK,
        box_thresh: float = 0.5,
        text_thresh: float = 0.5,
    ) -> None:
        options = {"threads": threads, "max_side": max_side, "backend": backend, "line_min_width": line_min_width}
        self._pipeline = OcrPipeline(
            **options, detector_precision=detector_precision, recogniser_precision=recogniser_precision
        )
        exact = second_look and not self._pipeline.exact
        self._exact = OcrPipeline(**options, detector_precision="f32", recogniser_precision="f32") if exact else None
        self._max_pixels = max_pixels
        self._box_thresh = box_thresh
        self._text_thresh = text_thresh

    @property
    def version(self) -> str:
        """Which models read the text, for storing next to each answer."""
        return self._pipeline.version

    @property
    def exact_version(self) -> str | None:
        """The models of an exact reading, or None when this engine has no other than `version`'s."""
        return self._exact.version if self._exact is not None else None

    def warm_up(self) -> None:
        """Pay each model's first-run cost now rather than on the first request."""
        self._pipeline.warm_up()
        if self._exact is not None:
            self._exact.warm_up()

    def recognize(self, data: bytes, *, exact: bool = False) -> OcrResult:
        """Read one image (`exact`: with the f32 pipeline, where there is one); raises ImageError for bytes
        that are not a supported image. No text: no lines."""
        start = time.perf_counter()
        image = load_image(data, max_pixels=self._max_pixels)
        pipeline = self._exact if exact and self._exact is not None else self._pipeline
        page = pipeline(image.pixels, box_thresh=self._box_thresh, text_thresh=self._text_thresh)
        return OcrResult(
            lines=tuple(_to_ocr_line(line) for line in page.lines),
            width=image.width,
            height=image.height,
            seconds=time.perf_counter() - start,
            rotation=page.rotation,
            orientation_unsure=page.orientation_unsure,
            tilt=round(page.tilt, 2),
        )


def _to_ocr_line(line: TextLine) -> OcrLine:
    return OcrLine(line.text, line.confidence, _quad(line.box), _quad(line.upright_box))


def _quad(corners: np.ndarray) -> Quad:
    return tuple((x, y) for x, y in np.round(corners).astype(int).tolist())
