"""One page's answer from its OCR lines: the rules, then the model beside them (when there is one).

The pipeline reads each new image this way, and `reprocess` reads stored pages again the same way, from
the lines kept in the database, without downloading or recognising anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from db.results import StoredResult
from ner_service.types import Entity
from ocr_service.extract import extract
from ocr_service.types import Extraction, OcrLine, OcrResult


class NerStep(Protocol):
    """The NER seam: reads the page beside the rules' answer; returns the decided answer, the entities and
    which side decided ("rules", "ner" or "both")."""

    version: str

    async def __call__(self, ocr: OcrResult, rules: Extraction) -> tuple[Extraction, Sequence[Entity], str]: ...


@dataclass(frozen=True, slots=True)
class Reading:
    """What was decided, what the rules found, the model's entities, and which side decided."""

    decided: Extraction
    rules: Extraction
    entities: Sequence[Entity]
    decided_by: str

    @property
    def findings(self) -> dict[str, Any]:
        return {"fund_codes": list(self.rules.fund_codes), "shares": list(self.rules.shares), "decided_by": self.decided_by}

    @property
    def entities_json(self) -> list[dict[str, Any]]:
        return [asdict(entity) for entity in self.entities]


async def read_page(ocr: OcrResult, ner: NerStep | None) -> Reading:
    """Apply the rules to the page's lines, and the model and the policy (service.decide) when `ner` is given."""
    rules = extract(ocr.lines)
    if ner is None:
        return Reading(rules, rules, (), "rules")
    decided, entities, decided_by = await ner(ocr, rules)
    return Reading(decided, rules, entities, decided_by)


def line_json(line: OcrLine) -> dict[str, Any]:
    """A line as the database keeps it."""
    return {"text": line.text, "confidence": round(float(line.confidence), 4), "box": [list(p) for p in line.box]}


def stored_page(result: StoredResult) -> OcrResult:
    """The page as it was read when `result` was stored."""
    lines = tuple(
        OcrLine(line["text"], line["confidence"], tuple((x, y) for x, y in line["box"])) for line in result.ocr_lines
    )
    return OcrResult(lines=lines, width=result.image_width, height=result.image_height)
