"""The OCR pipeline the PaddleHub module and the service share: detect, orient, crop, classify, recognise,
deskew, order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.settings import (
    BACKEND,
    DETECTOR_PRECISION,
    LINE_MIN_WIDTH,
    MAX_SIDE,
    RECOGNISER_PRECISION,
    DetectorPrecision,
    OcrPrecision,
)

from . import deskew, detect, orient, recognise
from .classify import Classifier
from .crop import crop_line
from .detect import Detector
from .models import locate_models
from .order import reading_order
from .predictor import Backend, computed_precision, load_predictor
from .recognise import Recogniser


@dataclass(frozen=True, slots=True)
class TextLine:
    """One recognised line. `box` is [4, 2] float32 in source-image pixels, clockwise from the text's
    top-left (on a turned page not the image's top-left); `upright_box` the same corners in the page's
    upright frame: turned upright, tilt and perspective removed, the frame rows and columns are read in."""

    text: str
    confidence: float
    box: np.ndarray
    upright_box: np.ndarray | None = None  # None until the page's geometry is known


@dataclass(frozen=True, slots=True)
class Page:
    """The lines of one image in reading order, and how the page lay: `rotation` degrees clockwise it was
    turned to read (0, 90, 180, 270), `orientation_unsure` when the models could not tell the turns apart,
    `tilt` degrees its lines rose or fell before deskewing."""

    lines: list[TextLine]
    rotation: int = 0
    orientation_unsure: bool = False
    tilt: float = 0.0


class OcrPipeline:
    """Three predictors (one backend for all) and the steps between them. Not thread-safe: one instance per
    thread."""

    def __init__(
        self,
        *,
        threads: int = 1,
        max_side: int = MAX_SIDE,
        backend: Backend = BACKEND,
        detector_precision: DetectorPrecision = DETECTOR_PRECISION,
        recogniser_precision: OcrPrecision = RECOGNISER_PRECISION,
        line_min_width: int = LINE_MIN_WIDTH,
    ) -> None:
        # The Detector checks too, but only after its model is loaded: a bad size should fail at once.
        detect.check_max_side(max_side)
        detector_precision = computed_precision(backend, detector_precision)
        recogniser_precision = computed_precision(backend, recogniser_precision)
        # f32 throughout computes what Paddle Inference computes: the reading other precisions are checked by.
        self.exact = detector_precision == recogniser_precision == "f32"
        files = locate_models()
        self.version = f"{files.version} on {backend}"
        if backend == "openvino":
            self.version += f" {detector_precision}/{recogniser_precision}"

        def predictor(model_dir, shape_cache, precision):
            return load_predictor(
                model_dir, backend=backend, precision=precision, threads=threads, shape_cache=shape_cache
            )

        # Each predictor caches kernels for exactly as many input shapes as its stage produces.
        self._detector = Detector(predictor(files.det, detect.SHAPES, detector_precision), max_side=max_side)
        self._classifier = Classifier(predictor(files.cls, 1, recogniser_precision))
        self._recogniser = Recogniser(
            predictor(files.rec, recognise.shape_count(line_min_width), recogniser_precision),
            files.keys,
            min_width=line_min_width,
        )

    def __call__(
        self,
        image: np.ndarray,
        *,
        box_thresh: float = 0.5,
        text_thresh: float = 0.5,
        angle_thresh: float = 0.9,
        unclip_ratio: float = 1.5,
    ) -> Page:
        """Lines of a BGR uint8 image [H, W, 3] in reading order; lines read below `text_thresh` are dropped."""
        detection = self._detector(image, box_thresh=box_thresh, unclip_ratio=unclip_ratio)
        lie = orient.estimate(
            image,
            detection.boxes,
            upside_down=self._classifier.upside_down,
            confidence=lambda strip: self._recogniser(strip).confidence,
        )
        upright = orient.turn(image, lie.rotation)
        if lie.rotation:  # the detector finds lines best the right way up, on the canvas that fits them
            detection = self._detector(upright, box_thresh=box_thresh, unclip_ratio=unclip_ratio)
        lines = []
        for box in detection.boxes:
            strip = crop_line(upright, box)
            # Once the page is known to be upright, asking each line again only lets the classifier, which
            # is unsteady on short words (`持仓`), turn a few of them over.
            if lie.unsure:
                strip = self._classifier(strip, thresh=angle_thresh)
            read = self._recogniser(strip)
            if read.text.strip() and read.confidence >= text_thresh:
                lines.append(TextLine(text=read.text, confidence=read.confidence, box=box))
        return _place(lines, lie, upright.shape[1], upright.shape[0])

    def warm_up(self) -> None:
        """Run each model on every input shape it can be given, so requests never pay a first run and
        memory does not grow after this."""
        for stage in (self._detector, self._classifier, self._recogniser):
            stage.warm_up()


def _place(lines: list[TextLine], lie: orient.Orientation, width: int, height: int) -> Page:
    """Lines read off the turned `width` x `height` image, levelled, ordered, their boxes turned back to
    the source image."""
    boxes = np.array([line.box for line in lines], dtype=np.float32).reshape(-1, 4, 2)
    level = deskew.estimate(boxes, width, height)
    back = (360 - lie.rotation) % 360
    placed = [
        TextLine(line.text, line.confidence, orient.turn_points(line.box, back, width, height), upright)
        for line, upright in zip(lines, level.rectify(boxes), strict=True)
    ]
    return Page(reading_order(placed), lie.rotation, lie.unsure, level.tilt)
