"""Entity F1 of NER models on text the real OCR engine read from rendered screenshots, and what the
model adds to the extraction rules.

    python -m bench.ner_ocr_eval --seed 1 --count 300 --model ner_service/model

Uses the screenshot set and OCR cache of `bench.extraction` (pages drawn by bench.screens.render, read by
ocr_service's engine; built on first use, /tmp/fundocr-ocr-SEED-COUNT.jsonl by default). Each OCR line is
labelled by aligning it with the cells its box covers (ner_service.data.align). Answers are counted as
`bench.extraction` counts them: positives exactly right (code, share, flag), negatives left unflagged.
`--samples FILE` writes the labelled OCR texts as JSON lines for `python -m ner_service.train --extra`;
build those from another seed than the one you score on.
"""

from __future__ import annotations

import argparse
import os
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from bench.extraction import correct, load, ocr_set, to_page
from bench.screens.render import render_set
from core.settings import load_settings
from ner_service import bio
from ner_service.data.align import align_labels
from ner_service.data.sample import Sample, append_jsonl
from ner_service.evaluate import evaluate
from ner_service.predict import NerPredictor
from ocr_service.extract import extract
from ocr_service.types import OcrLine
from service.decide import decide


def covered(line: OcrLine, cells: Sequence[dict]) -> list[dict]:
    """Cells the line's box overlaps (half the shorter height at least, any width), left to right."""
    hits = []
    for cell in cells:
        left, top, right, bottom = cell["box"]
        overlap = min(line.bottom, bottom) - max(line.top, top)
        if overlap >= 0.5 * min(line.height, bottom - top) and min(line.right, right) > max(line.left, left):
            hits.append(cell)
    return sorted(hits, key=lambda cell: cell["box"][0])


def labelled(record: dict) -> Sample:
    """The OCR text (lines joined by newlines) with entity labels carried over from the cells it read."""
    chars: list[str] = []
    labels: list[str] = []
    for line in to_page(record).lines:
        reference, reference_labels = "", []
        for cell in covered(line, record["cells"]):
            for text, kind in cell["spans"]:
                reference += text
                reference_labels += bio.labels_from_spans(len(text), [(kind, 0, len(text))] if kind else [])
        if chars:
            chars.append("\n")
            labels.append("O")
        chars.append(line.text)
        labels += align_labels(line.text, reference, reference_labels)
    return Sample.of("".join(chars), labels)


def answers(records: Sequence[dict], samples: Sequence[Sample], predictor: NerPredictor) -> dict[str, list[int]]:
    """{group: [rules right, rules + NER right, total]} for positives and negatives."""
    found = predictor.predict([s.chars for s in samples])
    threshold = load_settings().decision.threshold
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for record, entities in zip(records, found):
        lines = to_page(record).lines
        rules = extract(lines)
        decided = decide(rules, entities, lines, threshold=threshold)
        row = table["positives exactly right" if record["flag"] else "negatives left unflagged"]
        row[0] += correct(record, (rules.fund_code, rules.hold_share, rules.flag))
        row[1] += correct(record, (decided.fund_code, decided.hold_share, decided.flag))
        row[2] += 1
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, nargs="*", default=[], help="model folders to score")
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--images", type=Path, help="where to render (default /tmp/fundocr-screens-SEED-COUNT)")
    parser.add_argument("--cache", type=Path, help="OCR cache (default /tmp/fundocr-ocr-SEED-COUNT.jsonl)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--samples", type=Path, help="write the labelled OCR texts here (JSON lines)")
    args = parser.parse_args()
    tag = f"{args.seed}-{args.count}"
    cache = args.cache or Path(f"/tmp/fundocr-ocr-{tag}.jsonl")
    if not cache.exists():
        os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
        images = args.images or Path(f"/tmp/fundocr-screens-{tag}")
        render_set(images, count=args.count, seed=args.seed)
        ocr_set(images, cache, instances=1, threads=args.threads)
    records = load(cache)
    samples = [labelled(record) for record in records]
    print(f"{len(samples)} OCR'd screenshots (seed {args.seed}), {sum(len(s.spans) for s in samples)} entities")
    if args.samples:
        args.samples.unlink(missing_ok=True)
        append_jsonl(samples, args.samples)
    for folder in args.model:
        predictor = NerPredictor.load(folder, threads=args.threads)
        print(f"\nmodel {folder} ({predictor.version}): entities on OCR text")
        print(evaluate(predictor, samples).table())
        for group, (rules, both, total) in answers(records, samples, predictor).items():
            print(f"{group}: rules {rules}/{total}, rules + NER {both}/{total}")


if __name__ == "__main__":
    main()
