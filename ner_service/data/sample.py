"""One labelled text: what every corpus reader and the holdings generator produce for the trainer."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ner_service import bio


@dataclass(frozen=True, slots=True)
class Sample:
    """`chars` is the text; `labels` holds one BIO label per character."""

    chars: str
    labels: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.chars) != len(self.labels):
            raise ValueError(f"{len(self.chars)} characters but {len(self.labels)} labels")

    @classmethod
    def of(cls, chars: str, labels) -> Sample:
        """A sample whose labels are rewritten as valid BIO."""
        return cls(chars, tuple(bio.repair(labels)))

    @property
    def spans(self) -> list[bio.Span]:
        return bio.spans(self.labels)


def append_jsonl(samples: Iterable[Sample], path: Path) -> None:
    """Add samples to a JSON-lines file, one `{"chars", "labels"}` object a line."""
    with path.open("a", encoding="utf-8") as sink:
        for sample in samples:
            sink.write(json.dumps({"chars": sample.chars, "labels": sample.labels}, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[Sample]:
    with path.open(encoding="utf-8") as source:
        return [Sample.of(record["chars"], record["labels"]) for record in map(json.loads, source)]
