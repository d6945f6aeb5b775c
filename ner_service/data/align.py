"""Carry entity labels from known text onto the text an OCR engine read from its picture.

Each OCR line is aligned character by character (difflib) with the reference text it covers; an OCR
character takes the entity of the reference character it matches or replaces, and a character the OCR
added inside an entity joins that entity. Entities the OCR dropped part of keep what is left.
"""

from __future__ import annotations

from collections.abc import Sequence
from difflib import SequenceMatcher

from ner_service import bio


def align_labels(ocr: str, reference: str, labels: Sequence[str]) -> list[str]:
    """BIO labels for `ocr`, given `reference` text and its BIO `labels`."""
    owner = [None] * len(reference)  # reference char -> index of its entity
    for number, (_, start, end) in enumerate(bio.spans(labels)):
        owner[start:end] = [number] * (end - start)
    kinds = [kind for kind, _, _ in bio.spans(labels)]
    mapped: list[int | None] = [None] * len(ocr)  # OCR char -> entity index
    inserted: list[bool] = [False] * len(ocr)
    matcher = SequenceMatcher(None, reference, ocr, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "insert":
            inserted[j1:j2] = [True] * (j2 - j1)
        elif tag in ("equal", "replace"):
            for j in range(j1, j2):
                mapped[j] = owner[min(i2 - 1, i1 + (j - j1) * (i2 - i1) // (j2 - j1))]
    for j in range(len(ocr)):
        if inserted[j] and mapped[j] is None:
            before = next((mapped[k] for k in range(j - 1, -1, -1) if not inserted[k]), None)
            after = next((mapped[k] for k in range(j + 1, len(ocr)) if not inserted[k]), None)
            mapped[j] = before if before is not None and before == after else None
    out: list[str] = []
    for j, number in enumerate(mapped):
        if number is None:
            out.append("O")
        else:
            out.append(("I-" if j and mapped[j - 1] == number else "B-") + kinds[number])
    return out
