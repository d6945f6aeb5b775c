"""The OCR engine's speed levers one by one, each pipeline on the same pages in turn, in one process.

    OMP_NUM_THREADS=1 python -m bench.engine_levers --images /tmp/speed/s2 --count 30

Builds one OcrPipeline (1 thread) per configuration in LEVERS, each lever added to the one before it, warms
them all up, then reads every page with each configuration back to back, so the machine's load (other
work shares these cores) falls on all of them alike. Prints per configuration the median and mean
seconds per page, and how many pages it read with exactly the lines of the first (the stock engine) and
the share of characters it agrees on. Accuracy of the extraction itself: bench/extraction.py.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import cv2

from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.pipeline import OcrPipeline

# The stock engine first (what the module ran before issue 16), then one lever per row, kept or not.
STOCK = {"backend": "paddle", "max_side": 1280, "line_min_width": 320}
OPENVINO = {**STOCK, "backend": "openvino", "detector_precision": "f32", "recogniser_precision": "f32"}
BF16 = {**OPENVINO, "detector_precision": "bf16", "recogniser_precision": "bf16"}
LEVERS: list[tuple[str, dict[str, Any]]] = [
    ("stock: paddle, canvas 1280", STOCK),
    ("openvino f32", OPENVINO),
    ("openvino, bf16 detector", {**OPENVINO, "detector_precision": "bf16"}),
    ("openvino, bf16 everywhere", BF16),
    ("bf16 everywhere, canvas 1024", {**BF16, "max_side": 1024}),
    ("bf16, canvas 1024, lines from 160", {**BF16, "max_side": 1024, "line_min_width": 160}),
]


def pages(folder: Path, count: int) -> list[tuple[str, Any]]:
    """The first `count` images of folder/labels.jsonl (as bench.screens.render writes it), decoded."""
    records = [json.loads(line) for line in (folder / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    return [(r["path"], cv2.imread(str(folder / r["path"]), cv2.IMREAD_COLOR)) for r in records[:count]]


def similarity(a: list[str], b: list[str]) -> float:
    return SequenceMatcher(None, "\n".join(a), "\n".join(b)).ratio()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=Path, required=True, help="a folder rendered by bench.screens.render")
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--levers", type=int, default=len(LEVERS), help="how many rows of LEVERS to run")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    chosen = LEVERS[: args.levers]
    print(f"command: {' '.join(sys.orig_argv)}")
    print(f"{os.cpu_count()} CPUs, load average at start {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    engines = []
    for name, options in chosen:
        pipeline = OcrPipeline(threads=1, **options)
        pipeline.warm_up()
        engines.append(pipeline)
    seconds: list[list[float]] = [[] for _ in chosen]
    texts: list[list[list[str]]] = [[] for _ in chosen]
    for path, image in pages(args.images, args.count):
        for i, pipeline in enumerate(engines):
            began = time.perf_counter()
            page = pipeline(image)
            seconds[i].append(time.perf_counter() - began)
            texts[i].append([line.text for line in page.lines])
        print(f"  {path}: " + " ".join(f"{s[-1]:.2f}" for s in seconds), file=sys.stderr, flush=True)
    stock = texts[0]
    print(f"\n{len(stock)} pages; s/page with 1 thread; agreement with the first row's lines")
    print(f"{'engine':32} {'median s':>9} {'mean s':>7} {'x stock':>8} {'same lines':>11} {'chars':>7}")
    for (name, _), spent, read in zip(chosen, seconds, texts, strict=True):
        same = sum(a == b for a, b in zip(read, stock, strict=True))
        chars = statistics.mean(similarity(a, b) for a, b in zip(read, stock, strict=True))
        speedup = statistics.mean(seconds[0]) / statistics.mean(spent)
        print(
            f"{name:32} {statistics.median(spent):9.3f} {statistics.mean(spent):7.3f} {speedup:8.2f}"
            f" {f'{same}/{len(read)}':>11} {chars:7.4f}"
        )
    print(f"load average at the end {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
