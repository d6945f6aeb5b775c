"""How sure the answers are against how often they are right: the trade-off behind `decision.threshold`.

    python -m bench.calibration --tune TUNING.jsonl --held-out HELD_OUT.jsonl

reads OCR caches as `bench.extraction` writes them (one JSON record per page: `layout` or `family`,
`fund_code`, `hold_share`, `flag`, `lines`), runs the rules, the entity model (`--model`; `--no-ner`
for the rules alone) and `service.decide` on each page, and prints

- on the tuning set, for each threshold: answered (flagged) pages, flagged wrong, precision among flagged,
  single-fund pages exactly right; and the lowest threshold that keeps flagged wrong at or under
  `--max-wrong` (a share of all pages) with precision at or over `--min-precision`;
- on the held-out set, at `--threshold` (default: config.yaml's `decision.threshold`), per family:
  right, abstained (left unflagged) and flagged wrong. On a page without a single holding (a list, a
  quote page) right means unflagged.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.extraction import load, texts, to_page
from core.settings import load_settings
from ocr_service.extract import extract
from ocr_service.types import Extraction
from service.decide import decide

THRESHOLDS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99)
# The decision at a threshold this low keeps every answer that only the threshold could hold back.
ANY = 1e-9


@dataclass(frozen=True, slots=True)
class Scored:
    groups: dict[str, str]  # family, and degradation on wild pages
    positive: bool  # the page shows one holding: its code and share are the truth
    answer: tuple[str, str] | None  # what would be flagged at a low enough threshold
    score: float  # the lower of the two fields' confidences
    right: bool  # the answer equals the truth
    note: str  # the page, the truth and the decision, for --show

    def flagged(self, threshold: float) -> bool:
        return self.answer is not None and self.score >= threshold

    def outcome(self, threshold: float) -> str:
        if not self.flagged(threshold):
            return "abstained" if self.positive else "right"
        return "right" if self.right else "flagged wrong"


def score(records: Sequence[dict], found: Sequence[list], *, rules: bool = True) -> list[Scored]:
    """Each page decided at any threshold; `rules=False`: from the model's entities alone."""
    scored = []
    for record, entities in zip(records, found):
        lines = to_page(record).lines
        extraction = extract(lines) if rules else Extraction("", "", False)
        decision = decide(extraction, entities, lines, threshold=ANY, orientation_unsure=record.get("orientation_unsure", False))
        answer = (decision.fund_code, decision.hold_share) if decision.flag else None
        truth = (record["fund_code"], record["hold_share"]) if record["flag"] else None
        note = f"{record['path']} truth={truth} {decision} | " + " / ".join(line.text for line in lines)
        groups = {"family": record.get("family") or record["layout"], "degradation": record.get("degradation", "none")}
        scored.append(Scored(groups, truth is not None, answer, min(decision.confidence.values()), answer == truth, note))
    return scored


def entities(records: Sequence[dict], model: Path | None) -> list[list]:
    if model is None:
        return [[] for _ in records]
    from ner_service.predict import NerPredictor

    predictor = NerPredictor.load(model, threads=1, int8=load_settings().ner.int8)
    pages = ["\n".join(texts(record)) for record in records]
    return [entities for start in range(0, len(pages), 16) for entities in predictor.predict(pages[start : start + 16])]


def summary(scored: Sequence[Scored], threshold: float) -> dict[str, float]:
    """Shares of all pages answered and flagged wrong, precision among flagged, single-fund pages right."""
    flagged = [s for s in scored if s.flagged(threshold)]
    wrong = sum(not s.right for s in flagged)
    positives = [s for s in scored if s.positive]
    return {
        "threshold": threshold,
        "answered": len(flagged) / len(scored),
        "flagged_wrong": wrong / len(scored),
        "precision": 1 - wrong / len(flagged) if flagged else 1.0,
        "positives_right": sum(s.flagged(threshold) and s.right for s in positives) / max(1, len(positives)),
    }


def outcomes(scored: Sequence[Scored], threshold: float, by: str) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"right": 0, "abstained": 0, "flagged wrong": 0})
    for s in scored:
        table[s.groups[by]][s.outcome(threshold)] += 1
    return dict(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", type=Path, nargs="*", default=[], help="OCR caches to choose the threshold on")
    parser.add_argument("--held-out", type=Path, nargs="*", default=[], help="OCR caches never tuned on")
    parser.add_argument("--model", type=Path, default=load_settings().ner.model_path)
    parser.add_argument("--no-ner", action="store_true", help="the rules alone")
    parser.add_argument("--threshold", type=float, default=load_settings().decision.threshold)
    parser.add_argument("--max-wrong", type=float, default=0.005)
    parser.add_argument("--min-precision", type=float, default=0.995)
    parser.add_argument("--show", type=int, default=0, help="print this many held-out pages not answered right")
    parser.add_argument("--by", nargs="*", choices=("family", "degradation"), default=["family"])
    args = parser.parse_args()
    model = None if args.no_ner else args.model
    if args.tune:
        records = [r for path in args.tune for r in load(path)]
        found = entities(records, model)
        tuned = score(records, found)
        print(f"tuning: {len(tuned)} pages from {', '.join(map(str, args.tune))}")
        if model is not None:
            alone = summary(score(records, found, rules=False), ANY)
            print(f"the model alone (MODEL_TRUST): answered {100 * alone['answered']:.1f}%, precision {100 * alone['precision']:.2f}%")
        print("| threshold | answered | flagged wrong | precision | single-fund pages right |\n|---|---|---|---|---|")
        rows = [summary(tuned, threshold) for threshold in THRESHOLDS]
        for row in rows:
            print(
                f"| {row['threshold']:.2f} | {100 * row['answered']:.1f}% | {100 * row['flagged_wrong']:.2f}% |"
                f" {100 * row['precision']:.2f}% | {100 * row['positives_right']:.1f}% |"
            )
        ok = [r["threshold"] for r in rows if r["flagged_wrong"] <= args.max_wrong and r["precision"] >= args.min_precision]
        print(f"lowest threshold meeting the targets: {min(ok) if ok else 'none'}")
    if args.held_out:
        records = [r for path in args.held_out for r in load(path)]
        held = score(records, entities(records, model))
        print(f"held out: {len(held)} pages from {', '.join(map(str, args.held_out))}, threshold {args.threshold}")
        for by in args.by:
            print(f"| {by} | right | abstained | flagged wrong |\n|---|---|---|---|")
            for group, row in sorted(outcomes(held, args.threshold, by).items()):
                total = sum(row.values())
                print(f"| {group} | " + " | ".join(f"{row[k]}/{total} ({100 * row[k] / total:.1f}%)" for k in ("right", "abstained", "flagged wrong")) + " |")
        for s in [s for s in held if s.outcome(args.threshold) != "right"][: args.show]:
            print(f"{s.outcome(args.threshold)} {s.groups}: {s.note}", file=sys.stderr)
        row = summary(held, args.threshold)
        print(
            f"all: answered {100 * row['answered']:.1f}%, flagged wrong {100 * row['flagged_wrong']:.2f}%,"
            f" precision {100 * row['precision']:.2f}%, single-fund pages right {100 * row['positives_right']:.1f}%"
        )


if __name__ == "__main__":
    main()
