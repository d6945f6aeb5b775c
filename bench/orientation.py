"""What the orientation estimate costs on upright screenshots, and whether it ever turns one.

    python -m bench.orientation --count 30 --seed 11

Renders screenshots (bench.screens.render), then per page times the orientation estimate (on the page's
own detection) and the whole pipeline back to back in one process, so machine load weighs on both alike.
Prints how many pages were turned or marked unsure (both should be none) and the estimate's share of
the page time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench.screens.render import render_set
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile import orient
from ocr_service.hub_module.chinese_ocr_db_crnn_mobile.pipeline import OcrPipeline
from ocr_service.image import load_image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    labels = render_set(Path(tempfile.mkdtemp(prefix="orient-bench-")), count=args.count, seed=args.seed)
    pipeline = OcrPipeline()
    pipeline.warm_up()
    # The pipeline's own stages, so the estimate runs exactly as inside a page.
    detector, classifier, recogniser = pipeline._detector, pipeline._classifier, pipeline._recogniser
    turned = unsure = 0
    estimate_s, page_s = [], []
    for record in (json.loads(line) for line in labels.read_text().splitlines()):
        image = load_image((labels.parent / record["path"]).read_bytes()).pixels
        boxes = detector(image).boxes
        began = time.perf_counter()
        lie = orient.estimate(
            image, boxes, upside_down=classifier.upside_down, confidence=lambda s: recogniser(s).confidence
        )
        estimate_s.append(time.perf_counter() - began)
        began = time.perf_counter()
        pipeline(image)
        page_s.append(time.perf_counter() - began)
        turned += lie.rotation != 0
        unsure += lie.unsure
    shares = [e / p for e, p in zip(estimate_s, page_s, strict=True)]
    print(f"{len(page_s)} upright screenshots: {turned} turned, {unsure} unsure")
    print(f"orientation estimate median {statistics.median(estimate_s):.3f} s, max {max(estimate_s):.3f} s")
    print(f"whole page median {statistics.median(page_s):.3f} s")
    print(f"estimate's share of the page time: mean {100 * statistics.mean(shares):.1f}%, max {100 * max(shares):.1f}%")


if __name__ == "__main__":
    main()
