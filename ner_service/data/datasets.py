"""Named training sets: generated holdings pages or a public corpus, as lists of BIO `Sample`s."""

from __future__ import annotations

import random
from pathlib import Path

from ner_service import bio, schema
from ner_service.data import corpora
from ner_service.data.augment import entity_pool, ocr_noise
from ner_service.data.pages import Page, generate_page, page_text
from ner_service.data.sample import Sample

HOLDINGS = "holdings"
NAMES = (HOLDINGS, *corpora.READERS)
# share of generated training samples that are two pages back to back, so that late positions are trained
JOIN_RATE = 0.2


def row_merged(page: Page, rng: random.Random, *, p: float) -> Sample:
    """The page's text where neighbouring cells of a row are, with probability `p`, read as one line."""
    chars: list[str] = []
    labels: list[str] = []
    for row in page.rows:
        for i, cell in enumerate(row.cells):
            if chars:
                gap = "\n" if i == 0 or rng.random() >= p else rng.choice(("", " "))
                chars.append(gap)
                labels.extend("O" * len(gap))
            for span in cell.spans:
                chars.append(span.text)
                kind = [(span.label, 0, len(span.text))] if span.label else []
                labels.extend(bio.labels_from_spans(len(span.text), kind))
    return Sample("".join(chars), tuple(labels))


def holdings_noisy(rng: random.Random, count: int, *, noise_rate: float = 0.8) -> list[Sample]:
    """Generated pages, most of them read as the OCR reads (cells of a row merged, noise), some joined."""
    pages = [generate_page(rng) for _ in range(count)]
    pool = entity_pool(Sample.of(*page_text(page)) for page in pages)
    samples = [
        ocr_noise(row_merged(page, rng, p=0.3), rng, pool) if rng.random() < noise_rate else Sample.of(*page_text(page))
        for page in pages
    ]
    joined = []
    for sample in samples:
        if joined and rng.random() < JOIN_RATE:
            last = joined.pop()
            sample = Sample(f"{last.chars}\n{sample.chars}", (*last.labels, "O", *sample.labels))
        joined.append(sample)
    return joined


def load(name: str, split: str, *, seed: int = 0, pages: int = 1000, corpus_dir: Path | None = None) -> list[Sample]:
    """A split of a named set; generated holdings splits are seeded by `seed` and the split's name."""
    if name == HOLDINGS:
        return holdings_noisy(random.Random(f"{HOLDINGS}-{split}-{seed}"), pages)
    if corpus_dir is None:
        raise ValueError(f"corpus {name!r} needs the corpus folder (--corpus-dir)")
    return corpora.load(name, split, corpus_dir)


def has_split(name: str, split: str) -> bool:
    return name == HOLDINGS or split in corpora.READERS.get(name, {})


def labels_of(name: str, samples: list[Sample]) -> tuple[str, ...]:
    """The label set: the holdings schema, or the types seen in a corpus's samples, sorted."""
    if name == HOLDINGS:
        return schema.bio_labels()
    return schema.bio_labels(tuple(sorted({kind for s in samples for kind, _, _ in s.spans})))
