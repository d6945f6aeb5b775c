"""Tilt and perspective of an upright page, from the direction of its long text lines.

Lines of one page run parallel on a flat page facing the camera: their median angle is the page's tilt.
Photographed at a slant, they meet at a vanishing point instead, and their angle drifts down the page
(angle = slope x (y - y0)). The rectifying homography rotates the tilt away, then sends that vanishing
point to infinity, which makes every line horizontal: rows and columns are then read from corrected
coordinates while the boxes returned stay in image pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

LONG = 3.0  # boxes at least this many times as wide as tall: short ones give a noisy angle
MIN_LINES = 3  # fewer long lines than this: no estimate, the page is taken as level
MAX_TILT = 15.0  # degrees; beyond this the angles are not of rows (a quarter turn is orient's job)
PERSPECTIVE_LINES = 6  # a drift of the angle needs this many lines to be believed
MIN_DRIFT = math.radians(1.0)  # angle change from top to bottom of the lines below which none is removed
OUTLIER = math.radians(2.0)  # lines this far from the fit are left out of the refit
MAX_STRETCH = 0.3  # a homography scaling the page's sides by more than this is not believed: tilt only


@dataclass(frozen=True, slots=True)
class Geometry:
    """`tilt`: degrees the lines rise (positive: clockwise in the image) on average; `matrix`: the 3 x 3
    homography from image pixels to the upright frame (identity when the page is level)."""

    tilt: float = 0.0
    matrix: np.ndarray = field(default_factory=lambda: np.eye(3))

    def rectify(self, boxes: np.ndarray) -> np.ndarray:
        """Box corners [n, 4, 2] in the upright frame."""
        if len(boxes) == 0:
            return boxes.reshape(0, 4, 2).astype(np.float32)
        flat = boxes.reshape(-1, 1, 2).astype(np.float64)
        return cv2.perspectiveTransform(flat, self.matrix).reshape(-1, 4, 2).astype(np.float32)


def estimate(boxes: np.ndarray, width: int, height: int) -> Geometry:
    """The page's tilt and rectifying homography from its line boxes [n, 4, 2] (image pixels)."""
    if len(boxes) == 0:
        return Geometry()
    direction = (boxes[:, 1] - boxes[:, 0] + boxes[:, 2] - boxes[:, 3]) / 2
    across = np.linalg.norm((boxes[:, 3] - boxes[:, 0] + boxes[:, 2] - boxes[:, 1]) / 2, axis=1)
    angles = np.arctan2(direction[:, 1], direction[:, 0])
    long = (np.linalg.norm(direction, axis=1) >= LONG * across) & (np.abs(angles) <= math.radians(MAX_TILT))
    if long.sum() < MIN_LINES:
        return Geometry()
    tilt = float(np.median(angles[long]))
    centre = np.array([width / 2, height / 2])
    cos, sin = math.cos(-tilt), math.sin(-tilt)
    rotate = _shift(centre) @ np.array([[cos, -sin, 0], [sin, cos, 0], [0, 0, 1]]) @ _shift(-centre)
    level = _perspective(angles[long] - tilt, _apply(rotate, boxes[long].mean(axis=1)), centre)
    matrix = level @ rotate
    return Geometry(tilt=math.degrees(tilt), matrix=matrix)


def _perspective(residuals: np.ndarray, centres: np.ndarray, page_centre: np.ndarray) -> np.ndarray:
    """The homography that levels lines whose angle drifts linearly with their height (identity if not)."""
    if len(residuals) < PERSPECTIVE_LINES:
        return np.eye(3)
    ys = centres[:, 1]
    keep = np.ones(len(ys), dtype=bool)
    for _ in range(2):  # fit, drop lines far off the fit, fit again
        slope, intercept = np.polyfit(ys[keep], residuals[keep], 1)
        keep = np.abs(residuals - (slope * ys + intercept)) <= OUTLIER
        if keep.sum() < PERSPECTIVE_LINES:
            return np.eye(3)
    if abs(slope) * float(np.ptp(ys[keep])) < MIN_DRIFT or abs(slope) * page_centre[0] > MAX_STRETCH:
        return np.eye(3)
    # angle = slope * (y - y0): lines through (x0 - 1 / slope, y0); x / (1 + slope * x) levels them all.
    y0 = -intercept / slope
    origin = np.array([page_centre[0], y0])
    level = np.array([[1, 0, 0], [0, 1, 0], [slope, 0, 1]])
    return _shift(origin) @ level @ _shift(-origin)


def _shift(offset: np.ndarray) -> np.ndarray:
    return np.array([[1, 0, offset[0]], [0, 1, offset[1]], [0, 0, 1]], dtype=np.float64)


def _apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(points.reshape(-1, 1, 2).astype(np.float64), matrix).reshape(-1, 2)
