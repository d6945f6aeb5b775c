"""int8 text detection, a speed lever of issue 16: the PP-OCRv4 detector quantised after training (NNCF) into
the model the engines run with `ocr.detector_precision: int8`, and its speed beside f32 and bf16.

    OMP_NUM_THREADS=1 python -m bench.int8_detector [--out FOLDER]

Calibration: `--calibrate` pages of the default families and as many wild pages, rendered from seed 5 and
13 (never scored on). The quantised model is written to OUT (default: where the engines load it from, the
shipped one). Timing: the detector alone, one thread, on the calibration pages' canvases, each precision
in turn. Numbers only; nothing is checked.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.screens.render import render_set, render_wild_set
from core.settings import load_settings
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile import detect
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.models import (
    QUANTISED,
    locate_models,
)
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.predictor import (
    OpenVinoPredictor,
)
from ocr_service.image import load_image

CALIBRATION_SEEDS = (5, 13)


def canvases(folders: list[Path], max_side: int) -> list[np.ndarray]:
    """The detector's input for every page listed in each folder's labels.jsonl."""
    found = []
    for folder in folders:
        for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines():
            image = load_image((folder / json.loads(line)["path"]).read_bytes()).pixels
            found.append(detect.to_canvas(image, detect.plan_canvas(image.shape[1], image.shape[0], max_side=max_side)))
    return found


def quantise(calibration: list[np.ndarray], out: Path) -> Path:
    """The detector quantised on `calibration` canvases, written to `out` with a card saying how it was made."""
    import nncf
    import openvino

    files = locate_models()
    model = openvino.Core().read_model(str(files.det / "inference.pdmodel"))
    quantised = nncf.quantize(model, nncf.Dataset(calibration), subset_size=len(calibration), fast_bias_correction=True)
    path = out / f"{files.det.name}.xml"
    openvino.save_model(quantised, str(path))
    card = {
        "from": f"{files.det.name} of {files.version}",
        "made_by": " ".join(["python", *sys.orig_argv[1:]]),
        "calibration": {"seeds": CALIBRATION_SEEDS, "canvases": len(calibration)},
        "nncf": nncf.__version__,
        "openvino": openvino.__version__,
    }
    (out / "model_card.json").write_text(json.dumps(card, indent=2) + "\n", encoding="utf-8")
    return path


def timing(int8: Path, pages: list[np.ndarray]) -> None:
    stock = locate_models().det / "inference.pdmodel"
    rows = [("f32", stock, "f32"), ("bf16", stock, "bf16"), ("int8", int8, "int8")]
    print(f"detector alone, one thread, {len(pages)} canvases; ms per page")
    for name, path, precision in rows:
        predictor = OpenVinoPredictor(path, precision=precision, threads=1, shape_cache=detect.SHAPES)
        predictor(pages[0])
        spent = []
        for page in pages:
            began = time.perf_counter()
            predictor(page)
            spent.append((time.perf_counter() - began) * 1000)
        print(f"  {name:24} median {statistics.median(spent):6.1f}  mean {statistics.fmean(spent):6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=QUANTISED, help="folder for the quantised detector")
    parser.add_argument("--calibrate", type=int, default=40, help="pages of each set (default and wild) to calibrate on")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    print(f"command: {' '.join(sys.orig_argv)}")
    print(f"{os.cpu_count()} CPUs, load average at start {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        default = render_set(Path(tmp) / "default", count=args.calibrate, seed=CALIBRATION_SEEDS[0]).parent
        wild = render_wild_set(Path(tmp) / "wild", count=args.calibrate, seed=CALIBRATION_SEEDS[1]).parent
        pages = canvases([default, wild], load_settings().ocr.max_side)
    int8 = quantise(pages, args.out)
    timing(int8, pages)


if __name__ == "__main__":
    main()
