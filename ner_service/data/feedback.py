"""Staff corrections as training samples: the labelled records of `python server.py export-corrections`.

A correction is one page of one layout; the trainer sees it several times an epoch, all but once with the
noise of `augment.ocr_noise` (same-type entity swaps, look-alike characters, split and merged lines), so
the model learns the layout rather than the page's exact values.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path

from ner_service.data.augment import EntityPool, ocr_noise
from ner_service.data.sample import Sample


def read_corrections(path: Path) -> list[Sample]:
    """The labelled records of an export file; records exported with a reason (no labels) are skipped."""
    with path.open(encoding="utf-8") as source:
        records = [json.loads(line) for line in source if line.strip()]
    return [Sample.of(r["chars"], r["labels"]) for r in records if "labels" in r]


def variants(samples: Sequence[Sample], rng: random.Random, pool: EntityPool, *, copies: int) -> list[Sample]:
    """Each sample once as it is and `copies - 1` times with OCR-like noise."""
    return [s if copy == 0 else ocr_noise(s, rng, pool) for s in samples for copy in range(copies)]
