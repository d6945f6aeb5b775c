"""One page's answer from its OCR lines: the rules and the model beside them (when there is one), then the
policy of service.decide.

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
from ocr_service.holdings import Holding, holdings, single
from ocr_service.labels import NO_LABELS, Learned
from ocr_service.types import Extraction, OcrLine, OcrResult, Quad
from service.decide import Decision, decide


class NerStep(Protocol):
    """The NER seam (service.ner.NerReader): the entities of one page's OCR text."""

    version: str

    async def __call__(self, text: str) -> Sequence[Entity]: ...


@dataclass(frozen=True, slots=True)
class Reading:
    """What was decided (and how sure), what the rules found, the model's entities and every holding on
    the page."""

    decision: Decision
    rules: Extraction
    entities: Sequence[Entity]
    holdings: tuple[Holding, ...] = ()

    @property
    def findings(self) -> dict[str, Any]:
        return {
            "fund_codes": list(self.rules.fund_codes),
            "shares": list(self.rules.shares),
            "decided_by": self.decision.source,
            "reasons": list(self.decision.reasons),
        }

    @property
    def holdings_json(self) -> list[dict[str, Any]]:
        return [holding.as_json() for holding in self.holdings]

    @property
    def entities_json(self) -> list[dict[str, Any]]:
        return [asdict(entity) for entity in self.entities]

    def stored(self, ner_model: str | None) -> dict[str, Any]:
        """The columns of a row that hold this reading (its OCR answer): what the pipeline inserts and
        `reprocess` replaces."""
        decided = self.decision
        return {
            "flag": decided.flag,
            "fund_code": decided.fund_code,
            "hold_share": decided.hold_share,
            "confidence": decided.confidence,
            "needs_review": decided.needs_review,
            "entities": self.entities_json,
            "findings": self.findings,
            "holdings": self.holdings_json,
            "ner_model": ner_model,
        }


async def read_page(ocr: OcrResult, ner: NerStep | None, *, threshold: float, learned: Learned = NO_LABELS) -> Reading:
    """Apply the rules (knowing the `learned` labels too) to the page's lines and, when `ner` is given, the
    model to its text; then decide. A flagged answer is one fund: its holdings are exactly that one, equal to
    the answer."""
    rules = extract(ocr.lines, learned=learned)
    entities = await ner(ocr.text) if ner is not None else ()
    decision = decide(rules, entities, ocr.lines, threshold=threshold, orientation_unsure=ocr.orientation_unsure)
    found = holdings(ocr.lines)
    if decision.flag:
        sure = min(decision.confidence.values())
        found = (single(found, rules, ocr.lines, fund_code=decision.fund_code, share=decision.hold_share, confidence=sure),)
    return Reading(decision, rules, entities, found)



def line_json(line: OcrLine) -> dict[str, Any]:
    """A line as the database keeps it: `box` in image pixels, `upright_box` where the page was turned,
    tilted or photographed at an angle."""
    kept: dict[str, Any] = {"text": line.text, "confidence": round(float(line.confidence), 4), "box": [list(p) for p in line.box]}
    if line.upright_box is not None:
        kept["upright_box"] = [list(p) for p in line.upright_box]
    return kept


def stored_page(result: StoredResult) -> OcrResult:
    """The page as it was read when `result` was stored."""
    return OcrResult(lines=lines_of(result.ocr_lines), width=result.image_width, height=result.image_height)


def lines_of(kept: Sequence[dict[str, Any]]) -> tuple[OcrLine, ...]:
    """Lines from what `line_json` made of them."""
    return tuple(
        OcrLine(line["text"], line["confidence"], _quad(line["box"]), _quad(line["upright_box"]) if "upright_box" in line else None)
        for line in kept
    )


def _quad(points: list[list[int]]) -> Quad:
    return tuple((x, y) for x, y in points)  # type: ignore[return-value]
