"""Entity-level precision, recall and F1 (exact type and boundaries), per type and micro-averaged.

    python -m ner_service.evaluate --model ner_service/model --data holdings --split test
    python -m ner_service.evaluate --model /tmp/resume --data resume --split test --corpus-dir ../corpora
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from ner_service.bio import Span
from ner_service.data import datasets
from ner_service.data.sample import Sample


@dataclass(frozen=True, slots=True)
class Score:
    """Counts of matched (tp), spurious (fp) and missed (fn) entities."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / total if total else 0.0


@dataclass(frozen=True, slots=True)
class Report:
    by_type: dict[str, Score]
    micro: Score

    def table(self) -> str:
        rows = [f"{'type':<16}{'P':>8}{'R':>8}{'F1':>8}{'gold':>8}{'pred':>8}"]
        for kind, s in [*sorted(self.by_type.items()), ("micro", self.micro)]:
            rows.append(f"{kind:<16}{s.precision:8.4f}{s.recall:8.4f}{s.f1:8.4f}{s.tp + s.fn:8d}{s.tp + s.fp:8d}")
        return "\n".join(rows)


def score(gold: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]]) -> Report:
    """Compare span lists text by text; a predicted span counts only if type, start and end all match."""
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold texts but {len(predicted)} predicted")
    counts: dict[str, Counter] = {}
    for gold_spans, predicted_spans in zip(gold, predicted):
        expected, found = set(gold_spans), set(predicted_spans)
        for outcome, spans in (("tp", expected & found), ("fp", found - expected), ("fn", expected - found)):
            for kind, _, _ in spans:
                counts.setdefault(kind, Counter())[outcome] += 1
    by_type = {kind: Score(c["tp"], c["fp"], c["fn"]) for kind, c in counts.items()}
    micro = Score(*(sum(getattr(s, f) for s in by_type.values()) for f in ("tp", "fp", "fn")))
    return Report(by_type, micro)


def evaluate(predictor, samples: Sequence[Sample], *, batch: int = 32, progress: bool = True) -> Report:
    """Score a predictor (anything with `predict(texts) -> list[list[Entity]]`) on labelled samples."""
    predicted: list[list[Span]] = []
    for first in tqdm(range(0, len(samples), batch), desc="evaluate", unit="batch", disable=not progress, leave=False):
        texts = [s.chars for s in samples[first : first + batch]]
        predicted += [[(e.type, e.start, e.end) for e in found] for found in predictor.predict(texts)]
    return score([s.spans for s in samples], predicted)


def main() -> None:
    from ner_service.predict import NerPredictor

    parser = argparse.ArgumentParser(description="Entity-level P/R/F1 of a model folder on a data set.")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--data", choices=datasets.NAMES, required=True)
    parser.add_argument("--split", default="test")
    parser.add_argument("--corpus-dir", type=Path)
    parser.add_argument("--seed", type=int, default=0, help="generated holdings sets: which pages")
    parser.add_argument("--pages", type=int, default=1000, help="generated holdings sets: how many pages")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    samples = datasets.load(args.data, args.split, seed=args.seed, pages=args.pages, corpus_dir=args.corpus_dir)
    predictor = NerPredictor.load(args.model, threads=args.threads)
    print(f"{args.data}/{args.split}: {len(samples)} texts, model {predictor.version}")
    print(evaluate(predictor, samples).table())


if __name__ == "__main__":
    main()
