"""Readers for the public Chinese NER corpora, each turned into BIO `Sample`s.

Folder layout under the corpus root (the published files, unchanged):
resume/{train,dev,test}.char.bmes, weibo/{train,dev,test}.conll, cluener/{train,dev}.json,
peoples_daily/{dev,test}.txt (its train split is not distributed: train on dev, report on test).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from ner_service import bio
from ner_service.data.sample import Sample


def read_conll(path: Path, *, strip_digit: bool = False, bmes: bool = False) -> list[Sample]:
    """`char TAG` lines, a blank line between sentences (Resume, People's Daily, Weibo)."""
    samples: list[Sample] = []
    tokens: list[str] = []
    labels: list[str] = []
    for line in _lines(path):
        if not line.strip():
            if tokens:
                samples.append(_sample(tokens, labels, bmes))
                tokens, labels = [], []
            continue
        token, tag = line.rsplit(maxsplit=1) if "\t" not in line else line.split("\t")
        # Weibo writes each char with its word-segment position appended (e.g. "科0")
        tokens.append(token[:-1] if strip_digit else token)
        labels.append(tag.strip())
    if tokens:
        samples.append(_sample(tokens, labels, bmes))
    return samples


def read_cluener(path: Path) -> list[Sample]:
    """CLUENER: JSON objects one after another, spans `[start, end_inclusive]` per type and entity."""
    samples = []
    for record in _json_objects(path.read_text(encoding="utf-8")):
        text = record["text"]
        entities = [
            (kind, start, end + 1)
            for kind, by_text in record.get("label", {}).items()
            for positions in by_text.values()
            for start, end in positions
        ]
        # a few entities overlap; the later-starting one wins and the labels are repaired to valid BIO
        samples.append(Sample.of(text, bio.labels_from_spans(len(text), sorted(entities, key=lambda e: e[1]))))
    return samples


READERS: dict[str, dict[str, Callable[[Path], list[Sample]]]] = {
    "resume": {
        split: (lambda root, s=split: read_conll(root / "resume" / f"{s}.char.bmes", bmes=True))
        for split in ("train", "dev", "test")
    },
    "weibo": {
        split: (lambda root, s=split: read_conll(root / "weibo" / f"{s}.conll", strip_digit=True))
        for split in ("train", "dev", "test")
    },
    "cluener": {
        split: (lambda root, s=split: read_cluener(root / "cluener" / f"{s}.json")) for split in ("train", "dev")
    },
    "peoples_daily": {
        "train": lambda root: read_conll(root / "peoples_daily" / "dev.txt"),
        "test": lambda root: read_conll(root / "peoples_daily" / "test.txt"),
    },
}


def load(name: str, split: str, root: Path) -> list[Sample]:
    """Samples of one split of a corpus under `root`."""
    try:
        reader = READERS[name][split]
    except KeyError:
        raise ValueError(f"no split {split!r} of corpus {name!r}") from None
    return reader(root)


def _sample(tokens: list[str], labels: list[str], bmes: bool) -> Sample:
    labels = bio.from_bmes(labels) if bmes else labels
    # a few tokens are emoji of several code points: each code point gets the token's label
    expanded = [
        label if i == 0 or label == "O" else f"I-{label[2:]}"
        for token, label in zip(tokens, labels)
        for i in range(len(token))
    ]
    return Sample.of("".join(tokens), expanded)


def _lines(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            yield line.rstrip("\n")


def _json_objects(text: str) -> Iterator[dict]:
    decoder = json.JSONDecoder()
    position = 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return
        record, position = decoder.raw_decode(text, position)
        yield record
