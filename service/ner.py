"""The NER step of the pipeline: one page's entities from the batcher (the policy is service/decide.py)."""

from __future__ import annotations

from ner_service.batcher import NerBatcher
from ner_service.types import Entity


class NerReader:
    """Tags one page's OCR text, batched with whatever other pages arrive together."""

    def __init__(self, batcher: NerBatcher, *, version: str) -> None:
        self.batcher = batcher
        self.version = version

    async def __call__(self, text: str) -> list[Entity]:
        return await self.batcher.submit(text) if text else []
