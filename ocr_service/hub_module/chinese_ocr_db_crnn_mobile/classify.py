"""Line direction: the PP-OCR mobile v2 classifier turns lines it reads as upside down."""

from __future__ import annotations

import cv2
import numpy as np

from .crop import HEIGHT, MARGIN, strip_tensor
from .predictor import Predictor

WIDTH = 192


class Classifier:
    """One fixed input shape [1, 3, 48, 192]: lines are scaled to height 48 and padded or squeezed to 192."""

    def __init__(self, predictor: Predictor) -> None:
        self._predictor = predictor

    def warm_up(self) -> None:
        self._predictor(np.zeros((1, 3, HEIGHT, WIDTH), dtype=np.float32))

    def upside_down(self, strip: np.ndarray) -> float:
        """How sure the model is that the strip's text is upside down (0 to 1)."""
        # Judged on the line as detected: with the margin crop_line adds, short lines (`持仓`) read as
        # upside down. The margin is MARGIN of the line height on every side, height being the short side.
        inner = round(strip.shape[0] * MARGIN / (1 + 2 * MARGIN))
        line = strip[inner : strip.shape[0] - inner, inner : strip.shape[1] - inner]
        tensor = strip_tensor(line, max_width=WIDTH, canvas_width=WIDTH)
        return float(self._predictor(tensor)[0][1])  # [p(0 degrees), p(180 degrees)]

    def __call__(self, strip: np.ndarray, *, thresh: float = 0.9) -> np.ndarray:
        """The strip, turned by 180 degrees when the model is at least `thresh` sure it is upside down."""
        if self.upside_down(strip) >= thresh:
            return cv2.rotate(strip, cv2.ROTATE_180)
        return strip
