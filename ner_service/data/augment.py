"""Noise that makes clean generated text look like what the OCR engine returns, labels kept in step.

- same-type entity swapping: an entity's text is replaced by another entity of its type;
- look-alike / sound-alike characters: the confusions a CRNN recogniser makes on screenshots (0/O,
  1/l/I, 5/S, 8/B, full- and half-width punctuation, 份/分, 额/颔 ...);
- dropped and doubled characters;
- merged lines (cells on one row read as one line, with or without a space), split lines, lost spaces.
Every function takes and returns a `Sample` and draws only from the caller's `random.Random`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from ner_service import bio
from ner_service.data.sample import Sample

# each group: characters the recogniser mistakes for one another
LOOK_ALIKE_GROUPS = (
    "0Oo〇", "1lI丨", "5S", "8B", "6b", "2Z", "9q", "7T",
    "，,", "．.。", "：:", "（(", "）)", "；;", "－-—", "＋+", "％%", "￥¥", "　 ",
    "份分", "额颔", "持特", "有肴", "金全", "益盗", "收牧", "日曰", "用甩", "码玛", "基墓", "元无", "值直", "净浄",
    "可司", "资姿", "产严", "期朝", "账帐", "号弓", "天夭",
)
CONFUSIONS: dict[str, tuple[str, ...]] = {
    char: tuple(other for other in group if other != char) for group in LOOK_ALIKE_GROUPS for char in group
}
EntityPool = Mapping[str, Sequence[str]]


def entity_pool(samples: Iterable[Sample]) -> dict[str, list[str]]:
    """Every entity text seen, by type, for `swap_entities`."""
    pool: dict[str, set[str]] = defaultdict(set)
    for sample in samples:
        for kind, start, end in sample.spans:
            pool[kind].add(sample.chars[start:end])
    return {kind: sorted(texts) for kind, texts in pool.items()}


def swap_entities(sample: Sample, rng: random.Random, pool: EntityPool, *, p: float) -> Sample:
    """Each entity, with probability `p`, becomes another entity text of the same type."""
    chars: list[str] = []
    labels: list[str] = []
    position = 0
    for kind, start, end in sample.spans:
        chars.append(sample.chars[position:start])
        labels.extend(sample.labels[position:start])
        text = sample.chars[start:end]
        if kind in pool and pool[kind] and rng.random() < p:
            text = rng.choice(pool[kind])
        chars.append(text)
        labels.extend(bio.labels_from_spans(len(text), [(kind, 0, len(text))]))
        position = end
    chars.append(sample.chars[position:])
    labels.extend(sample.labels[position:])
    return Sample("".join(chars), tuple(labels))


def confuse_chars(sample: Sample, rng: random.Random, *, p: float) -> Sample:
    """Each character that has look-alikes is misread as one of them with probability `p`."""
    chars = [
        rng.choice(CONFUSIONS[char]) if char in CONFUSIONS and rng.random() < p else char for char in sample.chars
    ]
    return Sample("".join(chars), sample.labels)


def drop_and_double(sample: Sample, rng: random.Random, *, p: float) -> Sample:
    """Each character other than a newline is lost, or read twice, with probability `p` / 2 each."""
    chars: list[str] = []
    labels: list[str] = []
    for char, label in zip(sample.chars, sample.labels):
        roll = rng.random()
        if char == "\n" or roll >= p:
            chars.append(char)
            labels.append(label)
        elif roll >= p / 2:
            chars += [char, char]
            labels += [label, label if label == "O" else f"I-{label[2:]}"]
    return Sample.of("".join(chars), labels)


def merge_lines(sample: Sample, rng: random.Random, *, p: float) -> Sample:
    """Each line break, with probability `p`, disappears or becomes a space (two cells read as one line)."""
    chars: list[str] = []
    labels: list[str] = []
    for char, label in zip(sample.chars, sample.labels):
        if char == "\n" and rng.random() < p:
            if rng.random() < 0.5:
                continue
            char = " "
        chars.append(char)
        labels.append(label)
    return Sample.of("".join(chars), labels)


def split_lines(sample: Sample, rng: random.Random, *, p: float) -> Sample:
    """Each space outside entities, with probability `p`, becomes a line break (one cell read as two lines)."""
    chars = [
        "\n" if char == " " and label == "O" and rng.random() < p else char
        for char, label in zip(sample.chars, sample.labels)
    ]
    return Sample("".join(chars), sample.labels)


def drop_spaces(sample: Sample, rng: random.Random, *, p: float) -> Sample:
    """Each space is lost with probability `p` (the recogniser often reads a narrow gap as nothing)."""
    keep = [char != " " or rng.random() >= p for char in sample.chars]
    chars = "".join(char for char, kept in zip(sample.chars, keep) if kept)
    return Sample.of(chars, [label for label, kept in zip(sample.labels, keep) if kept])


def ocr_noise(sample: Sample, rng: random.Random, pool: EntityPool, *, strength: float = 1.0) -> Sample:
    """All of the above at rates tuned so that most lines stay intact, as on real screenshots."""
    sample = swap_entities(sample, rng, pool, p=0.2 * strength)
    sample = merge_lines(sample, rng, p=0.03 * strength)
    sample = split_lines(sample, rng, p=0.3 * strength)
    sample = drop_spaces(sample, rng, p=0.3 * strength)
    sample = confuse_chars(sample, rng, p=0.02 * strength)
    return drop_and_double(sample, rng, p=0.005 * strength)
