"""Text detection: the PP-OCRv4 DB model on one of two fixed canvases, boxes mapped to source pixels."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import pyclipper

from core.settings import DETECTOR_STRIDE as STRIDE
from core.settings import MAX_SIDE, max_side_problem

from .predictor import Predictor

# PP-OCRv4 det was trained on BGR images normalised with the ImageNet statistics.
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
# Each channel's 256 levels normalised once (the same float32 arithmetic as per pixel, a table look-up per pixel).
_NORMALISED = ((np.arange(256, dtype=np.float32)[:, None] / 255 - MEAN) / STD).T[:, :, None].copy()
MIN_SIDE = 3  # boxes thinner than this, in canvas pixels, are noise
SHAPES = 2  # the portrait and the landscape canvas


@dataclass(frozen=True, slots=True)
class Detection:
    """Text boxes, corners top-left, top-right, bottom-right, bottom-left, in source-image pixels."""

    boxes: np.ndarray  # [n, 4, 2] float32


@dataclass(frozen=True, slots=True)
class Layout:
    """Where the image goes on the canvas: scaled by `scale` into the top-left `width` x `height`."""

    scale: float  # canvas pixels per source pixel
    width: int
    height: int
    canvas_width: int
    canvas_height: int


def canvas_size(max_side: int, *, portrait: bool) -> tuple[int, int]:
    """Width and height of the canvas: `max_side` by 9/16 of it (rounded up to the model's stride of 32)."""
    short = math.ceil(max_side * 9 / 16 / STRIDE) * STRIDE
    return (short, max_side) if portrait else (max_side, short)


def check_max_side(max_side: int) -> None:
    """Raise ValueError unless `max_side` is a multiple of the stride and at least two strides."""
    if problem := max_side_problem(max_side):
        raise ValueError(f"max_side ({max_side}) {problem}")


def plan_canvas(width: int, height: int, *, max_side: int) -> Layout:
    """Fit the image, up or down, into the portrait or the landscape canvas; the rest is padding.

    Paddle keeps buffers for the largest input it has seen and kernels for every shape: two canvases of
    one area keep a worker's memory flat. A 9:16 phone screenshot fills the portrait canvas.
    """
    canvas_w, canvas_h = canvas_size(max_side, portrait=height >= width)
    scale = min(canvas_w / width, canvas_h / height)
    scaled_w = min(canvas_w, max(1, round(width * scale)))
    scaled_h = min(canvas_h, max(1, round(height * scale)))
    return Layout(scale, scaled_w, scaled_h, canvas_w, canvas_h)


def to_canvas(image: np.ndarray, layout: Layout) -> np.ndarray:
    """The normalised input tensor [1, 3, canvas_height, canvas_width] with the image placed as planned."""
    interpolation = cv2.INTER_AREA if layout.scale < 1 else cv2.INTER_LINEAR
    scaled = cv2.resize(image, (layout.width, layout.height), interpolation=interpolation)
    # Zero after normalisation is the mean colour: the padding carries no edges for the model to find.
    tensor = np.zeros((1, 3, layout.canvas_height, layout.canvas_width), dtype=np.float32)
    for channel, plane in enumerate(cv2.split(scaled)):
        cv2.LUT(plane, _NORMALISED[channel], dst=tensor[0, channel, : layout.height, : layout.width])
    return tensor


class Detector:
    """DB text detector on a `max_side` x 9/16 canvas; `max_side` must be a multiple of 32."""

    def __init__(
        self, predictor: Predictor, *, max_side: int = MAX_SIDE, bin_thresh: float = 0.3, max_candidates: int = 1000
    ) -> None:
        check_max_side(max_side)
        self._predictor = predictor
        self._max_side = max_side
        self._bin_thresh = bin_thresh
        self._max_candidates = max_candidates

    def warm_up(self) -> None:
        """Run once on each canvas: a shape's first run is slow and sets the memory the worker keeps."""
        for portrait in (True, False):
            width, height = canvas_size(self._max_side, portrait=portrait)
            self._predictor(np.zeros((1, 3, height, width), dtype=np.float32))

    def __call__(self, image: np.ndarray, *, box_thresh: float = 0.5, unclip_ratio: float = 1.5) -> Detection:
        layout = plan_canvas(image.shape[1], image.shape[0], max_side=self._max_side)
        prob = self._predictor(to_canvas(image, layout))[0, 0, : layout.height, : layout.width]
        mask = cv2.dilate((prob > self._bin_thresh).astype(np.uint8), np.ones((2, 2), np.uint8))
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        boxes = []
        for contour in contours[: self._max_candidates]:
            quad, short_side = min_area_quad(contour.reshape(-1, 2))
            if short_side < MIN_SIDE or mean_inside(prob, quad) < box_thresh:
                continue
            quad, short_side = min_area_quad(unclip(quad, unclip_ratio))
            if short_side < MIN_SIDE + 2:
                continue
            boxes.append(quad / layout.scale)
        return Detection(boxes=_in_image(boxes, image.shape[1], image.shape[0]))


def min_area_quad(points: np.ndarray) -> tuple[np.ndarray, float]:
    """The smallest rectangle around `points`, corners clockwise from top-left, and its short side."""
    rect = cv2.minAreaRect(points.astype(np.float32))
    return order_corners(cv2.boxPoints(rect)), min(rect[1])


def order_corners(corners: np.ndarray) -> np.ndarray:
    """Four corners as top-left, top-right, bottom-right, bottom-left."""
    by_x = corners[np.argsort(corners[:, 0], kind="stable")]
    top_left, bottom_left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    top_right, bottom_right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([top_left, top_right, bottom_right, bottom_left], dtype=np.float32)


def mean_inside(prob: np.ndarray, quad: np.ndarray) -> float:
    """Mean probability inside the quad (computed on its bounding box only)."""
    height, width = prob.shape
    x0, y0 = np.clip(np.floor(quad.min(axis=0)).astype(int), 0, [width - 1, height - 1])
    x1, y1 = np.clip(np.ceil(quad.max(axis=0)).astype(int), 0, [width - 1, height - 1])
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), dtype=np.uint8)
    cv2.fillPoly(mask, [(quad - [x0, y0]).astype(np.int32)], 1)
    return float(cv2.mean(prob[y0 : y1 + 1, x0 : x1 + 1], mask)[0])


def unclip(quad: np.ndarray, ratio: float) -> np.ndarray:
    """Grow the shrunk text kernel the DB model predicts back to the full text area."""
    distance = cv2.contourArea(quad) * ratio / cv2.arcLength(quad.reshape(-1, 1, 2), True)
    offset = pyclipper.PyclipperOffset()
    offset.AddPath(np.round(quad).astype(np.int64).tolist(), pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    paths = offset.Execute(distance)
    return np.array(max(paths, key=len) if paths else quad, dtype=np.float32)


def _in_image(boxes: list[np.ndarray], width: int, height: int) -> np.ndarray:
    """Boxes clipped to the image, less those left thinner than a few pixels."""
    clipped = [np.clip(box, 0, [width - 1, height - 1]).astype(np.float32) for box in boxes]
    kept = [
        box
        for box in clipped
        if np.linalg.norm(box[0] - box[1]) > MIN_SIDE and np.linalg.norm(box[0] - box[3]) > MIN_SIDE
    ]
    return np.array(kept, dtype=np.float32).reshape(-1, 4, 2)
