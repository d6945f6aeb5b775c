"""Cut detected text lines out of the source image as upright strips, and scale strips to model input."""

from __future__ import annotations

import cv2
import numpy as np

HEIGHT = 48  # the line height both the classifier and the recogniser take


def crop_line(image: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Warp the quad `box` (top-left, top-right, bottom-right, bottom-left) to a rectangle."""
    width = max(1, round(max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[3] - box[2]))))
    height = max(1, round(max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2]))))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(box.astype(np.float32), target)
    strip = cv2.warpPerspective(
        image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )
    # A strip much taller than wide is vertical text; the recogniser reads horizontal lines.
    if height >= 1.5 * width:
        strip = np.ascontiguousarray(np.rot90(strip))
    return strip


def strip_tensor(strip: np.ndarray, *, max_width: int, canvas_width: int) -> np.ndarray:
    """Scale to height 48 keeping the aspect (at most `max_width` wide), normalise to [-1, 1], pad right."""
    height, width = strip.shape[:2]
    scaled_w = min(max_width, max(1, int(np.ceil(HEIGHT * width / height))))
    scaled = cv2.resize(strip, (scaled_w, HEIGHT)).astype(np.float32)
    tensor = np.zeros((1, 3, HEIGHT, canvas_width), dtype=np.float32)
    tensor[0, :, :, :scaled_w] = (scaled / 127.5 - 1).transpose(2, 0, 1)
    return tensor
