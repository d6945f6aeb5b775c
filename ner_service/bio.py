"""BIO label sequences and the spans they stand for."""

from __future__ import annotations

from collections.abc import Sequence

Span = tuple[str, int, int]  # (type, start, end exclusive)


def spans(labels: Sequence[str]) -> list[Span]:
    """Entities of a BIO sequence; an `I-X` that does not continue an `X` starts a new one."""
    found: list[Span] = []
    kind, start = None, 0
    for i, label in enumerate(labels):
        if label.startswith("I-") and label[2:] == kind:
            continue
        if kind is not None:
            found.append((kind, start, i))
        kind, start = (label[2:], i) if label != "O" else (None, i)
    if kind is not None:
        found.append((kind, start, len(labels)))
    return found


def labels_from_spans(length: int, entities: Sequence[Span]) -> list[str]:
    """BIO labels of `length` characters with the given non-overlapping spans."""
    labels = ["O"] * length
    for kind, start, end in entities:
        labels[start:end] = [f"B-{kind}"] + [f"I-{kind}"] * (end - start - 1)
    return labels


def repair(labels: Sequence[str]) -> list[str]:
    """The same spans written as valid BIO (every entity opens with `B-`)."""
    return labels_from_spans(len(labels), spans(labels))


def from_bmes(labels: Sequence[str]) -> list[str]:
    """BMES/BIOES (`B M E S` or `B I E S`) to BIO."""
    converted = []
    for label in labels:
        if label == "O":
            converted.append("O")
            continue
        prefix, kind = label.split("-", 1)
        converted.append(f"B-{kind}" if prefix in ("B", "S") else f"I-{kind}")
    return converted
