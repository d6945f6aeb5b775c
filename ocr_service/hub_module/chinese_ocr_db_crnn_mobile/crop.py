"""Cut detected text lines out of the source image as upright strips, and scale strips to model input."""

from __future__ import annotations

import cv2
import numpy as np

HEIGHT = 48  # the line height both the classifier and the recogniser take
# The recogniser learnt from crops with background around the ink; on the detector's tight boxes it runs
# Latin words together (`Tofacilitatethe` for `To facilitate the`) and drops a leading minus or `¥`.
# Every edge moved out by this share of the line height brings them back (the classifier trims it off).
MARGIN = 0.15


def warp_quad(image: np.ndarray, box: np.ndarray, *, margin: float = MARGIN) -> np.ndarray:
    """The quad `box` (top-left, top-right, bottom-right, bottom-left), each edge moved out by `margin` of
    its short side, warped to a rectangle in the quad's own direction."""
    box = box.astype(np.float32)
    down = (box[3] - box[0] + box[2] - box[1]) / 2  # top edge to bottom edge
    right = (box[1] - box[0] + box[2] - box[3]) / 2  # left edge to right edge
    short = min(np.linalg.norm(down), np.linalg.norm(right))
    grow = margin * short
    unit_down = down / max(float(np.linalg.norm(down)), 1e-6)
    unit_right = right / max(float(np.linalg.norm(right)), 1e-6)
    quad = box + grow * (np.outer([-1, -1, 1, 1], unit_down) + np.outer([-1, 1, 1, -1], unit_right))
    quad = quad.astype(np.float32)
    width = max(1, round(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[3] - quad[2]))))
    height = max(1, round(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2]))))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    return cv2.warpPerspective(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)


def is_tall(width: float, height: float) -> bool:
    """A box this much taller than wide holds a vertical line (or a line of a quarter-turned page)."""
    return height >= 1.5 * width


def crop_line(image: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The line as a horizontal strip: tall strips are turned a quarter, as the recogniser reads rows."""
    strip = warp_quad(image, box)
    if is_tall(strip.shape[1], strip.shape[0]):
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
