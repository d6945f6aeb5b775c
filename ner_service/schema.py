"""Entity types the holdings model tags, and the BIO labels built from them."""

from __future__ import annotations

ENTITY_TYPES: tuple[str, ...] = (
    "FUND_NAME",
    "FUND_CODE",
    "HOLD_SHARE",
    "AVAILABLE_SHARE",
    "AMOUNT",
    "PROFIT",
    "DATE",
)


def bio_labels(entity_types: tuple[str, ...] = ENTITY_TYPES) -> tuple[str, ...]:
    """`O` first, then `B-`/`I-` per type, in the order given."""
    return ("O",) + tuple(f"{prefix}-{kind}" for kind in entity_types for prefix in ("B", "I"))
