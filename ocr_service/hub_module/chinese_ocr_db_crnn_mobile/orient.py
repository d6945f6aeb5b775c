"""Page orientation: which quarter turn makes the page's text upright, from the boxes and the models.

Boxes tell a quarter turn apart from upright or 180 degrees: lines are wider than tall. Which way round is
asked of the angle classifier on a few of the longest lines, and, where it hesitates or the boxes do not
tell, of the recogniser: the turn whose lines it reads with the higher mean confidence wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from .crop import warp_quad

SAMPLE = 5  # longest lines asked; enough to outvote one odd line, few enough to cost little
LONG = 2.0  # a box whose long side is this many times its short side shows its line's direction
FAMILY_SHARE = 0.7  # share of long boxes that must agree (wide, or tall) for the boxes to decide
CLASSIFIER_SURE = 0.25  # mean p(upside down) below this, or above 1 minus this, settles it
RECOGNITION_MARGIN = 0.05  # mean confidence one turn must lead the next by, else the page is unsure
TURNS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


@dataclass(frozen=True, slots=True)
class Orientation:
    """`rotation`: degrees clockwise the image must turn for its text to read upright (0, 90, 180, 270).
    `unsure`: the models could not tell the turns apart; `rotation` is then the likelier one."""

    rotation: int = 0
    unsure: bool = False


def turn(image: np.ndarray, rotation: int) -> np.ndarray:
    """The image turned `rotation` degrees clockwise (0, 90, 180 or 270)."""
    return image if rotation == 0 else cv2.rotate(image, TURNS[rotation])


def turn_points(points: np.ndarray, rotation: int, width: int, height: int) -> np.ndarray:
    """Where points [..., 2] of a `width` x `height` image land once it is turned `rotation` clockwise."""
    x, y = points[..., 0], points[..., 1]
    turned = {0: (x, y), 90: (height - 1 - y, x), 180: (width - 1 - x, height - 1 - y), 270: (y, width - 1 - x)}
    return np.stack(turned[rotation], axis=-1).astype(np.float32)


def estimate(
    image: np.ndarray,
    boxes: np.ndarray,
    *,
    upside_down: Callable[[np.ndarray], float],
    confidence: Callable[[np.ndarray], float],
) -> Orientation:
    """The page's orientation from its detected `boxes` [n, 4, 2]; `upside_down` is the classifier's
    p(180 degrees) for a horizontal strip, `confidence` the recogniser's mean confidence on one."""
    if len(boxes) == 0:
        return Orientation()
    widths = np.linalg.norm(boxes[:, 1] - boxes[:, 0], axis=1)
    heights = np.linalg.norm(boxes[:, 3] - boxes[:, 0], axis=1)
    long = np.maximum(widths, heights) >= LONG * np.minimum(widths, heights)
    tall_share = float((heights > widths)[long].mean()) if long.any() else 0.5
    if tall_share <= 1 - FAMILY_SHARE:
        candidates = (0, 180)
    elif tall_share >= FAMILY_SHARE:
        candidates = (90, 270)
    else:
        candidates = (0, 90, 180, 270)
    # The longest lines carry the most text for the models to judge by.
    sample = [boxes[i] for i in np.argsort(-np.maximum(widths, heights))[:SAMPLE]]
    strips = [warp_quad(image, box) for box in sample]
    if len(candidates) == 2:
        base = candidates[0]
        p = float(np.mean([upside_down(turn(strip, base)) for strip in strips]))
        if p <= CLASSIFIER_SURE:
            return Orientation(base)
        if p >= 1 - CLASSIFIER_SURE:
            return Orientation(candidates[1])
    scores = sorted(
        ((float(np.mean([confidence(turn(strip, r)) for strip in strips])), r) for r in candidates), reverse=True
    )
    (best, rotation), (second, _) = scores[0], scores[1]
    return Orientation(rotation, unsure=best - second < RECOGNITION_MARGIN)
