"""The OCR pipeline the PaddleHub module and the service share: detect, crop, classify, recognise, order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.settings import MAX_SIDE

from . import detect, recognise
from .classify import Classifier
from .crop import crop_line
from .detect import Detector
from .models import locate_models
from .order import reading_order
from .predictor import Predictor
from .recognise import Recogniser


@dataclass(frozen=True, slots=True)
class TextLine:
    """One recognised line; `box` is [4, 2] float32, clockwise from top-left, in source-image pixels."""

    text: str
    confidence: float
    box: np.ndarray


class OcrPipeline:
    """Three Paddle predictors and the steps between them. Not thread-safe: one instance per thread."""

    def __init__(self, *, threads: int = 1, max_side: int = MAX_SIDE) -> None:
        # The Detector checks too, but only after its model is loaded: a bad size should fail at once.
        detect.check_max_side(max_side)
        files = locate_models()
        self.version = files.version

        # Each predictor caches kernels for exactly as many input shapes as its stage produces.
        self._detector = Detector(
            Predictor(files.det, threads=threads, shape_cache=detect.SHAPES), max_side=max_side
        )
        self._classifier = Classifier(Predictor(files.cls, threads=threads, shape_cache=1))
        self._recogniser = Recogniser(
            Predictor(files.rec, threads=threads, shape_cache=recognise.shape_count()), files.keys
        )

    def __call__(
        self,
        image: np.ndarray,
        *,
        box_thresh: float = 0.5,
        text_thresh: float = 0.5,
        angle_thresh: float = 0.9,
        unclip_ratio: float = 1.5,
    ) -> list[TextLine]:
        """Lines of a BGR uint8 image [H, W, 3] in reading order; lines read below `text_thresh` are dropped."""
        detection = self._detector(image, box_thresh=box_thresh, unclip_ratio=unclip_ratio)
        lines = []
        for box in detection.boxes:
            strip = self._classifier(crop_line(image, box), thresh=angle_thresh)
            read = self._recogniser(strip)
            if read.text.strip() and read.confidence >= text_thresh:
                lines.append(TextLine(text=read.text, confidence=read.confidence, box=box))
        return reading_order(lines)

    def warm_up(self) -> None:
        """Run each model on every input shape it can be given, so requests never pay a first run and
        memory does not grow after this."""
        for stage in (self._detector, self._classifier, self._recogniser):
            stage.warm_up()
