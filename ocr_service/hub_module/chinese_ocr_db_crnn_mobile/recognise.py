"""Text recognition: the PP-OCRv4 CTC model reads one line strip, padded to one of a few widths."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.settings import LINE_MAX_WIDTH as MAX_WIDTH
from core.settings import LINE_MIN_WIDTH as MIN_WIDTH
from core.settings import LINE_STEP as STEP

from .crop import HEIGHT, strip_tensor
from .predictor import Predictor


def shape_count(min_width: int = MIN_WIDTH, max_width: int = MAX_WIDTH, step: int = STEP) -> int:
    """How many input widths the recogniser can produce."""
    return (max_width - min_width) // step + 1


@dataclass(frozen=True, slots=True)
class Recognition:
    """The text of one line and the mean probability of its characters (0 when nothing was read)."""

    text: str
    confidence: float


class Recogniser:
    """Batches of one line: on CPU, batching gains little and multiplies the input shapes Paddle keeps.

    Widths are rounded up to a multiple of `step`, between `min_width` (PP-OCR pads short lines to 320)
    and `max_width` (longer lines are squeezed): `shape_count` shapes.
    """

    def __init__(
        self,
        predictor: Predictor,
        keys: Path,
        *,
        min_width: int = MIN_WIDTH,
        max_width: int = MAX_WIDTH,
        step: int = STEP,
    ) -> None:
        self._predictor = predictor
        # CTC: index 0 is the blank; the model's last class is a space.
        self._chars = ["", *keys.read_text(encoding="utf-8").splitlines(), " "]
        self._min_width = min_width
        self._max_width = max_width
        self._step = step

    def warm_up(self) -> None:
        """Run once at every width, widest first: the widest sets the buffers the others reuse, so a
        worker's memory does not grow after warm-up, and no request pays a shape's slow first run."""
        for width in range(self._max_width, self._min_width - 1, -self._step):
            self._predictor(np.zeros((1, 3, HEIGHT, width), dtype=np.float32))

    def __call__(self, strip: np.ndarray) -> Recognition:
        height, width = strip.shape[:2]
        wanted = min(self._max_width, int(np.ceil(HEIGHT * width / height)))
        canvas = max(self._min_width, -(-wanted // self._step) * self._step)
        tensor = strip_tensor(strip, max_width=self._max_width, canvas_width=canvas)
        probs = self._predictor(tensor)[0]  # [time steps, classes]
        return self.decode(probs)

    def decode(self, probs: np.ndarray) -> Recognition:
        """Greedy CTC: best class per time step, repeats collapsed, blanks dropped."""
        best = probs.argmax(axis=1)
        keep = best != 0
        keep[1:] &= best[1:] != best[:-1]
        if not keep.any():
            return Recognition(text="", confidence=0.0)
        text = "".join(self._chars[index] for index in best[keep])
        return Recognition(text=text, confidence=float(probs[keep.nonzero()[0], best[keep]].mean()))
