"""Values the NER service hands to its callers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entity:
    """A tagged span of the input text: `text == input[start:end]` (end exclusive)."""

    type: str
    text: str
    start: int
    end: int
