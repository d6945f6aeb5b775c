"""The NER step of the pipeline: the page's entities from the batcher, then the rules-and-model policy."""

from __future__ import annotations

from collections.abc import Sequence

from ner_service.batcher import NerBatcher
from ner_service.types import Entity
from ocr_service.types import Extraction, OcrResult
from service.decide import decide


class NerReader:
    """Reads one page's OCR text beside the rules' answer (see service.decide for the policy)."""

    def __init__(self, batcher: NerBatcher, *, version: str) -> None:
        self.batcher = batcher
        self.version = version

    async def __call__(self, ocr: OcrResult, rules: Extraction) -> tuple[Extraction, Sequence[Entity], str]:
        text = ocr.text
        entities = await self.batcher.submit(text) if text else []
        decision = decide(rules, entities, text)
        decided = Extraction(
            fund_code=decision.fund_code,
            hold_share=decision.hold_share,
            flag=decision.flag,
            fund_codes=rules.fund_codes,
            shares=rules.shares,
        )
        return decided, entities, decision.source
